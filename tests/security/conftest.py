import pytest


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fixture world, built once per module inside a transaction that is rolled back afterwards
    (each test still runs in its own savepoint). Uploaded files live in a module media directory."""
    from django.db import transaction
    from django.test.utils import override_settings

    from .world import build_world

    media = tmp_path_factory.mktemp("world-media")
    with django_db_blocker.unblock():
        with override_settings(MEDIA_ROOT=str(media), OTP_REQUIRED=False):
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                from review.models import CriteriaSet
                from review.services import criteria_load_builtin

                if CriteriaSet.objects.filter(builtin=True).count() < 3:
                    criteria_load_builtin()
                w = build_world()
                w.media_root = str(media)
                yield w
            finally:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture
def world_media(settings, world):
    settings.MEDIA_ROOT = world.media_root
    return world
