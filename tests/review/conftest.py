import pytest


@pytest.fixture(autouse=True)
def _criteria(request):
    """Transactional tests flush the data migration's criteria; put them back when the test uses the db."""
    names = request.fixturenames
    if "db" not in names and "transactional_db" not in names and request.node.get_closest_marker("django_db") is None:
        return
    from review.models import CriteriaSet
    from review.services import criteria_load_builtin

    if CriteriaSet.objects.filter(builtin=True).count() < 3:
        criteria_load_builtin()
