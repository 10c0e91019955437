"""review's answers to awards' signals: panels dissolve when a cycle's review closes, and what review adds to
awards' pages (the applicant's feedback links, the stage ranking, the committee votes, an agency's cycles). Connected in
ReviewConfig.ready(). Domain receivers run inside the sender's transaction."""
from __future__ import annotations

from django.db.models import Count, Q
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse

from awards import actions, signals
from awards.simulation import register_player
from core.errors import DomainError
from jurisdictions.rules import REVIEW_STAGES, Rules

from . import permissions, selectors, services, simulation
from .models import Assignment, CommitteeVote, StageResult, VoteItem


@receiver(signals.cycle_review_closing, dispatch_uid="review.panels_dissolve")
def panels_dissolve(sender, *, cycle, actor, **kwargs):
    services.panels_dissolve(cycle=cycle, actor=actor)


# ---- page contributions -----------------------------------------------------------------------------------
@receiver(signals.applicant_status_page, dispatch_uid="review.applicant_feedback")
def applicant_feedback(sender, *, application, rules, **kwargs):
    """Once experts have reviewed the application: the feedback report (scores by item, strengths,
    opportunities) and, where the ruleset provides two-way feedback, the page to rate the reviewers'
    discipline. One or two queries."""
    if application.status == "draft":
        return {}
    reviewed = StageResult.objects.filter(application=application).exists()
    two_way = rules.two_way_feedback
    rate = bool(two_way) and Assignment.objects.filter(application=application, revoked_at__isnull=True).exists()
    if not (reviewed or rate):
        return {}
    return {"feedback": {
        "report": reverse("review-feedback-report", args=[application.pk]) if reviewed else None,
        "rate": reverse("review-applicant-feedback", args=[application.pk]) if rate else None,
        "rate_article": two_way.get("article", "")}}


@receiver(signals.office_stage_page, dispatch_uid="review.office_stage")
def office_stage(sender, *, cycle, stage_code, **kwargs):
    """The stage's review ranking (best first) and, at the committee's stage, the cycle's votes."""
    try:
        ranking = [(r.application.pk, r.rank, r.total) for r in selectors.stage_ranking(cycle, stage_code)]
    except DomainError:
        ranking = []
    out = {"ranking": ranking}
    rules = Rules(cycle.ruleset.data)
    if rules.has_stage(stage_code) and rules.stage(stage_code).actor == "committee":
        out["votes"] = list(CommitteeVote.objects.filter(cycle=cycle).annotate(
            n_items=Count("items"), n_passed=Count("items", filter=Q(items__passed=True))).order_by("-opened_at"))
    return out


@receiver(signals.work_index_page, dispatch_uid="review.agency_cycles")
def work_index(sender, *, user, **kwargs):
    """For a review agency's staff: the cycles their agency serves today (the hub links the agencies page)."""
    return {"agency_cycles": list(permissions.agency_cycles(user))}


# ---- stage actions owned here -----------------------------------------------------------------------------
def _vote_open(*, cycle, stage_code, actor, role, applications, title=""):
    return services.vote_open(cycle=cycle, applications=applications, actor=actor, title=title)


def _vote_apply(*, cycle, stage_code, actor, role, vote):
    found = CommitteeVote.objects.filter(pk=vote, cycle=cycle).first() if str(vote).isdigit() else None
    if found is None:
        raise Http404("表决不存在。")
    return services.vote_apply(vote=found, actor=actor)


def register_actions() -> None:
    register_player("review_stage", simulation.run_review_stage)
    register_player("committee_vote", simulation.run_committee_vote)
    actions.register_cycle_action(
        "vote_open", label="发起委员会表决", perform=_vote_open,
        done=lambda vote: f"已发起表决“{vote.title}”，{vote.items.count()} 件申报以盲评编号提交委员会。")
    actions.register_cycle_action(
        "vote_apply", label="按表决结果办理", perform=_vote_apply,
        done=lambda r: f"已按表决结果办理：{len(r['advanced'])} 件通过进入下一环节，{len(r['not_advanced'])} 件未通过。")


# ---- the decisions review owns: a stage is not left without them ------------------------------------------
@receiver(signals.leaving_stage, dispatch_uid="review.stage_decision_required")
def stage_decision_required(sender, *, application, stage, action, **kwargs):
    """A review stage (material, on-site, defense) is left only with its panel's agreed result; the committee's
    stage only as its vote decided (advanced when the application passed, not advanced when it did not)."""
    rules = Rules(application.cycle.ruleset.data)
    if not rules.has_stage(stage):
        return
    step = rules.stage(stage)
    what = "进入下一环节" if action == "advance" else "作出未进入下一环节的决定"
    if stage in REVIEW_STAGES and not StageResult.objects.filter(application=application, stage=stage).exists():
        raise DomainError(f"{application.reference}：“{step.label}”尚无评审组的合议评分结果，不能{what}。"
                          "请先完成专家评分和组长合议。", code="no_stage_result")
    if step.actor == "committee":
        item = (VoteItem.objects.filter(application=application, vote__cycle=application.cycle, vote__closed_at__isnull=False)
                .order_by("-vote__closed_at").first())
        if item is None:
            raise DomainError(f"{application.reference}：“{step.label}”须经委员会表决，表决结束后按结果办理，不能直接{what}。",
                              code="no_vote")
        if bool(item.passed) != (action == "advance"):
            raise DomainError(f"{application.reference}：委员会表决{'通过' if item.passed else '未通过'}，"
                              f"须按表决结果办理，不能{what}。", code="against_vote")
