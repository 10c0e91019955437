"""Every public write of review.services is one transaction ending in its audit entry: when the audit write
fails, nothing the action wrote stays (tests/atomicity.py compares every table row by row).

Plain `django_db` tests are enough: a service without its own `transaction.atomic` leaves its writes in the
test's transaction when the audit write fails, and the row-by-row comparison sees them. Calls that write
several audit entries (a move per application, an unassignment per revoked assignment) are also checked
with only their last audit write failing, so the earlier steps must be rolled back with it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import inspect
from unittest import mock

import pytest

from awards.models import ApplicantMember
from core import clock
from review import selectors, services
from review.models import Assignment, ConflictRelation, CriteriaSet, FeedbackDirection
from tests.atomicity import AuditWriteFailed, assert_atomic, public_functions, snapshot

from . import factories as f
from .test_scoring_and_ranking import score_and_submit, sheet

atomic_db = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 1, 9, tzinfo=clock.SHANGHAI)  # inside the cycles the factories open (2026)
PASSWORD = "Qx7-atomic-Review-2026"

# Public functions of review.services that write nothing, so have no audit entry to fail.
READS = {
    "review.services.selectors_bands",  # reads the band descriptors from criteria_data/bands.json
    "review.services.feedback_enabled",  # asks the ruleset whether two-way feedback exists
    "review.services.committee_members",  # the award's committee members (a queryset)
}


# ---------------------------------------------------------------- worlds built through the services


def _erenhot(experts=3):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "二连浩特市甲公司"))
    pool = [f.expert(award, n, employer=e) for n, e in (("甲专家", "内蒙古大学"), ("乙专家", "自治区标准化院"),
                                                      ("丙专家", "锡林郭勒职业学院"))[:experts]]
    return award, cycle, office, app, pool


def _xam_vote(*, close=False):
    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award)
    members = [f.committee_user(award) for _ in range(3)]
    a = f.application(cycle, f.applicant(award, "兴安盟甲乳业公司"), stage="deliberation")
    b = f.application(cycle, f.applicant(award, "兴安盟乙水泥公司"), stage="deliberation")
    vote = services.vote_open(cycle=cycle, applications=[a, b], actor=office, seed=1)
    items = {i.application_id: i for i in vote.items.all()}
    if close:
        for m in members:
            services.ballot_cast(item=items[a.pk], member=m, choice="for")
            services.ballot_cast(item=items[b.pk], member=m, choice="against")
        services.vote_close(vote=vote, actor=office)
    return office, members, vote, items, (a, b)


# ---------------------------------------------------------------- one case per write: (call, audit entries it writes)


def case_criteria_load_builtin():
    CriteriaSet.objects.filter(builtin=True).delete()  # so the load really creates the sheets again
    return lambda: services.criteria_load_builtin(), 1


def case_criteria_set_create():
    award = f.award("chanhe-head")
    office = f.office_user(award)
    categories = [{"number": "1", "name": "领导", "items": [{"number": "1.1", "name": "高层领导", "points": 60, "kind": "process"}]},
                  {"number": "2", "name": "结果", "items": [{"number": "2.1", "name": "经营结果", "points": 40, "kind": "result"}]}]
    return lambda: services.criteria_set_create(jurisdiction=award.jurisdiction, code="chanhe-atomic", name="瀍河简表",
                                                categories=categories, actor=office), 1


def case_expert_create():
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    return lambda: services.expert_create(jurisdiction=award.jurisdiction, name="新专家", employer="内蒙古大学",
                                          industries=["制造业"], actor=office, new_username="atomic-expert",
                                          new_password=PASSWORD), 1


def case_expert_update():
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    expert = f.expert(award, "周专家", with_user=False)
    return lambda: services.expert_update(expert=expert, actor=office, employer="自治区计量院",
                                          new_username="atomic-login", new_password=PASSWORD), 1


def case_conflict_declare():
    award, cycle, office, app, pool = _erenhot()
    services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office)
    # the declaration and the revocation of the assignment it touches: two audit entries
    return lambda: services.conflict_declare(expert=pool[0], relation=ConflictRelation.CONSULTANCY,
                                             applicant=app.applicant, note="2025年咨询", actor=office), 2


def case_conflict_remove():
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    expert = f.expert(award, "吴专家")
    d = services.conflict_declare(expert=expert, relation=ConflictRelation.CONSULTANCY, organisation_name="某咨询公司",
                                  actor=office)
    return lambda: services.conflict_remove(declaration=d, reason="误报", actor=office), 1


def case_panel_draw():
    award, cycle, office, app, pool = _erenhot()
    return lambda: services.panel_draw(cycle=cycle, stage="material_review", size=2, seed=5, actor=office), 1


def case_panel_adjust():
    award, cycle, office, app, pool = _erenhot()
    panel = services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=5, actor=office)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=1, actor=office)
    assigned = Assignment.objects.get().expert
    # the removed member's unsubmitted assignment is revoked, then the panel is logged: two entries
    return lambda: services.panel_adjust(panel=panel, remove=[assigned], reason="工作调动", actor=office), 2


def case_panels_dissolve():
    award, cycle, office, app, pool = _erenhot()
    services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=5, actor=office)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=2, actor=office)
    return lambda: services.panels_dissolve(cycle=cycle, actor=office), 1


def case_assign_reviewers():
    award, cycle, office, app, pool = _erenhot()
    return lambda: services.assign_reviewers(cycle=cycle, stage="material_review", k=2, actor=office), 1


def case_assignment_create():
    award, cycle, office, app, pool = _erenhot(experts=1)
    return lambda: services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office,
                                              reason="行业对口"), 1


def case_assignment_revoke():
    award, cycle, office, app, pool = _erenhot(experts=1)
    a = services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office)
    return lambda: services.assignment_revoke(assignment=a, reason="另有安排", actor=office), 1


def case_scores_save():
    award, cycle, office, app, pool = _erenhot(experts=1)
    a = services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office)
    return lambda: services.scores_save(assignment=a, entries=sheet(a, 55, strengths="有亮点"), actor=pool[0].user), 1


def case_assignment_submit():
    award, cycle, office, app, pool = _erenhot(experts=1)
    a = services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office)
    services.scores_save(assignment=a, entries=sheet(a, 55), actor=pool[0].user)
    return lambda: services.assignment_submit(assignment=a, actor=pool[0].user), 1


def case_consensus_record():
    award, cycle, office, app, pool = _erenhot(experts=2)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=2, actor=office)
    for a in Assignment.objects.filter(application=app).select_related("expert__user", "criteria_set"):
        score_and_submit(a, 65)
    items = {line.criterion.number: line.suggested for line in selectors.consensus_sheet(app, "material_review")}
    return lambda: services.consensus_record(application=app, stage="material_review", items=items, actor=office), 1


def case_feedback_record():
    award, cycle, office, app, pool = _erenhot(experts=1)
    a = services.assignment_create(application=app, expert=pool[0], stage="material_review", actor=office)
    staff = f.user()
    ApplicantMember.objects.create(applicant=app.applicant, user=staff)
    return lambda: services.feedback_record(assignment=a, direction=FeedbackDirection.ON_REVIEWER, rating=5,
                                            comment="未接受宴请", actor=staff), 1


def case_vote_open():
    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award)
    f.committee_user(award)
    app = f.application(cycle, f.applicant(award, "兴安盟甲乳业公司"), stage="deliberation")
    return lambda: services.vote_open(cycle=cycle, applications=[app], actor=office, seed=1), 1


def case_ballot_cast():
    office, members, vote, items, (a, b) = _xam_vote()
    return lambda: services.ballot_cast(item=items[a.pk], member=members[0], choice="for"), 1


def case_vote_close():
    office, members, vote, items, (a, b) = _xam_vote()
    services.ballot_cast(item=items[a.pk], member=members[0], choice="for")
    return lambda: services.vote_close(vote=vote, actor=office), 1


def case_vote_apply():
    office, members, vote, items, (a, b) = _xam_vote(close=True)
    # one move per item (advance a, not_advance b) and the vote's own entry: three
    return lambda: services.vote_apply(vote=vote, actor=office), 3


CASES = {f"review.services.{name[len('case_'):]}": fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


# ---------------------------------------------------------------- the checks


@contextlib.contextmanager
def audit_failing_at(n: int):
    """Audit writes before the n-th go through; the n-th fails. Yields how many writes were attempted."""
    from core.models import AuditEntry

    real_save = AuditEntry.save
    attempts = []

    def save(self, *args, **kwargs):
        attempts.append(self.action)
        if len(attempts) >= n:
            raise AuditWriteFailed("audit log unavailable")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(AuditEntry, "save", save):
        yield attempts


@atomic_db
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_failing_audit_write_leaves_every_table_unchanged(name):
    with clock.frozen_at(NOW):
        call, _entries = CASES[name]()
        assert_atomic(call)


@atomic_db
@pytest.mark.parametrize("name", sorted(n for n, fn in CASES.items() if fn.__name__ in
                                        {"case_conflict_declare", "case_panel_adjust", "case_vote_apply"}))
def test_a_failing_last_audit_write_rolls_back_the_earlier_steps(name):
    with clock.frozen_at(NOW):
        call, entries = CASES[name]()
        assert entries > 1
        before = snapshot()
        with audit_failing_at(entries) as attempts, pytest.raises(AuditWriteFailed):
            call()
        assert len(attempts) == entries, attempts  # the call reached its last audit entry
        changed = sorted(label for label in before if before[label] != snapshot().get(label))
        assert not changed, f"rows changed although the last audit write failed: {changed}"


@pytest.mark.unit
def test_every_public_write_has_an_atomic_test():
    """A new write function in review.services fails here until it has a case above (or, if it only
    reads, is listed in READS with the reason)."""
    assert READS <= public_functions("review.services")
    assert public_functions("review.services") - READS == set(CASES)


@pytest.mark.unit
def test_writes_take_keyword_arguments_only():
    positional = {name: [p.name for p in inspect.signature(getattr(services, name.rsplit(".", 1)[1])).parameters.values()
                         if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
                  for name in CASES}
    assert {name: params for name, params in positional.items() if params} == {}
