"""Office pages of the expert pool (专家库) and conflicts, manual assignment at a stage, the two-way
supervision feedback pages (where the ruleset provides them, e.g. 二连浩特 第二十六条) and the review agencies
under contract. Reads through selectors, writes through services (agencies: review.agencies)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from awards.models import Application, Cycle
from awards.selectors import awards_for_office
from core import clock
from core.errors import DomainError
from jurisdictions.rules import REVIEW_STAGES, STAGE_LABELS, Rules
from jurisdictions.selectors import ruleset_current

from . import agencies as agency_services
from . import pool_selectors as ps
from . import selectors, services
from .models import Assignment, ConflictDeclaration, Expert, FeedbackDirection
from .office_forms import (AgencyContractForm, AgencyRegisterForm, AgencyStaffForm, AgencyTerminateForm, ConflictForm, ExpertForm,
                           ManualAssignForm, RatingForm, RevokeForm)
from .permissions import agency_bodies, is_office, live_contracts, may_manage_review


def _error_to(form, e: DomainError, default: str | None = None):
    """A domain error beside its field when the form has it, else beside `default`, else above the form."""
    field = getattr(e, "field", None)
    form.add_error(field if field in form.fields else default, e.message)


# ---------------------------------------------------------------- expert pool


@login_required
def expert_list(request):
    jurisdictions = list(ps.office_jurisdictions(request.user))
    if not jurisdictions:
        raise Http404
    industry = request.GET.get("industry", "").strip()
    active = request.GET.get("active", "")
    return render(request, "review/experts.html", {
        "experts": ps.experts_visible(request.user, industry=industry, active=active), "industry": industry,
        "active": active, "industries": ps.pool_industries(request.user), "jurisdictions": jurisdictions,
    })


def _linked_user(form):
    username = form.cleaned_data.get("username")
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"登录名“{username}”不存在。", field="username")
    return user


def _expert_fields(form) -> dict:
    d = form.cleaned_data
    return {k: d[k] for k in ("name", "employer", "title", "industries", "contact", "active", "past_record")}


@login_required
def expert_new(request):
    jurisdictions = list(ps.office_jurisdictions(request.user))
    if not jurisdictions:
        raise Http404
    jurisdiction = jurisdictions[0]
    if request.GET.get("j") or request.POST.get("j"):
        jurisdiction = next((j for j in jurisdictions if str(j.pk) == (request.POST.get("j") or request.GET.get("j"))), None)
        if jurisdiction is None:
            raise Http404
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_create(jurisdiction=jurisdiction, user=_linked_user(form), actor=request.user,
                                            new_username=form.cleaned_data["new_username"],
                                            new_password=form.cleaned_data["new_password"], **_expert_fields(form))
            messages.success(request, f"已将 {expert.name} 加入专家库。")
            return redirect("review-expert", pk=expert.pk)
        except DomainError as e:
            _error_to(form, e)
    return render(request, "review/expert_form.html", {"form": form, "jurisdiction": jurisdiction,
                                                       "jurisdictions": jurisdictions, "expert": None})


@login_required
def expert_detail(request, pk):
    try:
        expert = ps.expert_for_office(request.user, pk)
    except Expert.DoesNotExist:
        raise Http404 from None
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {"name": expert.name, "employer": expert.employer, "title": expert.title,
               "industries": "、".join(expert.industries or []), "contact": expert.contact, "active": expert.active,
               "past_record": expert.past_record, "username": expert.user.username if expert.user else ""}
    form = ExpertForm(request.POST if action == "edit" else None, initial=initial)
    conflict_form = ConflictForm(request.POST if action == "conflict" else None)
    remove_error = None
    if action == "edit" and form.is_valid():
        try:
            user = _linked_user(form)
            services.expert_update(expert=expert, actor=request.user, user=user,
                                   new_username=form.cleaned_data["new_username"],
                                   new_password=form.cleaned_data["new_password"], **_expert_fields(form))
            messages.success(request, "专家信息已保存。")
            return redirect("review-expert", pk=expert.pk)
        except DomainError as e:
            _error_to(form, e)
    elif action == "conflict" and conflict_form.is_valid():
        d = conflict_form.cleaned_data
        try:
            services.conflict_declare(expert=expert, relation=d["relation"], organisation_name=d["organisation_name"],
                                      credit_code=d["credit_code"], year_from=d["year_from"], year_to=d["year_to"],
                                      note=d["note"], actor=request.user)
            messages.success(request, "已登记利益冲突；涉及的评审分配已自动撤销。")
            return redirect("review-expert", pk=expert.pk)
        except DomainError as e:
            _error_to(conflict_form, e)
    elif action == "remove_conflict":
        declaration = get_object_or_404(ConflictDeclaration, pk=request.POST.get("conflict") or 0, expert=expert)
        try:
            services.conflict_remove(declaration=declaration, reason=request.POST.get("reason", ""), actor=request.user)
            messages.success(request, "已撤回该利益冲突申报。")
            return redirect("review-expert", pk=expert.pk)
        except DomainError as e:
            remove_error = (declaration.pk, e.message)
    return render(request, "review/expert_detail.html", {
        "expert": expert, "form": form, "conflict_form": conflict_form, "remove_error": remove_error,
        "record": ps.expert_record(expert),
    })


# ---------------------------------------------------------------- manual assignment at a stage


def _managed_cycle(request, cycle_pk, stage) -> Cycle:
    """The office, or a review agency under a live contract for this cycle; anyone else 404."""
    cycle = get_object_or_404(Cycle.objects.select_related("award__jurisdiction", "ruleset"), pk=cycle_pk)
    if stage not in REVIEW_STAGES or not may_manage_review(request.user, cycle):
        raise Http404
    return cycle


@login_required
def stage_assign(request, cycle_pk, stage):
    cycle = _managed_cycle(request, cycle_pk, stage)
    apps = list(selectors.stage_applications(cycle, stage))
    experts = list(selectors.expert_pool(cycle.award.jurisdiction))
    action = request.POST.get("action") if request.method == "POST" else None
    form = ManualAssignForm(request.POST if action == "assign" else None, applications=apps, experts=experts)
    revoke_error = None
    if action == "assign" and form.is_valid():
        application = next(a for a in apps if a.pk == form.cleaned_data["application"])
        expert = next(e for e in experts if e.pk == form.cleaned_data["expert"])
        try:
            services.assignment_create(application=application, expert=expert, stage=stage, actor=request.user,
                                       reason=form.cleaned_data["reason"])
            messages.success(request, f"已分配 {expert.name} 评审 {application.reference}。")
            return redirect("review-stage-assign", cycle_pk=cycle.pk, stage=stage)
        except DomainError as e:
            _error_to(form, e, default="expert")
    elif action == "revoke":
        rf = RevokeForm(request.POST)
        assignment = None
        if rf.is_valid():
            assignment = Assignment.objects.filter(pk=rf.cleaned_data["assignment"], application__cycle=cycle,
                                                   stage=stage).first()
        if assignment is None and rf.is_valid():
            raise Http404
        try:
            if not rf.is_valid():
                raise DomainError("撤销分配须填写理由。", field="reason")
            services.assignment_revoke(assignment=assignment, reason=rf.cleaned_data["reason"], actor=request.user)
            messages.success(request, "已撤销该评审分配。")
            return redirect("review-stage-assign", cycle_pk=cycle.pk, stage=stage)
        except DomainError as e:
            revoke_error = (int(request.POST.get("assignment") or 0), e.message)
    return render(request, "review/stage_assign.html", {
        "cycle": cycle, "stage": stage, "stage_label": STAGE_LABELS[stage], "form": form,
        "assignments": ps.stage_assignment_rows(cycle, stage), "revoke_error": revoke_error,
    })


# ---------------------------------------------------------------- two-way supervision feedback (二连浩特 第二十六条)


@login_required
def applicant_feedback(request, application_id):
    """The applicant rates each reviewer's discipline; only its members, only where the ruleset provides it."""
    try:
        application = ps.applicant_application(request.user, application_id)
    except Application.DoesNotExist:
        raise Http404 from None
    if not services.feedback_enabled(application.cycle):
        raise Http404
    assignments = list(ps.feedback_assignments(application))
    errors = {}
    if request.method == "POST":
        target = next((a for a in assignments if str(a.pk) == request.POST.get("assignment")), None)
        if target is None:
            raise Http404
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_record(assignment=target, direction=FeedbackDirection.ON_REVIEWER,
                                         rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"],
                                         actor=request.user)
                messages.success(request, f"已记录对评审专家 {target.expert.name} 纪律执行情况的评价。")
                return redirect("review-applicant-feedback", application_id=application.pk)
            except DomainError as e:
                errors[target.pk] = e.message
        else:
            errors[target.pk] = "请选择1至5分的评价。"
    rows = []
    for a in assignments:
        mine = next((f for f in a.feedback.all() if f.direction == FeedbackDirection.ON_REVIEWER), None)
        rows.append({"a": a, "mine": mine, "error": errors.get(a.pk), "stage_label": a.stage_label,
                     "form": RatingForm(initial={"rating": mine.rating, "comment": mine.comment} if mine else None),
                     "choices": RatingForm.base_fields["rating"].choices})
    article = Rules(application.cycle.ruleset.data).article(services.FEEDBACK_RULE)
    return render(request, "review/applicant_feedback.html", {"application": application, "rows": rows, "article": article})


@login_required
def cycle_feedback(request, cycle_pk):
    """The office reads both directions of the cycle's feedback."""
    cycle = get_object_or_404(Cycle.objects.select_related("award__jurisdiction", "ruleset"), pk=cycle_pk)
    if not is_office(request.user, cycle) or not services.feedback_enabled(cycle):
        raise Http404
    rows = list(ps.cycle_feedback(cycle))
    return render(request, "review/cycle_feedback.html", {
        "cycle": cycle, "rows": rows, "summary": ps.feedback_summary(rows),
        "article": Rules(cycle.ruleset.data).article(services.FEEDBACK_RULE),
        "on_reviewer": FeedbackDirection.ON_REVIEWER,
    })


# ---------------------------------------------------------------- review agencies
AGENCY_FORMS = {"register": AgencyRegisterForm, "contract": AgencyContractForm, "staff": AgencyStaffForm,
                "terminate": AgencyTerminateForm}


def _agency_action(action: str, data: dict, user) -> str:
    """Runs the write the posted form asks for; returns the message the office sees."""
    if action == "register":
        body = agency_services.agency_register(jurisdiction=data["jurisdiction"], actor=user, name=data["name"])
        return f"已登记评审机构“{body.name}”。"
    if action == "contract":
        agency_services.agency_contract_sign(cycle=data["cycle"], agency=data["agency"], actor=user,
                                             procurement_document=data["procurement_document"], signed_on=data["signed_on"],
                                             starts_on=data["starts_on"], ends_on=data["ends_on"])
        return "已登记委托合同。"
    if action == "staff":
        agency_services.agency_staff_add(agency=data["agency"], actor=user, user=data["username"])
        return f"{data['username'].get_username()} 已加入“{data['agency'].name}”。"
    agency_services.agency_contract_terminate(contract=data["contract"], actor=user, on=data["on"])
    return "委托已终止，评审机构工作人员即日起不能再访问该届评审。"


@login_required
def agencies(request):
    """The office registers agencies, signs and ends contracts and adds staff; an agency's staff see the cycles
    they serve today. Anyone else: 404."""
    user = request.user
    awards = list(awards_for_office(user))
    live = list(live_contracts(user))
    if not awards and not live and not agency_bodies(user):
        raise Http404
    forms = {name: form(user=user, auto_id=f"id_{name}_%s") for name, form in AGENCY_FORMS.items()}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if not awards or action not in AGENCY_FORMS:
            raise Http404
        form = forms[action] = AGENCY_FORMS[action](request.POST, user=user, auto_id=f"id_{action}_%s")
        if form.is_valid():
            try:
                done = _agency_action(action, form.cleaned_data, user)
            except DomainError as exc:
                _error_to(form, exc)
            else:
                messages.success(request, done)
                return redirect("programme-agencies")
        status = 400
    today = clock.today()
    rules = []
    for award in awards:  # each award's own rule on agencies, from its ruleset in force
        ruleset = ruleset_current(award)
        rules.append((award, Rules(ruleset.data).review_agency if ruleset else None))
    terminate = forms["terminate"]  # one small form per contract row: its errors go beside that row
    terminate_errors = [e for errors in terminate.errors.values() for e in errors] if terminate.is_bound else []
    terminate_row = getattr(terminate, "cleaned_data", {}).get("contract")
    return render(request, "review/agencies.html", {
        "awards": awards, "agency_rules": rules, "live": live, "forms": forms, "today": today,
        "terminate_errors": terminate_errors, "terminate_row": terminate_row.pk if terminate_row else None,
        "contracts": [(c, c.live_on(today)) for c in selectors.contracts_for_office(user)],
    }, status=status)
