"""Every (action, source status, role) the transition table allows works for the role that owns it, and
is refused to the same role of another tenant and to the other roles (nothing changes when refused)."""
import itertools

import pytest

from awards.models import Application, Status
from awards.pipeline import NEXT, STAGE_ACTOR, TABLE, allowed_roles, move
from core.errors import InvalidTransition, NotPermitted
from jurisdictions.models import Award, Body, BodyKind
from jurisdictions.rules import Rules

from .factories import open_cycle, org, staff

pytestmark = pytest.mark.django_db

# Where each action is exercised (Tacheng's order: ... qualification_review, material_review, defense ...).
STAGE_FOR = {
    "submit": "internal_publicity", "approve": "pre_check", "reject": "qualification_review", "request_supplement": "pre_check",
    "resubmit": "qualification_review", "publish": "qualification_review", "close_publicity": "pre_check", "hold": "pre_check",
    "release": "qualification_review", "remove": "qualification_review", "advance": "material_review",
    "not_advance": "deliberation", "award": "commendation", "withdraw": "material_review", "revoke": "commendation",
}


def _cases():
    rules = Rules(Award.objects.get(slug="tacheng-prefecture").rulesets.get(version=1).data)
    for name, spec in TABLE.items():
        stage = STAGE_FOR[name]
        for source, role in itertools.product(sorted(spec.sources), sorted(allowed_roles(spec, rules.stage(stage).actor))):
            yield name, stage, source, role


@pytest.fixture
def world(make_user):
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, owner = org("table-owner", "654201")
    county_body = Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION)
    other_county = Body.objects.get(jurisdiction__code="654202", kind=BodyKind.MARKET_REGULATION)
    xam = Award.objects.get(slug="xam-leader")
    actors = {
        "office": office, "precheck": staff("table-precheck", "precheck", county_body),
        "committee": staff("table-committee", "committee", cycle.award.committee), "applicant": owner, "system": None,
    }
    strangers = {
        "office": staff("table-xam-office", "office", xam.office), "precheck": staff("table-precheck-2", "precheck", other_county),
        "committee": staff("table-xam-committee", "committee", xam.committee), "applicant": org("table-other", "654201")[1],
    }
    seq = itertools.count(1)

    def make(stage, status):
        """An application of the owner's account at a given stage and status (setup only; the test drives it)."""
        from awards.models import Applicant, ApplicantMember
        from awards.permissions import grant_applicant_access

        n = next(seq)
        subject = Applicant.objects.create(kind="organization", name=f"状态表测试{n}", county=applicant.county, legal_form="legal_person")
        ApplicantMember.objects.create(applicant=subject, user=owner)
        app = Application.objects.create(cycle=cycle, applicant=subject, category="organization", reference=f"TT-{n}", stage=stage,
                                         status=status, route_body=county_body)
        grant_applicant_access(app)
        return app

    return cycle, actors, strangers, make


def test_every_allowed_triple_works_and_strangers_and_other_roles_are_refused(world):
    cycle, actors, strangers, make = world
    rules = Rules(cycle.ruleset.data)
    checked = 0
    for name, stage, source, role in _cases():
        app = make(stage, source)
        spec = TABLE[name]
        if spec.only_without_window and (rules.stage(stage).publicity or rules.stage(stage).public_comment):
            continue
        # refused: same role of another tenant, and every other role
        for other_role, stranger in strangers.items():
            if role == "system":
                break
            who = stranger if other_role == role else actors[other_role]
            use_role = role if other_role == role else other_role
            if use_role != role and use_role in allowed_roles(spec, rules.stage(stage).actor):
                continue  # another role this action also allows (the office records a committee decision)
            with pytest.raises((NotPermitted, InvalidTransition)):
                move(app, action=name, actor=who, role=use_role, reason="理由")
            assert Application.objects.filter(pk=app.pk).values_list("stage", "status").get() == (stage, source)
        # allowed
        after = move(app, action=name, actor=actors[role], role=role, reason="理由")
        if spec.target == NEXT:
            expected_stage = rules.next_stage("filing" if name == "submit" else stage).code
            assert (after.stage, after.status) == (expected_stage, Status.PENDING), (name, source, role)
        else:
            assert (after.stage, after.status) == (stage, spec.target), (name, source, role)
        assert after.events.filter(action=name, role=role).count() == 1
        checked += 1
    assert checked >= 25  # every allowed (action, source, role) triple of the table

