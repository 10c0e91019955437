"""Review steps for `simulate_cycle`: every write goes through the real review services, so a simulated
cycle exercises panels, conflicts, assignment, score sheets, consensus and the committee vote."""
from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from jurisdictions.models import Membership, Role

from . import scoring, selectors, services
from .models import Expert, VoteItem

POOL_SIZE = 8
PANEL_SIZE = 5
REVIEWERS_PER_APPLICATION = 3
COMMITTEE_SIZE = 7
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
_EMPLOYERS = ("内蒙古大学", "内蒙古工业大学", "自治区标准化院", "自治区质量技术评价中心", "包头钢铁职业技术学院",
              "呼和浩特质量协会", "自治区计量测试研究院", "锡林郭勒职业学院", "北京卓越绩效研究院", "中国质量协会")
_INDUSTRIES = ("制造业", "服务业", "农牧业", "建筑业", "能源", "信息技术")


def _sim_user(prefix: str, jurisdiction_code: str, i: int):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=f"sim-{prefix}-{jurisdiction_code}-{i}")
    return user


def ensure_expert_pool(cycle, *, rng: random.Random, size: int = POOL_SIZE) -> list[Expert]:
    """Creates simulated experts (with logins) for the cycle's jurisdiction until the pool has `size`."""
    jurisdiction = cycle.award.jurisdiction
    pool = list(selectors.expert_pool(jurisdiction))
    for i in range(len(pool), size):
        user = _sim_user("expert", jurisdiction.code, i + 1)
        name = rng.choice(_SURNAMES) + rng.choice("建国志强海燕丽华明军文静晓东") + ("专家" if i % 3 == 0 else "")
        pool.append(services.expert_create(
            jurisdiction=jurisdiction, name=name, employer=_EMPLOYERS[i % len(_EMPLOYERS)], title="教授级高级工程师",
            industries=rng.sample(_INDUSTRIES, 3), contact="", user=user, actor=None))
    return pool


def _percent_for(quality: float, rng: random.Random) -> Decimal:
    value = max(0.0, min(100.0, rng.gauss(quality, 8.0)))
    return Decimal(int(round(value / 5.0)) * 5)


def run_review_stage(cycle, stage_code: str, *, rng: random.Random, actor_office):
    """Pool (if missing) → panel draw → assign k=3 → every reviewer scores and submits → the leader
    records the consensus (the suggested values; a reason where it departs) → stage ranking."""
    apps = list(selectors.stage_applications(cycle, stage_code))
    if not apps:
        return selectors.stage_ranking(cycle, stage_code)
    pool = ensure_expert_pool(cycle, rng=rng)
    if not selectors.stage_panels(cycle, stage_code).exists():
        services.panel_draw(cycle=cycle, stage=stage_code, size=min(PANEL_SIZE, len(pool)), seed=rng.randrange(2**31),
                            actor=actor_office)
    services.assign_reviewers(cycle=cycle, stage=stage_code, k=min(REVIEWERS_PER_APPLICATION, len(pool)), actor=actor_office)
    quality = {a.pk: rng.uniform(45, 85) for a in apps}
    assignments = list(selectors.active_assignments().filter(application__in=apps, stage=stage_code, submitted_at__isnull=True)
                       .select_related("expert__user", "criteria_set", "application"))
    for a in assignments:
        entries = [{"criterion": c.number, "percent": _percent_for(quality[a.application_id], rng),
                    "strengths": f"{c.name}方面做法较系统。", "opportunities": f"{c.name}方面可进一步量化对比。"}
                   for c in a.criteria_set.criteria.all()]
        services.scores_save(assignment=a, entries=entries, actor=a.expert.user)
        services.assignment_submit(assignment=a, actor=a.expert.user)
    for app in apps:
        lines = selectors.consensus_sheet(app, stage_code)
        items = {}
        for line in lines:
            item = {"percent": line.suggested}
            if line.divergent:
                item["reason"] = "专家意见分歧较大，经评审组讨论按均值确定。"
            items[line.criterion.number] = item
        leader_user = _leader_user(app, stage_code) or actor_office
        services.consensus_record(application=app, stage=stage_code, items=items, actor=leader_user)
    return selectors.stage_ranking(cycle, stage_code)


def _leader_user(application, stage_code):
    ids = selectors.panel_leader_user_ids(application, stage_code)
    if not ids:
        return None
    return get_user_model().objects.get(pk=min(ids))


@dataclasses.dataclass(frozen=True)
class VoteOutcome:
    """One application's tally; truthy when it passed (so callers may treat the result as pk → passed)."""

    code: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    recused: int
    quorum_met: bool
    passed: bool

    def __bool__(self) -> bool:
        return self.passed


def ensure_committee(cycle, *, size: int = COMMITTEE_SIZE):
    award = cycle.award
    body = award.committee or award.office
    members = list(services.committee_members(award))
    for i in range(len(members), size):
        user = _sim_user("committee", award.jurisdiction.code, i + 1)
        Membership.objects.get_or_create(user=user, body=body, role=Role.COMMITTEE)
        members.append(user)
    return members


def run_committee_vote(cycle, applications, *, rng: random.Random) -> dict[int, VoteOutcome]:
    """Committee members (created if missing) vote on the applications through the real services; returns
    application id → VoteOutcome (truthy when passed). Opened and closed by the award office."""
    applications = list(applications)
    if not applications:
        return {}
    members = ensure_committee(cycle)
    office = _office_user(cycle)
    vote = services.vote_open(cycle=cycle, applications=applications, actor=office, seed=rng.randrange(2**31))
    items = list(VoteItem.objects.filter(vote=vote))
    # Sometimes one member is absent; a rehearsal should still reach the quorum (法定人数).
    absent = {rng.randrange(len(members))} if len(members) >= 5 and rng.random() < 0.3 else set()
    for index, member in enumerate(members):
        if index in absent:
            continue
        for item in items:
            roll = rng.random()
            choice = "for" if roll < 0.85 else ("abstain" if roll < 0.93 else "against")
            services.ballot_cast(item=item, member=member, choice=choice)
    closed = services.vote_close(vote=vote, actor=office)
    return {i.application_id: VoteOutcome(i.code, i.votes_for, i.votes_against, i.votes_abstain, i.recused,
                                          bool(i.quorum_met), bool(i.passed)) for i in closed}


def _office_user(cycle):
    """An award-office login for the simulated sitting (the simulation's own office account)."""
    m = (Membership.objects.filter(role=Role.OFFICE, active=True, body__jurisdiction_id=cycle.award.jurisdiction_id)
         .select_related("user").order_by("id").first())
    if m is not None:
        return m.user
    user = _sim_user("office", cycle.award.jurisdiction.code, 1)
    Membership.objects.get_or_create(user=user, body=cycle.award.office, role=Role.OFFICE)
    return user


__all__ = ["run_review_stage", "run_committee_vote", "ensure_expert_pool", "ensure_committee", "VoteOutcome", "scoring"]
