"""Pages for the cultivation pool, history import, review agencies, encouraged filter, prize money and
onboarding a new award. Views read through awards.programme_selectors and write through awards.programme /
awards.history_import; anything outside the user's scope is a 404."""
from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from core import clock
from core.errors import DomainError
from jurisdictions.models import Body, BodyKind, Jurisdiction
from jurisdictions.rules import Rules
from jurisdictions.selectors import admin_jurisdictions

from . import history_import, pool, prizes, signals
from . import selectors as sel
from .models import Cycle
from .models import PoolMember, PoolRoute, SpendingReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(f"{label}不是有效日期（YYYY-MM-DD）。") from None


def _required_date(value, label):
    day = _date(value, label)
    if day is None:
        raise DomainError(f"请填写{label}。")
    return day


def _get(qs, **kw):
    obj = qs.filter(**kw).first()
    if obj is None:
        raise Http404
    return obj


@login_required
def index(request):
    user = request.user
    return render(request, "programme/index.html", {
        "office_awards": list(sel.awards_for_office(user)),
        "pool_count": sel.pool_members_visible(user).count(),
        **signals.contributions(signals.work_index_page, user=user),  # review: the cycles an agency serves today
        "admin_of": admin_jurisdictions(user),
        "money_count": sel.money_grants(user).count(),
        "cycles": list(sel.cycles_for_office(user)[:20]),
    })


# ---- 培育库 ------------------------------------------------------------------------------------------------------
def _county_choices(awards):
    roots = {a.jurisdiction_id for a in awards}
    ids = sel._descendant_ids(roots) if roots else set()
    return Jurisdiction.objects.filter(pk__in=ids).order_by("code")


@login_required
def pool_list(request):
    user = request.user
    awards = list(sel.awards_for_office(user))
    error = None
    if request.method == "POST":
        if not awards:
            raise Http404
        p = request.POST
        try:
            award = _get(sel.awards_for_office(user), pk=p.get("award") or 0)
            county = _get(_county_choices([award]), pk=p.get("county") or 0)
            body = Body.objects.filter(pk=p.get("recommended_by_body") or 0).first()
            member = pool.pool_member_add(
                award=award, actor=user, name=p.get("name", ""), credit_code=p.get("credit_code", ""), county=county,
                joined_on=_required_date(p.get("joined_on"), "入库日期"), route=p.get("route", ""), recommended_by_body=body,
                recommended_by_person=p.get("recommended_by_person", ""), notes=p.get("notes", ""))
            messages.success(request, f"{member.name}已纳入{award.name}培育库。")
            return redirect("programme-pool-detail", pk=member.pk)
        except DomainError as exc:
            error = exc.message
    members = list(sel.pool_members_visible(user))
    bodies = Body.objects.filter(jurisdiction__in=_county_choices(awards),
                                 kind__in=[BodyKind.MARKET_REGULATION, BodyKind.INDUSTRY_DEPARTMENT, BodyKind.GOVERNMENT]) if awards else []
    return render(request, "programme/pool_list.html", {
        "members": members, "awards": awards, "counties": _county_choices(awards) if awards else [], "routes": PoolRoute.choices,
        "bodies": bodies, "error": error, "post": request.POST if error else {}, "today": clock.today()})


@login_required
def pool_detail(request, pk):
    user = request.user
    try:
        member = sel.pool_member_for(user, pk)
    except PoolMember.DoesNotExist:
        raise Http404 from None
    manage = sel.may_manage_pool(user, member)
    error = None
    if request.method == "POST":
        if not manage:
            raise Http404
        try:
            pool.pool_member_update(member=member, actor=user, notes=request.POST.get("notes", member.notes),
                                         left_on=_date(request.POST.get("left_on"), "出库日期"))
            messages.success(request, "已保存。")
            return redirect("programme-pool-detail", pk=member.pk)
        except DomainError as exc:
            error = exc.message
    return render(request, "programme/pool_detail.html", {"member": member, "manage": manage, "error": error,
                                                           "trainings": member.trainings.order_by("-date")})


@login_required
def training_list(request):
    user = request.user
    awards = list(sel.awards_for_office(user))
    error = None
    if request.method == "POST":
        if not awards:
            raise Http404
        p = request.POST
        try:
            award = _get(sel.awards_for_office(user), pk=p.get("award") or 0)
            ids = [int(i) for i in p.getlist("attendees") if i.isdigit()]
            attendees = list(sel.pool_members_visible(user).filter(pk__in=ids))
            training = pool.training_record(award=award, actor=user, date=_required_date(p.get("date"), "培训日期"),
                                                 topic=p.get("topic", ""), trainer=p.get("trainer", ""), attendees=attendees)
            messages.success(request, f"已登记培训“{training.topic}”（免费，{len(attendees)} 家单位参加）。")
            return redirect("programme-trainings")
        except DomainError as exc:
            error = exc.message
    members = list(sel.pool_members_visible(user).filter(award__in=awards)) if awards else []
    return render(request, "programme/trainings.html", {"trainings": list(sel.trainings_visible(user)), "awards": awards,
                                                         "members": members, "error": error})


# ---- 历史记录导入 -------------------------------------------------------------------------------------------------
def _require_office_anywhere(user):
    if not sel.awards_for_office(user).exists():
        raise Http404


@login_required
def history_index(request):
    user = request.user
    _require_office_anywhere(user)
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError("请选择要上传的 Excel 文件。")
            batch = history_import.history_import_upload(actor=user, uploaded_file=upload)
            return redirect("programme-history-detail", pk=batch.pk)
        except DomainError as exc:
            error = exc.message
    return render(request, "programme/history_index.html", {"batches": list(sel.history_imports(user)[:20]), "error": error,
                                                             "columns": history_import.COLUMNS,
                                                             "awards": list(sel.awards_for_office(user))})


@login_required
def history_template(request):
    _require_office_anywhere(request.user)
    response = HttpResponse(history_import.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=\"award-history-template.xlsx\""
    return response


@login_required
def history_detail(request, pk):
    user = request.user
    batch = _get(sel.history_imports(user), pk=pk)
    error = None
    if request.method == "POST":
        try:
            created = history_import.history_import_commit(batch=batch, actor=user)
            messages.success(request, f"导入完成：新建申报主体 {created['applicants']} 个，获奖记录 {created['grants']} 条，"
                                      f"禁止申报记录 {created['bans']} 条。")
            return redirect("programme-history-detail", pk=batch.pk)
        except DomainError as exc:
            error = exc.message
    checks = [] if batch.committed_at else history_import.check_rows(batch.rows, user)
    return render(request, "programme/history_detail.html", {
        "batch": batch, "checks": checks, "bad": sum(1 for c in checks if not c.ok), "error": error,
        "columns": history_import.COLUMNS})


# ---- 鼓励申报 ----------------------------------------------------------------------------------------------------
@login_required
def cycle_applications(request, pk):
    try:
        cycle = sel.cycle_for_office(request.user, pk)
    except Cycle.DoesNotExist:
        raise Http404 from None
    kinds = Rules(cycle.ruleset.data).encouraged
    code = request.GET.get("encouraged") or None
    if code and code not in {k["code"] for k in kinds}:
        code = None
    apps = list(sel.applications_filtered(cycle, encouraged=code))
    labels = {k["code"]: k["label"] for k in kinds}
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "申报名单"
        ws.append(["申报编号", "申报主体", "所在县", "状态", "鼓励申报类型"])
        for a in apps:
            ws.append([a.reference, a.applicant.name, a.applicant.county.name, a.get_status_display(),
                       "、".join(labels.get(c, c) for c in a.encouraged)])
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename=\"applications-{cycle.pk}.xlsx\""
        return response
    rows = [(a, [labels.get(c, c) for c in a.encouraged]) for a in apps]
    return render(request, "programme/applications.html", {"cycle": cycle, "kinds": kinds, "code": code, "rows": rows})


# ---- 奖金 --------------------------------------------------------------------------------------------------------
@login_required
def money_list(request):
    grants = list(sel.money_grants(request.user))
    rows = [(g, sel.prize_paid(g), sel.recovery_outstanding(g)) for g in grants]
    return render(request, "programme/money_list.html", {"rows": rows})


@login_required
def money_detail(request, pk):
    user = request.user
    grant = _get(sel.grants_visible(user), pk=pk)
    office = sel.awards_for_office(user).filter(pk=grant.award_id).exists()
    uses, article = sel.spending_uses(grant)
    error = None
    if request.method == "POST":
        p = request.POST
        action = p.get("action")
        try:
            if action == "pay":
                prizes.prize_payment_record(grant=grant, actor=user, amount=p.get("amount", ""),
                                               paid_on=_required_date(p.get("paid_on"), "拨付日期"), document=p.get("document", ""))
                messages.success(request, "已登记奖金拨付。")
            elif action == "report":
                items = [{"use": u, "amount": a} for u, a in zip(p.getlist("use"), p.getlist("item_amount"))]
                year = int(p.get("year") or 0)
                prizes.spending_report_submit(grant=grant, actor=user, year=year, items=items, text=p.get("text", ""))
                messages.success(request, f"{year} 年度奖金使用报告已提交。")
            elif action == "review":
                report = _get(SpendingReport.objects.filter(grant=grant), pk=p.get("report") or 0)
                prizes.spending_report_review(report=report, actor=user, result=p.get("result", ""), note=p.get("note", ""))
                messages.success(request, "已审核。")
            elif action == "recover":
                prizes.recovery_payment_record(grant=grant, actor=user, amount=p.get("amount", ""),
                                                  paid_on=_required_date(p.get("paid_on"), "缴回日期"), note=p.get("note", ""))
                messages.success(request, "已登记缴回。")
            return redirect("programme-money-detail", pk=grant.pk)
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", "请检查填写的数字。")
    return render(request, "programme/money_detail.html", {
        "grant": grant, "office": office, "paid": sel.prize_paid(grant), "outstanding": sel.recovery_outstanding(grant),
        "payments": grant.prize_payments.all(), "reports": grant.spending_reports.all(), "recoveries": grant.recovery_payments.all(),
        "uses": uses, "article": article, "error": error, "item_rows": range(4), "this_year": clock.today().year,
        "member": grant.applicant.members.filter(user=user).exists()})


# ---- 新奖项的首届评选 -----------------------------------------------------------------------------------------------
@login_required
def onboard_award(request, slug):
    from . import services

    user = request.user
    award = _get(sel.awards_for_office(user), slug=slug)
    error = None
    if request.method == "POST":
        p = request.POST
        try:
            cycle = services.cycle_open(award=award, actor=user, year=int(p.get("year") or clock.today().year),
                                        filing_deadline=_required_date(p.get("filing_deadline"), "申报截止日期"),
                                        plan_approval_body=p.get("plan_approval_body", ""),
                                        plan_approval_document=p.get("plan_approval_document", ""),
                                        plan_approval_date=_date(p.get("plan_approval_date"), "批准日期"),
                                        override_reason=p.get("override_reason", ""))
            messages.success(request, f"已启动{cycle}，申报截止 {cycle.filing_deadline:%Y-%m-%d}。")
            return redirect("programme-onboard-award", slug=award.slug)
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", "年度应为数字。")
    ruleset = award.rulesets.order_by("-version").first()
    return render(request, "programme/onboard_award.html", {
        "award": award, "ruleset": ruleset, "rules": Rules(ruleset.data) if ruleset else None, "cycles": list(award.cycles.all()),
        "edit_url": f"/rules/{award.slug}/edit/", "error": error, "today": clock.today()})
