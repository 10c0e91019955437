"""Every public write of jurisdictions is one transaction ending in its audit entry: when the audit write
fails, no jurisdiction, body, award, ruleset version or calendar day stays behind, and once the log is back
the same action goes through.

Plain `django_db` tests are enough: a service without its own `transaction.atomic` leaves its writes in the
test's transaction when the audit write fails, and the row-by-row comparison sees them.
"""
import copy
import dataclasses
import datetime as dt
from typing import Callable
from unittest import mock

import pytest

from core.models import AuditEntry
from tests.atomicity import assert_atomic, public_functions, snapshot

MODULES = ("jurisdictions.services", "jurisdictions.calendar")

# Public functions of those modules that write nothing: each needs no atomic test.
NOT_WRITES = {
    "jurisdictions.services.market_regulation_name",  # pure: a body's name
    "jurisdictions.services.seed_ruleset_data",  # read: a seed file
    "jurisdictions.services.today",  # read: core.clock's date
    # (library_years, an lru_cache of the years chinesecalendar knows, is no plain function and not listed)
    "jurisdictions.calendar.known_years",  # read
    "jurisdictions.calendar.compute_window",  # pure over the calendar
    "jurisdictions.calendar.add_working_days",  # pure over the calendar
    "jurisdictions.calendar.deadline_after",  # pure over the calendar
    "jurisdictions.calendar.is_working_day",  # read
    "jurisdictions.calendar.coverage_warning",  # read
}
# Writes that log no audit entry, so assert_atomic cannot reach one: each has its own all-or-nothing test.
WRITES_WITHOUT_AUDIT = {
    "jurisdictions.services.jurisdiction_tree_load": "test_the_tree_load_is_all_or_nothing",
}


@dataclasses.dataclass
class Case:
    function: str
    label: str
    build: Callable  # (request) -> the call to make
    audit_action: str

    @property
    def id(self):
        return f"{self.function.rsplit('.', 1)[1]}[{self.label}]"


CASES: list[Case] = []


def case(function, label, audit_action):
    def register(build):
        CASES.append(Case(f"jurisdictions.{function}", label, build, audit_action))
        return build
    return register


def _drop_award(slug):
    """As before the award was seeded ."""
    from jurisdictions.models import Award, Ruleset

    award = Award.objects.get(slug=slug)
    Ruleset.objects.filter(award=award).delete()
    award.delete()


@case("services.jurisdiction_add", "county under 塔城地区", "jurisdiction.add")
def _(request):
    from jurisdictions.models import Jurisdiction
    from jurisdictions.services import jurisdiction_add

    admin = request.getfixturevalue("make_user")()
    parent = Jurisdiction.objects.get(code="654200")
    return lambda: jurisdiction_add(code="654290", name="测试新设县", parent=parent, actor=admin)


@case("services.award_load_seed", "award not yet seeded", "ruleset.create")
def _(request):
    from jurisdictions.services import award_load_seed

    _drop_award("chanhe-head")
    return lambda: award_load_seed(slug="chanhe-head")


@case("services.load_all_seeds", "one award not yet seeded", "ruleset.create")
def _(request):
    from jurisdictions.services import load_all_seeds

    _drop_award("erenhot-mayor")
    return load_all_seeds


@case("services.ruleset_save_new_version", "edited document title", "ruleset.create")
def _(request):
    from jurisdictions.models import Award
    from jurisdictions.services import ruleset_save_new_version

    request.getfixturevalue("without_rule_case_checks")
    office = request.getfixturevalue("make_user")()
    award = Award.objects.get(slug="tacheng-prefecture")
    data = copy.deepcopy(award.rulesets.order_by("-version").first().data)
    data["document"]["title"] += "（修订）"
    return lambda: ruleset_save_new_version(award=award, data=data, note="标题更正", actor=office)


@case("services.ruleset_save_new_version", "breaking a rule case, with its reason", "ruleset.create")
def _(request):
    from jurisdictions import rule_checks
    from jurisdictions.models import Award
    from jurisdictions.services import ruleset_save_new_version

    broken = [{"name": "拟授奖名单公示7个工作日", "article": "第二十一条", "failure": "第3步（期限任务运行）期望状态为“公示中”；实际状态为“待办理”"}]
    request.getfixturevalue("monkeypatch").setattr(rule_checks, "_CHECKERS", [lambda *, award, data: broken])
    office = request.getfixturevalue("make_user")()
    award = Award.objects.get(slug="tacheng-prefecture")
    data = copy.deepcopy(award.rulesets.order_by("-version").first().data)
    data["document"]["title"] += "（修订）"
    return lambda: ruleset_save_new_version(award=award, data=data, note="标题更正", actor=office, save_reason="依据新文件")


@case("services.calendar_override_set", "a holiday of an unknown year", "calendar.override")
def _(request):
    from jurisdictions.services import calendar_override_set

    staff = request.getfixturevalue("make_user")()
    return lambda: calendar_override_set(day=dt.date(2027, 1, 1), is_working=False, name="元旦", source="国办发明电〔2026〕X号",
                                         actor=staff)


@case("services.calendar_year_declare", "a year entered day by day", "calendar.declare_year")
def _(request):
    from jurisdictions.services import calendar_override_set, calendar_year_declare

    staff = request.getfixturevalue("make_user")()
    calendar_override_set(day=dt.date(2027, 1, 1), is_working=False, name="元旦", source="国办发明电〔2026〕X号", actor=staff)
    return lambda: calendar_year_declare(year=2027, source="国办发明电〔2026〕X号", actor=staff)


@pytest.mark.django_db
@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_a_failing_audit_write_leaves_every_table_unchanged_and_the_action_can_be_retried(c, request):
    call = c.build(request)
    assert_atomic(call)
    before = set(AuditEntry.objects.filter(action=c.audit_action).values_list("pk", flat=True))
    call()  # the audit log is back: the same action goes through, nothing half done stands in its way
    assert AuditEntry.objects.filter(action=c.audit_action).exclude(pk__in=before).count() >= 1


@pytest.mark.django_db
def test_the_tree_load_is_all_or_nothing():
    """The GB/T 2260 tree writes no audit entry; a failure late in the load (the industry departments) leaves
    the division it had already restored unwritten."""
    from jurisdictions import services
    from jurisdictions.models import Body, BodyKind, Jurisdiction

    county = Jurisdiction.objects.get(code="654226")  # 和布克赛尔蒙古自治县: no award, nothing refers to it
    Body.objects.filter(jurisdiction=county).delete()
    county.delete()
    before = snapshot()
    real = Body.objects.get_or_create

    def failing(**kwargs):
        if kwargs.get("kind") == BodyKind.INDUSTRY_DEPARTMENT:
            raise RuntimeError("disk full")
        return real(**kwargs)

    with mock.patch.object(services.Body.objects, "get_or_create", failing), pytest.raises(RuntimeError):
        services.jurisdiction_tree_load()
    assert snapshot() == before
    assert services.jurisdiction_tree_load() == 1
    assert Body.objects.filter(jurisdiction__code="654226", kind=BodyKind.MARKET_REGULATION).count() == 1


@pytest.mark.parametrize("module", MODULES)
def test_every_public_write_function_has_an_atomic_test(module):
    """A new write function in these modules fails here until it has a case above (or, if it writes nothing,
    is listed in NOT_WRITES with the reason)."""
    mine = lambda names: {n for n in names if n.startswith(module + ".")}  # noqa: E731
    tested = mine(c.function for c in CASES) | mine(WRITES_WITHOUT_AUDIT)
    assert public_functions(module) - NOT_WRITES == tested
    assert not mine(NOT_WRITES) - public_functions(module), "stale NOT_WRITES entry"
