"""A stage whose decision review owns is never left without it (issue #15, defect 6): a review stage
(material, on-site, defense) only with its panel's agreed result, the committee's stage only as its vote
decided. Refused through the action layer (pages, API, simulate_cycle) and through the office's selection."""
import random

import pytest

from awards import actions
from awards import services as award_services
from awards.models import Status
from core.errors import DomainError
from review import services
from review.simulation import run_review_stage

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["advance", "not_advance"])
def test_a_review_stage_is_not_left_without_the_panels_result(name):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "二连浩特市甲公司"), stage="material_review")
    with pytest.raises(DomainError) as refused:
        actions.perform(name, application=app, actor=office, role="office", reason="未评分")
    assert refused.value.code == "no_stage_result" and "合议评分结果" in refused.value.message
    app.refresh_from_db()
    assert (app.stage, app.status) == ("material_review", Status.PENDING)
    with pytest.raises(DomainError, match="合议评分结果"):
        award_services.stage_select(cycle=cycle, stage="material_review", advancing=[app.pk], actor=office, reason="好中选优")


def test_with_the_panels_result_the_review_stage_can_be_left():
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "二连浩特市甲公司"), stage="material_review")
    for i, name in enumerate(("甲专家", "乙专家", "丙专家")):
        f.expert(award, name, employer=f"单位{i}")
    run_review_stage(cycle, "material_review", rng=random.Random(5), actor_office=office)
    moved = award_services.stage_select(cycle=cycle, stage="material_review", advancing=[app.pk], actor=office, reason="好中选优")
    assert moved["advanced"] == [app.pk]


def test_the_committees_stage_is_left_only_as_its_vote_decided():
    """兴安盟 第二十一条: the committee votes; the office carries out its result, it cannot replace it."""
    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award)
    members = [f.committee_user(award) for _ in range(3)]
    a = f.application(cycle, f.applicant(award, "兴安盟甲乳业公司"), stage="deliberation")
    b = f.application(cycle, f.applicant(award, "兴安盟乙水泥公司"), stage="deliberation")
    with pytest.raises(DomainError) as refused:  # no vote at all: 进入下一环节 by hand is refused
        actions.perform("advance", application=a, actor=office, role="office")
    assert refused.value.code == "no_vote"
    with pytest.raises(DomainError, match="委员会表决"):
        award_services.stage_select(cycle=cycle, stage="deliberation", advancing=[a.pk, b.pk], actor=office, reason="")
    vote = services.vote_open(cycle=cycle, applications=[a, b], actor=office, seed=1)
    items = {i.application_id: i for i in vote.items.all()}
    for m in members:
        services.ballot_cast(item=items[a.pk], member=m, choice="for")
        services.ballot_cast(item=items[b.pk], member=m, choice="against")
    services.vote_close(vote=vote, actor=office)
    with pytest.raises(DomainError) as refused:  # a passed by the vote: not advancing it is against the vote
        actions.perform("not_advance", application=a, actor=office, role="office", reason="办公室意见")
    assert refused.value.code == "against_vote"
    with pytest.raises(DomainError, match="表决未通过"):
        actions.perform("advance", application=b, actor=office, role="office")
    assert actions.perform("advance", application=a, actor=office, role="office").stage != "deliberation"
    assert actions.perform("not_advance", application=b, actor=office, role="office", reason="表决未通过").status == Status.NOT_ADVANCED
