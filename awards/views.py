"""Pages of the application pipeline: the workspace, the applicant's registration, dashboard and stepped
declaration, the pre-check queue and review page, the award office's cycle pages and the supervisor's
read-only log; and under /programme/ the hub of the work around a cycle, a cycle's applications by encouraged
kind, prize money and a new award's first cycle (the pool and history import: awards.pool_views). Views read
through awards.selectors and write through awards.services / pipeline / prizes only."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core import clock
from core.spreadsheets import append_row, workbook_bytes
from core.errors import DomainError
from core.pagecache import session_page_cache
from jurisdictions.rules import BAN_REASONS, STAGE_LABELS, Rules
from jurisdictions.selectors import admin_jurisdictions

from . import bans, eligibility, permissions, prizes, selectors, services
from .forms import (AccountForm, ActionReasonForm, ApprovalForm, CommendForm, ConsultationAnswerForm, ConsultationForm, CycleOpenForm, EncouragedForm, FactsForm, IndividualForm,
                    InternalPublicityForm, MaterialForm, OpinionForm, OrganizationForm, PerformanceReportForm, PlannerForm,
                    PrizePaymentForm, ReasonForm, RecommendationForm, RecoveryPaymentForm, RevokeForm, SelfEvaluationForm,
                    SpendingReportForm, SpendingReviewForm, StageSelectForm, SupplementAnswerForm, SupplementRequestForm,
                    add_domain_error)
from .history_import import HISTORY_MARK
from .models import Applicant, ClaimRequest, Status
from . import actions, signals
from .pipeline import TABLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


# ---- workspace -------------------------------------------------------------------------------------------
@login_required
def workspace(request):
    roles = selectors.workspace_roles(request.user)
    extra = signals.contributions(signals.workspace_page, user=request.user)  # publicity's reminders
    return render(request, "awards/workspace.html", {"roles": roles, "reminders": extra.get("reminders", [])})


# ---- applicant: registration -----------------------------------------------------------------------------
def register(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or "organization"
    if kind not in ("organization", "individual"):
        kind = "organization"
    anonymous = not request.user.is_authenticated
    data = request.POST if request.method == "POST" else None
    account = AccountForm(data, prefix="account") if anonymous else None
    form = (OrganizationForm if kind == "organization" else IndividualForm)(data, prefix=kind)
    if request.method == "POST":
        ok = form.is_valid() & (account.is_valid() if account else True)
        if ok:
            try:
                with transaction.atomic():
                    user = request.user
                    if anonymous:
                        user = get_user_model().objects.create_user(account.cleaned_data["username"],
                                                                    password=account.cleaned_data["password1"])
                    applicant = _register_applicant(kind, form.cleaned_data, user)
            except DomainError as exc:
                add_domain_error(form, exc, {"parent": "parent_credit_code"})
            else:
                if anonymous:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                if isinstance(applicant, ClaimRequest):  # a record no account holds: a request, no access yet
                    messages.info(request, "该统一社会信用代码（身份证号码）对应的记录已由奖项办公室登记，须经办公室核实后才能认领。"
                                           "请上传营业执照（个人为身份证明），审核结果将在此显示。")
                    return redirect("awards:claim", pk=applicant.pk)
                messages.success(request, f"“{applicant.name}”已注册，可以开始申报。")
                return redirect("awards:apply-home")
    return render(request, "awards/register.html", {"form": form, "account": account, "kind": kind},
                  status=400 if request.method == "POST" else 200)


def _register_applicant(kind: str, data: dict, user) -> Applicant | ClaimRequest:
    if kind == "organization":
        parent = None
        code = (data.get("parent_credit_code") or "").strip().upper()
        if code:
            parent = Applicant.objects.filter(credit_code=code).first()
            if parent is None:
                raise DomainError("没有找到该统一社会信用代码的上级组织，请其先在本平台注册。", field="parent_credit_code")
        return services.applicant_register_organization(
            user=user, name=data["name"], credit_code=data["credit_code"], county=data["county"], legal_form=data["legal_form"],
            registration_date=data.get("registration_date"), address=data.get("address", ""), industry=data.get("industry", ""),
            phone=data.get("phone", ""), parent=parent)
    return services.applicant_register_individual(
        user=user, name=data["name"], id_number=data["id_number"], county=data["county"], employer=data["employer"],
        quality_work_years=data["quality_work_years"], phone=data.get("phone", ""), address=data.get("address", ""))


# ---- applicant: dashboard ----------------------------------------------------------------------------------
@login_required
@session_page_cache
def apply_home(request):
    rows = selectors.applicant_dashboard(request.user)
    claims = list(selectors.claims_of(request.user))
    if not rows and not claims:
        return redirect("awards:register")
    grants = list(selectors.grants_of_applicant(request.user))
    return render(request, "awards/apply_home.html", {"rows": rows, "grants": grants, "claims": claims})


@login_required
@require_POST
def application_new(request):
    applicant = selectors.applicants_of(request.user).filter(pk=request.POST.get("applicant") or 0).first()
    if applicant is None:
        raise Http404("申报主体不存在。")
    cycle = selectors.cycle_for_applicant(request.user, applicant, request.POST.get("cycle") or 0)
    try:
        app = services.application_create(cycle=cycle, applicant=applicant, category=applicant.kind, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("awards:apply-home")
    messages.success(request, f"已创建申报 {app.reference}（草稿）。")
    return redirect("awards:application", pk=app.pk)


# ---- applicant: the stepped declaration --------------------------------------------------------------------
def declaration_steps(app, *, rules: Rules | None = None, materials: list | None = None) -> list[dict]:
    """`rules` and `materials` when the page already has them (no second build, no extra query)."""
    rules = rules or Rules(app.cycle.ruleset.data)
    steps = [("basic", "基本信息", True), ("facts", "申报事实", bool(app.declaration))]
    steps.append(("self", "自我评价", bool(app.self_evaluation.strip())))
    if rules.has_stage("internal_publicity"):
        steps.append(("publicity", "内部公示", bool(app.internal_publicity_from and app.internal_publicity_to)))
    if selectors.applicant_recommendation(app, rules):
        kinds = [m.kind for m in materials] if materials is not None else list(app.materials.values_list("kind", flat=True))
        steps.append(("recommendation", "推荐意见", "recommendation" in kinds))
    if rules.encouraged:
        steps.append(("encouraged", "鼓励类型", bool(app.encouraged)))
    steps.append(("materials", "材料上传", bool(materials) if materials is not None else app.materials.exists()))
    steps.append(("check", "资格自查与提交", app.status != Status.DRAFT))
    return [{"code": c, "label": label, "done": done, "n": i} for i, (c, label, done) in enumerate(steps, start=1)]


def _step_form(step, app, data=None, files=None, *, rules: Rules | None = None):
    rules = rules or Rules(app.cycle.ruleset.data)
    if step == "facts":
        keys = selectors.declaration_keys(rules, app.category)
        return FactsForm(data, keys=keys, route_bodies=selectors.route_bodies(app), initial=FactsForm.initial_from(app.declaration))
    if step == "self":
        return SelfEvaluationForm(data, initial={"self_evaluation": app.self_evaluation})
    if step == "publicity":
        return InternalPublicityForm(data, initial={"internal_publicity_from": app.internal_publicity_from,
                                                    "internal_publicity_to": app.internal_publicity_to})
    if step == "recommendation":
        return RecommendationForm(data, files)
    if step == "encouraged":
        return EncouragedForm(data, options=rules.encouraged, initial={"encouraged": app.encouraged})
    if step == "materials":
        return MaterialForm(data, files)
    return None


def _step_fields(step, form, app) -> dict:
    if step == "facts":
        return {"declaration": form.declaration(app.declaration)}
    return dict(form.cleaned_data)


STEP_OF_FIELD = {"internal_publicity_from": "publicity", "internal_publicity_to": "publicity", "recommendation": "recommendation",
                 "issuer": "recommendation",
                 "self_evaluation": "self", "route_body_id": "facts", "file": "materials"}


@login_required
def application_detail(request, pk):
    app = selectors.application_for_applicant(request.user, pk)
    rules = Rules(app.cycle.ruleset.data)  # built once for the page
    materials = list(app.materials.all())
    steps = declaration_steps(app, rules=rules, materials=materials)
    codes = [s["code"] for s in steps]
    step = request.POST.get("step") or request.GET.get("step") or ("basic" if app.status == Status.DRAFT else "status")
    if step not in codes and step != "status":
        step = "basic"
    editable = app.status in (Status.DRAFT, Status.RETURNED)
    form = _step_form(step, app, rules=rules)
    status_code = 200
    if request.method == "POST" and step != "check":
        if not editable:
            messages.error(request, "申报提交后材料即冻结，不能修改。")
            return redirect(f"{reverse('awards:application', args=[app.pk])}?step=status")
        form = _step_form(step, app, request.POST, request.FILES, rules=rules)
        if form is not None and form.is_valid():
            try:
                if step == "recommendation":
                    cd = form.cleaned_data
                    material = services.material_add(application=app, actor=request.user, uploaded_file=cd["file"], title="",
                                                     kind="recommendation", issuer=cd["issuer"])
                    messages.success(request, f"已上传“{material.title}”。")
                elif step == "materials":
                    cd = form.cleaned_data
                    material = services.material_add(application=app, actor=request.user, uploaded_file=cd["file"],
                                                     title=cd["title"], trade_secret=cd["trade_secret"])
                    if _wants_json(request):
                        return JsonResponse({"id": material.pk, "title": material.title, "size": material.size})
                    messages.success(request, f"已上传“{material.title}”。")
                else:
                    services.application_update(application=app, actor=request.user, **_step_fields(step, form, app))
                    messages.success(request, "草稿已保存。")
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                following = codes[codes.index(step) + 1] if request.POST.get("go") == "next" and step != codes[-1] else step
                return redirect(f"{reverse('awards:application', args=[app.pk])}?step={following}")
        if _wants_json(request):
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()} if form is not None else {}
            first = next(iter(errors.values()), ["上传失败。"])[0]
            return JsonResponse({"detail": first, "errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
        status_code = 400
    results = services.eligibility_check(app) if step == "check" else None
    submit_error = None
    if request.method == "POST" and step == "check":
        try:
            services.application_submit(application=app, actor=request.user)
        except DomainError as exc:
            submit_error = exc
            status_code = 400
        else:
            messages.success(request, f"申报 {app.reference} 已提交。")
            return redirect(f"{reverse('awards:application', args=[app.pk])}?step=status")
    context = {
        "app": app, "steps": steps, "step": step, "form": form, "editable": editable, "results": results,
        "submit_error": submit_error, "submit_error_step": STEP_OF_FIELD.get(getattr(submit_error, "field", None)),
        "blocking": eligibility.blocking(results) if results else [],
        "done": sum(1 for s in steps if s["done"]), "materials": materials,
        "timeline": selectors.application_timeline(app, rules) if step == "status" else None,
        "supplement": app.supplement_requests.filter(answered_at__isnull=True).order_by("-requested_at").first(),
        "can_withdraw": "withdraw" in actions.offered(app, request.user, permissions.roles_on(request.user, app), rules=rules),
        "withdraw_form": ReasonForm(), "answer_form": SupplementAnswerForm(),
        "step_label": next((s["label"] for s in steps if s["code"] == step), "申报进度"),
        "rules": rules,
        "feedback": (signals.contributions(signals.applicant_status_page, application=app, rules=rules).get("feedback")
                     if step == "status" else None),
    }
    return render(request, "awards/application.html", context, status=status_code)


@login_required
def application_material(request, pk, material_pk):
    app = selectors.application_for_applicant(request.user, pk)
    return _serve_material(app, material_pk, request.user)


def _serve_material(app, material_pk, user, role="applicant"):
    material = selectors.material_for(user, app, material_pk)
    return services.material_download(material=material, actor=user, role=role)


@login_required
@require_POST
def application_withdraw(request, pk):
    app = selectors.application_for_applicant(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.perform("withdraw", application=app, actor=request.user, role="applicant", reason=form.cleaned_data["reason"])
            messages.success(request, "申报已撤回。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "撤回须填写理由。")
    return redirect(f"{reverse('awards:application', args=[app.pk])}?step=status")


@login_required
@require_POST
def application_supplement(request, pk):
    app = selectors.application_for_applicant(request.user, pk)
    form = SupplementAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.perform("resubmit", application=app, actor=request.user, role="applicant", reason=form.cleaned_data["answer"])
            messages.success(request, "补正材料已重新提交。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写补正说明。")
    return redirect(f"{reverse('awards:application', args=[app.pk])}?step=status")


@login_required
def grant_reports(request, pk):
    grant = selectors.grant_for_applicant(request.user, pk)
    form = PerformanceReportForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.performance_report_submit(grant=grant, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "绩效报告已提交。")
            return redirect("awards:grant-reports", pk=grant.pk)
    rules = Rules(grant.cycle.ruleset.data) if grant.cycle else None
    return render(request, "awards/grant_reports.html", {"grant": grant, "form": form, "reports": grant.reports.order_by("year"),
                                                         "years": rules.performance_report_years if rules else 0},
                  status=400 if request.method == "POST" else 200)


# ---- pre-check -------------------------------------------------------------------------------------------
@login_required
def precheck_home(request):
    bodies = selectors.precheck_bodies(request.user)
    if not bodies:
        raise Http404("您没有初审岗位。")
    today = clock.today()
    rows = [{"app": a, "overdue": selectors.is_overdue(a, today),
             "actionable": Rules(a.cycle.ruleset.data).stage(a.stage).actor == "precheck" and a.status in selectors.WORKING}
            for a in selectors.precheck_queue(request.user)]
    publishable = _publishable_lists(request.user, bodies)
    return render(request, "awards/precheck_home.html", {"bodies": bodies, "rows": rows, "publishable": publishable, "today": today})


def _publishable_lists(user, bodies):
    """(cycle, stage, body, count) where approved applications of the user's bodies wait for a publicity list."""
    out = {}
    for a in selectors.precheck_queue(user).filter(status=Status.APPROVED):
        stage = Rules(a.cycle.ruleset.data).stage(a.stage)
        if stage.actor == "precheck" and (stage.publicity or stage.public_comment):
            key = (a.cycle_id, a.stage, a.route_body_id)
            out.setdefault(key, {"cycle": a.cycle, "stage": a.stage, "stage_label": stage.label, "body": a.route_body, "n": 0})
            out[key]["n"] += 1
    return list(out.values())


@login_required
def precheck_review(request, pk):
    memberships = list(selectors.memberships_of(request.user))  # read once for the page
    app = selectors.application_for_precheck(request.user, pk, memberships=memberships)
    return _review_page(request, app, role="precheck", back=reverse("awards:precheck-home"), memberships=memberships)


@login_required
def precheck_material(request, pk, material_pk):
    app = selectors.application_for_precheck(request.user, pk)
    return _serve_material(app, material_pk, request.user, role="precheck")


@login_required
@require_POST
def precheck_publish(request):
    bodies = {b.pk: b for b in selectors.precheck_bodies(request.user)}
    body = bodies.get(int(request.POST.get("body") or 0))
    cycle = selectors.precheck_queue(request.user).filter(cycle_id=request.POST.get("cycle") or 0).first()
    if body is None or cycle is None:
        raise Http404("名单不存在。")
    try:
        publish = actions.cycle_action("publish_list")
        notice = publish.perform(cycle=cycle.cycle, stage_code=request.POST.get("stage", ""), actor=request.user,
                                 role="precheck", body=body)
        messages.success(request, publish.done(notice))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("awards:precheck-home")


def _checked(value) -> bool:
    return value in ("on", "true", "1", "yes")


def _fraud_outcome(app) -> str:
    """What recording a finding of false materials wrote: the ban, or why there is none."""
    ban = app.bans.order_by("-pk").first()
    if ban is not None:
        return f"已记录查实弄虚作假，{bans.ban_summary(ban)}。"
    return "已记录查实弄虚作假；本奖项管理办法规定的禁止申报以撤销称号为前提，未写入禁止申报记录。"


def _review_page(request, app, *, role, back, memberships=None):
    """The checker's page: declaration, eligibility and materials side by side, opinions and actions.
    `memberships`: the user's active memberships (body selected) when the caller already read them."""
    rules = Rules(app.cycle.ruleset.data)
    stage = rules.stage(app.stage)
    opinion_form = OpinionForm(initial={"kind": "opinion", "body_name": app.route_body.name if role == "precheck" and app.route_body else app.cycle.award.office.name})
    supplement_form = SupplementRequestForm()
    consult_form, answer_form = ConsultationForm(), ConsultationAnswerForm()
    reason_form = ActionReasonForm()
    status = 200
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            def written(form, write, done):
                """A side form of the page: its write, the domain refusal beside it, or the page again."""
                if form.is_valid():
                    try:
                        result = write(form.cleaned_data)
                    except DomainError as exc:
                        add_domain_error(form, exc)
                        raise _Stay() from None
                    messages.success(request, done(result))
                    return redirect(request.path)
                raise _Stay()

            if what == "consult":
                consult_form = ConsultationForm(request.POST)
                return written(consult_form, lambda cd: services.consultation_request(
                    application=app, actor=request.user, role=role, departments=consult_form.department_list(), due_on=cd["due_on"]),
                    lambda _made: "已记录征求意见。")
            if what == "consult_answer":
                answer_form = ConsultationAnswerForm(request.POST)

                def answer(cd):
                    consultation = app.consultations.filter(pk=cd["consultation"]).first()
                    if consultation is None:
                        raise Http404("征求意见记录不存在。")
                    return services.consultation_answer(consultation=consultation, actor=request.user, role=role, text=cd["text"])
                return written(answer_form, answer, lambda c: f"已记录{c.department}的意见。")
            if what == "opinion":
                opinion_form = OpinionForm(request.POST)
                return written(opinion_form, lambda cd: services.opinion_record(application=app, actor=request.user, role=role, **cd),
                               lambda _op: "意见已记录。")
            if what == "supplement":
                supplement_form = SupplementRequestForm(request.POST)
                return written(supplement_form, lambda _cd: services.supplement_request(
                    application=app, actor=request.user, role=role, items=supplement_form.item_list()),
                    lambda _req: "已一次性告知需补正的全部事项。")
            action = request.POST.get("action", "")
            if action not in actions.REGISTRY:
                raise Http404("未知的操作。")
            reason_form = ActionReasonForm(request.POST) if TABLE[action].needs_reason else None
            if reason_form is not None and not reason_form.is_valid():
                reason_form.add_error(None, f"“{TABLE[action].label}”须填写书面理由。")
                raise _Stay()
            reason = reason_form.cleaned_data["reason"] if reason_form is not None else request.POST.get("reason", "")
            fraud = _checked(request.POST.get("fraud"))
            try:
                actions.perform(action, application=app, actor=request.user, role=role, reason=reason,
                                data={"fraud": True} if fraud else None)
            except DomainError as exc:
                reason_form = reason_form or ActionReasonForm(request.POST)
                reason_form.is_valid()
                add_domain_error(reason_form, exc)
                raise _Stay() from None
            messages.success(request, f"已办理：{TABLE[action].label}。" + (_fraud_outcome(app) if fraud else ""))
            return redirect(request.path)
        except _Stay:
            status = 400
        reason_form = reason_form or ActionReasonForm()
        app.refresh_from_db()  # a re-rendered POST shows the row as it is now
        rules = Rules(app.cycle.ruleset.data)
        stage = rules.stage(app.stage)
    # the applicant's own actions are never offered here, so the applicant role is not asked
    roles = permissions.roles_on(request.user, app, memberships=memberships, applicant=False)
    buttons = [(a, TABLE[a].label, TABLE[a].needs_reason) for a in actions.offered(app, request.user, roles, rules=rules)
               if a not in selectors.APPLICANT_ACTIONS]
    return render(request, "awards/review.html", {
        "app": app, "stage": stage, "role": role, "back": back, "results": services.eligibility_check(app),
        "materials": list(app.materials.all()), "opinions": list(app.opinions.order_by("at")),
        "events": list(app.events.select_related("actor")), "supplements": list(app.supplement_requests.order_by("-requested_at")),
        "actions": buttons, "opinion_form": opinion_form, "supplement_form": supplement_form, "reason_form": reason_form,
        "consult_form": consult_form, "answer_form": answer_form, "today": clock.today(),
        "consultations": [(c, c.state(clock.today())) for c in app.consultations.all()],
        "can_find_fraud": any(code in services.REFUSALS for code, _label, _needs in buttons),
        "facts": _facts_rows(app), "overdue": selectors.is_overdue(app),
        "material_url": "awards:precheck-material" if role == "precheck" else "awards:office-material",
    }, status=status)


class _Stay(Exception):
    """Re-render the review page with the forms as typed."""


def _facts_rows(app) -> list[tuple[str, str]]:
    from .forms import DATE_LIST_FIELDS, FISCAL_YEAR_FIELDS, LEGACY_YEAR_LABELS, YES_NO_FIELDS

    labels = {**DATE_LIST_FIELDS, **FISCAL_YEAR_FIELDS, **LEGACY_YEAR_LABELS, **YES_NO_FIELDS,
              "quality_system_years": "质量管理体系有效运行年限（年）", "route_body_id": "报送单位"}
    rows = []
    for key, value in app.declaration.items():
        if isinstance(value, bool):
            shown = "是" if value else "否"
        elif isinstance(value, list):
            shown = "、".join(map(str, value)) or "无"
        elif key == "route_body_id":
            shown = app.route_body.name if app.route_body_id == value and app.route_body else str(value)
        else:
            shown = str(value)
        rows.append((labels.get(key, key), shown))
    return rows


# ---- office ----------------------------------------------------------------------------------------------
def _office_or_404(user):
    if not selectors.office_jurisdiction_ids(user):
        raise Http404("您没有办公室岗位。")


@login_required
def office_home(request):
    from jurisdictions.calendar import coverage_warning

    _office_or_404(request.user)
    return render(request, "awards/office_home.html", {"awards": list(selectors.awards_for_office(request.user)),
                                                       "cycles": list(selectors.cycles_for_office(request.user)),
                                                       "calendar_warning": coverage_warning(clock.today())})


@login_required
def office_cycle_open(request, slug):
    award = selectors.award_for_office(request.user, slug)
    form = CycleOpenForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(award=award, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已启动{cycle}，并发布申报通知。")
            return redirect("awards:office-cycle", pk=cycle.pk)
    return render(request, "awards/office_cycle_open.html", {"award": award, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def office_cycle(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    rules = Rules(cycle.ruleset.data)
    today = clock.today()
    funnel = selectors.cycle_funnel(cycle)
    extra = signals.contributions(signals.office_cycle_page, cycle=cycle, today=today)  # notices, objections
    deadlines = sorted(selectors.cycle_deadlines(cycle, today) + extra.get("dates", []), key=lambda d: d["day"])
    try:
        month = dt.date.fromisoformat((request.GET.get("month") or "") + "-01") if request.GET.get("month") else None
    except ValueError:
        month = None
    month = month or (deadlines[0]["day"] if deadlines else today).replace(day=1)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    planner = PlannerForm(request.GET if "start" in request.GET else None, initial={"start": today})
    plan, plan_error = None, None
    if planner.is_bound and planner.is_valid():
        try:
            plan = selectors.cycle_plan(rules, planner.cleaned_data["start"])
        except DomainError as exc:
            plan_error = exc.message
            planner.add_error("start", exc.message)
    committee_stage = next((s for s in rules.stages if s.actor == "committee"), None)
    return render(request, "awards/office_cycle.html", {
        "cycle": cycle, "rules": rules, "funnel": funnel, "chart": selectors.funnel_chart(funnel), "deadlines": deadlines,
        "calendar": selectors.month_calendar(month.year, month.month, deadlines), "month": month,
        "prev_month": prev_month, "next_month": next_month,
        "overdue": list(selectors.overdue_applications(cycle, today)), "objections": extra.get("objections", 0), "sweep_failures": extra.get("sweep_failures", []),
        "planner": planner, "plan": plan, "plan_error": plan_error, "committee_stage": committee_stage, "today": today,
        "has_review_pages": _has_url("review-stage"),
    })


def _has_url(name) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[1, "x"]) if name == "review-stage" else reverse(name)
        return True
    except NoReverseMatch:
        return False


@login_required
@session_page_cache
def office_stage(request, pk, code):
    memberships = list(selectors.memberships_of(request.user))  # read once for the page
    cycle = selectors.cycle_for_office(request.user, pk, memberships=memberships)
    rules = Rules(cycle.ruleset.data)
    if not rules.has_stage(code):
        raise Http404("本奖项没有该环节。")
    stage = rules.stage(code)
    status = 200
    errors: dict[int, str] = {}
    select_form = StageSelectForm(initial={"reason": "按好中选优原则确定进入下一环节的名单"})
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what in ("publish", "vote_open", "vote_apply"):
                name = {"publish": "publish_list"}.get(what, what)
                action = actions.cycle_action(name)
                data = {}
                if what == "vote_open":
                    chosen = {int(x) for x in request.POST.getlist("candidate") if x.isdigit()}
                    data = {"title": (request.POST.get("title") or "").strip()[:120],
                            "applications": [r["app"] for r in selectors.stage_queue(request.user, cycle, code, memberships=memberships)
                                             if r["app"].pk in chosen and r["app"].status in selectors.WORKING]}
                elif what == "vote_apply":
                    data = {"vote": request.POST.get("vote") or ""}
                result = action.perform(cycle=cycle, stage_code=code, actor=request.user, role="office", **data)
                messages.success(request, action.done(result))
                return redirect(reverse("review-ballot", args=[result.pk]) if what == "vote_open" else request.path)
            if what == "select":
                select_form = StageSelectForm(request.POST)
                if select_form.is_valid():
                    chosen = [int(x) for x in request.POST.getlist("advance") if x.isdigit()]
                    select = actions.cycle_action("select")
                    result = select.perform(cycle=cycle, stage_code=code, actor=request.user, role="office", advancing=chosen,
                                            reason=select_form.cleaned_data["reason"] or "按好中选优原则确定")
                    messages.success(request, select.done(result))
                    return redirect(request.path)
                status = 400
            else:
                app = selectors.application_for_office(request.user, request.POST.get("application") or 0)
                action = request.POST.get("action", "")
                if action not in actions.REGISTRY or app.cycle_id != cycle.pk:
                    raise Http404("未知的操作。")
                fraud = _checked(request.POST.get("fraud"))
                actions.perform(action, application=app, actor=request.user, role="office", reason=request.POST.get("reason", ""),
                                data={"fraud": True} if fraud else None)
                messages.success(request, f"{app.reference}：已办理“{TABLE[action].label}”。" + (_fraud_outcome(app) if fraud else ""))
                return redirect(request.path)
        except DomainError as exc:
            status = 400
            app_id = request.POST.get("application")
            if app_id and app_id.isdigit():
                errors[int(app_id)] = exc.message
            else:
                messages.error(request, exc.message)
    rows = selectors.stage_queue(request.user, cycle, code, memberships=memberships)
    for r in rows:
        r["error"] = errors.get(r["app"].pk)
        r["typed"] = request.POST.get("reason", "") if r["error"] else ""
        r["action_codes"] = {code for code, _label, _needs in r["actions"]}
    is_review = code in ("material_review", "on_site_review", "defense", "composite_evaluation", "qualification_review") and stage.actor == "office"
    window = stage.publicity or stage.public_comment
    selection = None
    live = [r["app"] for r in rows if r["app"].status in selectors.WORKING]
    extra = signals.contributions(signals.office_stage_page, cycle=cycle, stage_code=code, applications=live)  # review's
    if is_review and not window:
        selection = selectors.stage_ranking_rows(live, extra.get("ranking", []))
        cut = select_form["cut"].value() if select_form.is_bound else request.GET.get("cut")
        try:
            cut = int(cut) if cut not in (None, "") else None
        except ValueError:
            cut = None
        chosen = set(int(x) for x in request.POST.getlist("advance") if x.isdigit()) if select_form.is_bound else None
        for i, row in enumerate(selection):
            row["checked"] = (row["app"].pk in chosen) if chosen is not None else (cut is None or i < cut)
    approved = sum(1 for r in rows if r["app"].status == Status.APPROVED)
    return render(request, "awards/office_stage.html", {
        "cycle": cycle, "stage": stage, "code": code, "rows": rows, "window": window, "approved": approved,
        "selection": selection, "select_form": select_form, "stages": rules.stages,
        "review_url": reverse("review-stage", args=[cycle.pk, code]) if _has_url("review-stage") and code in ("material_review", "on_site_review", "defense") else None,
        "votes": extra.get("votes"),
        "candidates": live if "votes" in extra else None,
    }, status=status)


@login_required
def office_application(request, pk):
    memberships = list(selectors.memberships_of(request.user))  # read once for the page
    app = selectors.application_for_office(request.user, pk, memberships=memberships)
    return _review_page(request, app, role="office", back=reverse("awards:office-stage", args=[app.cycle_id, app.stage]),
                        memberships=memberships)


@login_required
def office_material(request, pk, material_pk):
    app = selectors.application_for_office(request.user, pk)
    return _serve_material(app, material_pk, request.user, role="office")


@login_required
def office_approval(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    form = ApprovalForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            apps = services.approval_record(cycle=cycle, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已记录政府批准，{len(apps)} 件进入表彰环节。")
            return redirect("awards:office-cycle", pk=cycle.pk)
    waiting = list(cycle.applications.filter(stage="approval", status=Status.PENDING).select_related("applicant"))
    return render(request, "awards/office_simple_form.html", {
        "cycle": cycle, "form": form, "title": "记录政府审批", "waiting": waiting, "submit": "记录批准"},
        status=400 if request.method == "POST" else 200)


@login_required
def office_commend(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    form = CommendForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            grants = services.commend(cycle=cycle, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已发布表彰决定，授奖 {len(grants)} 个。")
            return redirect("awards:office-cycle", pk=cycle.pk)
    waiting = list(cycle.applications.filter(stage="commendation", status=Status.PENDING).select_related("applicant"))
    grants = list(cycle.grants.select_related("applicant"))
    return render(request, "awards/office_simple_form.html", {
        "cycle": cycle, "form": form, "title": "发布表彰决定", "waiting": waiting, "grants": grants, "submit": "表彰"},
        status=400 if request.method == "POST" else 200)


@login_required
def office_revoke(request, pk):
    grant = selectors.grant_for_office(request.user, pk)
    rules = bans.rules_for_grant(grant, on=clock.today())  # an imported title: the award's ruleset of the time
    reasons = [(r["reason"], f"{BAN_REASONS.get(r['reason'], r['reason'])}"
                             f"{f'（获奖后{w}年内发生）' if (w := r.get('within_years')) else ''}（{r.get('article') or ''}）")
               for r in (rules.revocations if rules else [])]
    form = RevokeForm(request.POST or None, request.FILES or None, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.revoke(grant=grant, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            ban = grant.bans.order_by("-pk").first()
            messages.success(request, f"已撤销 {grant.applicant.name} 的{grant.award.name}，并发布撤销公告。"
                                      + (f"{bans.ban_summary(ban)}。" if ban else "管理办法对该情形未规定禁止申报。")
                                      + (f"应追缴奖金 {grant.prize_to_recover} 元。" if grant.prize_to_recover else ""))
            return redirect("awards:office-cycle", pk=grant.cycle_id) if grant.cycle_id else redirect("awards:office-home")
    return render(request, "awards/office_revoke.html", {"grant": grant, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def office_revocation_evidence(request, pk):
    """The document proving a revocation's ground, as uploaded with it: a download, never an inline page."""
    import mimetypes

    from core.uploads import attachment_response

    grant = selectors.grant_for_office(request.user, pk)
    if not grant.revoke_evidence:
        raise Http404("该撤销记录没有上传证明材料。")
    name = grant.revoke_evidence.name.rsplit("/", 1)[-1]
    return attachment_response(grant.revoke_evidence, name, mimetypes.guess_type(name)[0] or "application/octet-stream")


# ---- supervision -----------------------------------------------------------------------------------------
@login_required
@require_safe  # read-only for the supervisor: any POST is refused (405)
def supervision(request):
    jurisdictions = selectors.supervisor_jurisdictions(request.user)
    if not jurisdictions:
        raise Http404("您没有监督岗位。")
    entries = Paginator(selectors.audit_for_supervisor(request.user), 50).get_page(request.GET.get("page"))
    events = list(selectors.stage_events_for_supervisor(request.user)[:100])
    return render(request, "awards/supervision.html", {"jurisdictions": jurisdictions, "entries": entries, "events": events,
                                                       "labels": STAGE_LABELS, "statuses": dict(Status.choices)})


# ---- /programme/: the work around a cycle ------------------------------------------------------------------
@login_required
def work_index(request):
    """The hub of what the regulations ask around a cycle: pool, history import, agencies, prize money and new
    awards, each card shown to the roles it concerns. It spans several awards, so it cites no article."""
    user = request.user
    office_awards = list(selectors.awards_for_office(user))
    reports, tracking = selectors.duty_rows(user, "reports"), selectors.duty_rows(user, "tracking")
    return render(request, "awards/work_index.html", {
        "report_count": len(reports), "report_missing": sum(len(r.missing) for r in reports), "tracking_count": len(tracking),
        "duties": bool(reports or tracking),
        "office_awards": office_awards,
        "pool_count": selectors.pool_members_visible(user).count(),
        "admin_of": admin_jurisdictions(user),
        "money_count": selectors.money_grants(user).count(),
        "cycles": list(selectors.cycles_for_office(user)[:20]) if office_awards else [],
        "history_mark": HISTORY_MARK,
        **signals.contributions(signals.work_index_page, user=user),  # review: the cycles an agency serves today
    })


@login_required
def cycle_applications(request, pk):
    """A cycle's applications for its office, filtered by an encouraged kind its ruleset lists; as Excel too."""
    cycle = selectors.cycle_for_office(request.user, pk)
    kinds = Rules(cycle.ruleset.data).encouraged
    code = request.GET.get("encouraged") or None
    if code and code not in {k["code"] for k in kinds}:
        code = None
    apps = list(selectors.applications_filtered(cycle, encouraged=code))
    labels = {k["code"]: k["label"] for k in kinds}
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "申报名单"
        append_row(ws, ["申报编号", "申报主体", "所在县", "状态", "鼓励申报类型"])
        for a in apps:
            append_row(ws, [a.reference, a.applicant.name, a.applicant.county.name, a.get_status_display(),
                            "、".join(labels.get(c, c) for c in a.encouraged)])
        response = HttpResponse(workbook_bytes(wb), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename=\"applications-{cycle.pk}.xlsx\""
        return response
    rows = [(a, [labels.get(c, c) for c in a.encouraged]) for a in apps]
    return render(request, "awards/cycle_applications.html", {"cycle": cycle, "kinds": kinds, "code": code, "rows": rows})


@login_required
def money_list(request):
    rows = [(g, selectors.prize_paid(g), selectors.recovery_outstanding(g)) for g in selectors.money_grants(request.user)]
    return render(request, "awards/money_list.html", {"rows": rows})


MONEY_FORMS = {"pay": PrizePaymentForm, "report": SpendingReportForm, "review": SpendingReviewForm, "recover": RecoveryPaymentForm}


def _money_action(action: str, data: dict, grant, user) -> str:
    """Runs the write the posted form asks for; returns the message the user sees."""
    if action == "pay":
        prizes.prize_payment_record(grant=grant, actor=user, **data)
        return "已登记奖金拨付。"
    if action == "report":
        prizes.spending_report_submit(grant=grant, actor=user, **data)
        return f"{data['year']} 年度奖金使用报告已提交。"
    if action == "review":
        prizes.spending_report_review(actor=user, **data)
        return "已审核。"
    prizes.recovery_payment_record(grant=grant, actor=user, **data)
    return "已登记缴回。"


@login_required
def money_detail(request, pk):
    """A grant's prize money: the office records payments, reviews spending reports and records repayment;
    the winner reports the year's spending on the uses the award's own ruleset permits."""
    user = request.user
    grant = selectors.grant_visible(user, pk)
    uses, article = selectors.spending_uses(grant)
    pending = grant.spending_reports.filter(review_result="")

    def build(action, data=None):
        kwargs = {"reports": pending} if action == "review" else {}
        form = MONEY_FORMS[action](data, auto_id=f"id_{action}_%s", **kwargs)
        if action == "report":
            form.initial = {"year": clock.today().year}
        return form

    forms = {action: build(action) for action in MONEY_FORMS}
    posted = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in MONEY_FORMS:
            raise Http404
        posted = forms[action] = build(action, request.POST)
        if posted.is_valid():
            try:
                done = _money_action(action, posted.cleaned_data, grant, user)
            except DomainError as exc:
                add_domain_error(posted, exc)
            else:
                messages.success(request, done)
                return redirect("programme-money-detail", pk=grant.pk)
    reviewing = getattr(forms["review"], "cleaned_data", {}).get("report")
    return render(request, "awards/money_detail.html", {
        "grant": grant, "office": permissions.office_of(user, grant.award), "member": permissions.is_applicant_member(user, grant.applicant),
        "paid": selectors.prize_paid(grant), "outstanding": selectors.recovery_outstanding(grant),
        "payments": grant.prize_payments.all(), "reports": grant.spending_reports.all(), "recoveries": grant.recovery_payments.all(),
        "uses": uses, "article": article, "forms": forms, "posted": posted, "reviewing": reviewing.pk if reviewing else None,
        "item_rows": forms["report"].item_rows(),
    }, status=400 if posted is not None else 200)


@login_required
def onboard_award(request, slug):
    """A new award's own page after onboarding (jurisdictions): its ruleset, and opening its first cycle."""
    user = request.user
    award = selectors.award_for_office(user, slug)
    form = CycleOpenForm(request.POST if request.method == "POST" else None, initial={"year": clock.today().year})
    if form.is_bound and form.is_valid():
        try:
            cycle = services.cycle_open(award=award, actor=user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已启动{cycle}，申报截止 {cycle.filing_deadline:%Y-%m-%d}。")
            return redirect("programme-onboard-award", slug=award.slug)
    ruleset = award.rulesets.order_by("-version").first()
    return render(request, "awards/onboard_award.html", {
        "award": award, "ruleset": ruleset, "rules": Rules(ruleset.data) if ruleset else None, "cycles": list(award.cycles.all()),
        "edit_url": reverse("ruleset-edit", args=[award.slug]), "form": form,
    }, status=400 if form.is_bound else 200)
