"""Review pages: public criteria; a reviewer's assignments and score sheet; the leader's consensus; the
office's stage page (panels, assignment, ranking with the cut-off line); the committee's blinded ballot;
the feedback report PDF. Views only read through selectors and write through services."""
from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from awards.models import Application, ApplicantMember, Cycle
from core.errors import DomainError
from core.pagecache import session_page_cache
from jurisdictions.rules import REVIEW_STAGES, STAGE_LABELS, Rules

from . import charts, reports, scoring, selectors, services
from .forms import AssignForm, FeedbackForm, PanelDrawForm, ScoreSheetForm
from .models import Assignment, Ballot, CommitteeVote, CriteriaSet, FeedbackDirection, Score
from .permissions import is_committee_member, is_office, is_supervisor, may_manage_review

# ---------------------------------------------------------------- public criteria


def criteria_index(request):
    return render(request, "review/criteria_index.html", {"sets": selectors.criteria_sets_public()})


def criteria_detail(request, code):
    try:
        cs = selectors.criteria_set_detail(code)
    except CriteriaSet.DoesNotExist:
        raise Http404 from None
    band_rows = []
    for i, (low, high) in enumerate(scoring.BANDS):
        band_rows.append({"range": f"{low}%–{high}%",
                          "by_kind": [(kind, cs.bands[kind][i]["descriptor"]) for kind in cs.bands]})
    return render(request, "review/criteria_detail.html", {"cs": cs, "band_rows": band_rows,
                                                           "kinds": [k for k in cs.bands]})


# ---------------------------------------------------------------- reviewer


@login_required
@session_page_cache
def my_assignments(request):
    rows = selectors.my_assignment_rows(request.user)
    votes = selectors.open_votes_for_member(request.user)
    return render(request, "review/my_assignments.html", {"rows": rows, "votes": votes})


def _own_assignment(request, pk, **kw) -> Assignment:
    try:
        return selectors.reviewer_assignment(request.user, pk, **kw)
    except Assignment.DoesNotExist:
        raise Http404 from None


@login_required
def score_sheet(request, pk):
    assignment = _own_assignment(request, pk, with_feedback=True)
    application = assignment.application
    criteria = list(assignment.criteria_set.criteria.select_related("category").order_by("position"))
    # The assignment is the user's own, active and unconflicted one (reviewer_assignment checked it): it is the
    # sheet visible_scores would look up, and the reviewer may read trade-secret materials while assigned.
    # One query brings the user's own sheet and the sheets they may read.
    reader = selectors.score_reader(request.user, application, assignment.stage)
    own, others = {}, []
    for s in selectors.visible_scores(request.user, application, assignment.stage, own=assignment, reader=reader,
                                      including=assignment):
        if s.assignment_id == assignment.pk:
            own[s.criterion_id] = s
        else:
            others.append(s)
    form = ScoreSheetForm(request.POST or None, criteria=criteria, scores=own, disabled=bool(assignment.submitted_at))
    if request.method == "POST" and not assignment.submitted_at:
        if form.is_valid():
            try:
                services.scores_save(assignment=assignment, entries=form.entries(), actor=request.user)
                if request.POST.get("action") == "submit":
                    services.assignment_submit(assignment=assignment, actor=request.user)
                    messages.success(request, "评分已提交。")
                else:
                    messages.success(request, "评分已保存（未提交）。")
                return redirect("review-score-sheet", pk=assignment.pk)
            except DomainError as e:
                form.add_error(None, e.message)
    other_by_item: dict[int, list[Score]] = {}
    for s in others:
        other_by_item.setdefault(s.criterion_id, []).append(s)
    total = scoring.total_points((s.percent, s.criterion.points) for s in own.values()) if own else None
    feedback = getattr(assignment, "applicant_feedback", None)  # not set when the row has none
    return render(request, "review/score_sheet.html", {
        "a": assignment, "application": application, "form": form,
        "rows": [{"c": c, "p": p, "s": st, "o": op, "others": other_by_item.get(c.pk, []),
                  "bands": assignment.criteria_set.bands.get(c.kind, [])} for c, p, st, op in form.rows()],
        "band_ranges": [f"{lo}%–{hi}%" for lo, hi in scoring.BANDS], "other_by_item": other_by_item,
        "total": total, "materials": selectors.materials_for_reviewer(request.user, application, may_see_secrets=True),
        "stage_label": STAGE_LABELS.get(assignment.stage, assignment.stage),
        "feedback_form": FeedbackForm(initial={"rating": feedback.rating, "comment": feedback.comment} if feedback else None),
        "feedback": feedback, "is_leader": reader.leader,
        "feedback_enabled": services.feedback_enabled(application.cycle),
        "feedback_article": Rules(application.cycle.ruleset.data).article(services.FEEDBACK_RULE),
    })


@login_required
def material_download(request, pk, material_pk):
    assignment = _own_assignment(request, pk)
    material = get_object_or_404(selectors.materials_for_reviewer(request.user, assignment.application), pk=material_pk)
    from awards.services import material_download

    return material_download(material=material, actor=request.user, role="reviewer")


@login_required
@require_POST
def reviewer_feedback(request, pk):
    assignment = _own_assignment(request, pk)
    if not services.feedback_enabled(assignment.application.cycle):  # only 二连浩特 第二十六条
        raise Http404
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_record(assignment=assignment, direction=FeedbackDirection.ON_APPLICANT,
                                     rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"], actor=request.user)
            messages.success(request, "已记录对受评方守纪情况的评价。")
        except DomainError as e:
            messages.error(request, e.message)
    return redirect("review-score-sheet", pk=assignment.pk)


# ---------------------------------------------------------------- consensus (panel leader / office)


def _application_for_consensus(request, app_pk, stage) -> Application:
    application = get_object_or_404(Application.objects.select_related("cycle__award", "cycle__ruleset", "applicant"), pk=app_pk)
    if stage not in REVIEW_STAGES or not selectors.may_record_consensus(request.user, application, stage):
        raise Http404
    return application


@login_required
def consensus(request, app_pk, stage):
    application = _application_for_consensus(request, app_pk, stage)
    error = None
    if request.method == "POST":
        items = {}
        for key, value in request.POST.items():
            if key.startswith("p_"):
                cid = key[2:]
                items[cid] = {"percent": value, "reason": request.POST.get(f"r_{cid}", "")}
        try:
            result = services.consensus_record(application=application, stage=stage, items=items, actor=request.user)
            messages.success(request, f"已形成评审组意见，{STAGE_LABELS[stage]}得分 {result.total}。")
            return redirect("review-consensus", app_pk=application.pk, stage=stage)
        except DomainError as e:
            error = e.message
    lines = selectors.consensus_sheet(application, stage)
    assignments = list(selectors.active_assignments().filter(application=application, stage=stage).select_related("expert"))
    result = application.stage_results.filter(stage=stage).first()
    return render(request, "review/consensus.html", {
        "application": application, "stage": stage, "stage_label": STAGE_LABELS[stage], "lines": lines,
        "assignments": assignments, "result": result, "error": error, "posted": request.POST if error else None,
        "threshold": scoring.DIVERGENCE_THRESHOLD, "percent_choices": list(range(0, 101, 5)),
    })


# ---------------------------------------------------------------- office: stage page with ranking


def _office_cycle(request, cycle_pk) -> Cycle:
    """The office, a supervisor (read-only), or a review agency under a live contract for this cycle."""
    cycle = get_object_or_404(Cycle.objects.select_related("award__jurisdiction", "ruleset"), pk=cycle_pk)
    if not (may_manage_review(request.user, cycle) or is_supervisor(request.user, cycle)):
        raise Http404
    return cycle


def ranking_chart(rows, cut: int | None, width: int = 640, bar: int = 22) -> dict:
    """Geometry for the inline SVG bar chart: one bar per application, the cut-off line after `cut` rows."""
    if not rows:
        return {"height": 0, "bars": [], "cut_y": None, "width": width}
    top = max(r.percent for r in rows) or Decimal("1")
    label_w, gap = 120, 6
    bars = []
    for i, r in enumerate(rows):
        w = int((width - label_w - 70) * (r.percent / max(top, Decimal("1"))))
        bars.append({"y": i * (bar + gap), "w": max(w, 1), "label": r.application.reference, "total": r.total,
                     "text_y": i * (bar + gap) + bar - 6, "x_text": label_w + max(w, 1) + 6, "above": cut is not None and i < cut})
    cut_y = cut * (bar + gap) - gap / 2 if cut is not None and 0 < cut < len(rows) else None
    return {"height": len(rows) * (bar + gap), "bars": bars, "cut_y": cut_y, "width": width, "label_w": label_w, "bar": bar}


@login_required
def stage_overview(request, cycle_pk, stage):
    cycle = _office_cycle(request, cycle_pk)
    if stage not in REVIEW_STAGES:
        raise Http404
    office_staff = is_office(request.user, cycle)
    office = office_staff or may_manage_review(request.user, cycle)  # the agency manages panels and assignment too
    if request.method == "POST" and not office:
        raise PermissionDenied("监督人员只能查看，不能办理。")  # the supervisor reads the stage, read-only
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "draw":
                f = PanelDrawForm(request.POST)
                if f.is_valid():
                    p = services.panel_draw(cycle=cycle, stage=stage, size=f.cleaned_data["size"],
                                            industry=f.cleaned_data["industry"], seed=f.cleaned_data["seed"], actor=request.user)
                    messages.success(request, f"已抽取{p.name}（随机种子 {p.seed}）。")
            elif action == "assign":
                f = AssignForm(request.POST)
                if f.is_valid():
                    s = services.assign_reviewers(cycle=cycle, stage=stage, k=f.cleaned_data["k"], actor=request.user)
                    messages.success(request, f"已分配 {s['created']} 人次，专家负荷 {s['min_load']}–{s['max_load']} 份。")
            elif action == "dissolve" and office_staff:
                n = services.panels_dissolve(cycle=cycle, actor=request.user)
                messages.success(request, f"已撤销 {n} 个评审组，专家不再能查看申报材料。")
        except DomainError as e:
            messages.error(request, e.message)
        return redirect("review-stage", cycle_pk=cycle.pk, stage=stage)
    rows = selectors.stage_ranking(cycle, stage)
    try:
        cut = int(request.GET.get("cut", "")) if request.GET.get("cut") else None
    except ValueError:
        cut = None
    if cut is None:
        rules = Rules(cycle.ruleset.data)
        cut = rules.quota_total or sum(rules.quota(c) for c in rules.categories) or None
    normalised = selectors.normalised_stage_totals(cycle, stage) if request.GET.get("z") else {}
    apps = list(selectors.stage_applications(cycle, stage))
    assignments = list(selectors.active_assignments().filter(application__cycle=cycle, stage=stage)
                       .select_related("expert", "application"))
    loads: dict[str, int] = {}
    for a in assignments:
        loads[a.expert.name] = loads.get(a.expert.name, 0) + 1
    return render(request, "review/stage.html", {
        "cycle": cycle, "stage": stage, "stage_label": STAGE_LABELS[stage], "office": office,
        "panels": selectors.stage_panels(cycle, stage).select_related("leader"),
        "draw_form": PanelDrawForm(), "assign_form": AssignForm(), "applications": apps,
        "assignments": assignments, "loads": sorted(loads.items()),
        "rows": [{"row": r, "z": normalised.get(r.application.pk), "above": cut is not None and i < cut} for i, r in enumerate(rows)],
        "cut": cut, "chart": ranking_chart(rows, cut), "composite": selectors.composite_ranking(cycle),
        "weights": Rules(cycle.ruleset.data).composite_weights, "z": bool(request.GET.get("z")),
        "office_staff": office_staff, "charts": charts.stage_charts(cycle, stage),
        "feedback_enabled": services.feedback_enabled(cycle),
        "panel_article": Rules(cycle.ruleset.data).article(services.PANEL_RULE),
    })


# ---------------------------------------------------------------- committee ballot


@login_required
def ballot(request, vote_pk):
    vote = get_object_or_404(CommitteeVote.objects.select_related("cycle__award", "cycle__ruleset"), pk=vote_pk)
    member = is_committee_member(request.user, vote.cycle.award)
    office = is_office(request.user, vote.cycle)
    if not (member or office):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close" and office:
                services.vote_close(vote=vote, actor=request.user)
                messages.success(request, "表决已结束，结果与申报主体名称已揭晓。")
            elif member:
                for item in vote.items.all():
                    choice = request.POST.get(f"v_{item.pk}")
                    if choice:
                        services.ballot_cast(item=item, member=request.user, choice="" if choice == "recuse" else choice,
                                             recused=choice == "recuse")
                messages.success(request, "选票已记录。")
        except DomainError as e:
            messages.error(request, e.message)
        return redirect("review-ballot", vote_pk=vote.pk)
    items = list(vote.items.select_related("application__applicant").order_by("code"))
    mine = {b.item_id: b for b in Ballot.objects.filter(item__vote=vote, member=request.user)}
    return render(request, "review/ballot.html", {
        "vote": vote, "items": [(i, mine.get(i.pk)) for i in items], "member": member, "office": office,
        "cast": Ballot.objects.filter(item__vote=vote).values("member").distinct().count(),
    })


# ---------------------------------------------------------------- feedback report


@login_required
def feedback_report(request, app_pk):
    application = get_object_or_404(Application.objects.select_related("cycle__award", "applicant"), pk=app_pk)
    member = ApplicantMember.objects.filter(applicant_id=application.applicant_id, user=request.user).exists()
    if not (is_office(request.user, application.cycle) or member):
        raise Http404
    pdf = reports.feedback_report_pdf(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="feedback-{application.reference}.pdf"'
    return response
