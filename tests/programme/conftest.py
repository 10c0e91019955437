import pytest


@pytest.fixture(scope="session")
def orm_beside_playwright():
    """Playwright's sync API leaves its asyncio loop registered as running in the main thread while the
    session-scoped browser lives; nothing here runs concurrently with it, so Django's async-safety guard is
    told there is no loop, in this process only (same reasoning as tests/jurisdictions/test_browser_rulesets.py)."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop
