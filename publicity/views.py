"""Public notice pages, objections, certificate verification, the winners registry; the office's objection
pages and exports. Views read through selectors, write through services and render."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from awards import permissions
from core import clock
from core.audit import log_action
from core.errors import DomainError, add_domain_error
from jurisdictions.models import Award

from . import pdf, selectors, services
from .models import NoticeKind
from .forms import (CorrectionForm, DecideForm, FindingsForm, NoticeFilterForm, ObjectionForm, ReasonForm, ReceiptLookupForm,
                    RuleCaseForm)
from .presenters import window_label, window_prefix

OBJECTION_RATE_LIMIT = 5  # filings per IP per hour on the public form
OBJECTION_RATE_WINDOW = 3600


def _ip(request) -> str:
    from core.context import request_ip

    return request_ip.get() or request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_key(ip: str) -> str:
    return f"publicity:objection-rate:{ip}"


# ---- notices ----------------------------------------------------------------------------------------------
def notice_list(request):
    awards = list(Award.objects.select_related("jurisdiction").order_by("jurisdiction__code", "slug"))
    form = NoticeFilterForm(request.GET or None, awards=awards)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.notices_public(**{k: v for k, v in filters.items() if v})
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [{"notice": n, "window": window_label(n), "prefix": window_prefix(n), "open": n.kind != NoticeKind.CORRECTION and services.notice_is_open(n, now)} for n in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "publicity/notice_list.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()})


def notice_detail(request, pk: int):
    notice = selectors.notice_public(pk)
    try:
        superseded_by = notice.superseded_by
    except Exception:  # RelatedObjectDoesNotExist: not superseded
        superseded_by = None
    owner = services.window_notice(notice)
    return render(request, "publicity/notice_detail.html", {
        "notice": notice, "names": selectors.listed_names(notice), "window": window_label(notice), "prefix": window_prefix(notice),
        "is_open": services.notice_is_open(notice) and superseded_by is None, "superseded_by": superseded_by, "owner": owner,
        "objection_article": services._objection_articles(services._rules(owner)),
        "can_correct": superseded_by is None and permissions.office_of(request.user, notice.award), "correction_form": CorrectionForm()})


@login_required
@require_http_methods(["POST"])
def notice_correct(request, pk: int):
    notice = selectors.notice_public(pk)
    if not permissions.office_of(request.user, notice.award):
        raise Http404
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写更正公告的标题和内容。")
        return redirect("publicity:notice-detail", pk=notice.pk)
    try:
        new = services.notice_correct(notice=notice, actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("publicity:notice-detail", pk=notice.pk)
    messages.success(request, "更正公告已发布，原公告已标注“已被更正”。")
    return redirect("publicity:notice-detail", pk=new.pk)


def notice_pdf(request, pk: int):
    notice = selectors.notice_public(pk)
    data = pdf.notice_pdf(notice, selectors.listed_names(notice))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


# ---- objections (public) -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def objection_new(request):
    notice = selectors.notice_public(request.GET.get("notice") or request.POST.get("notice") or 0)
    owner = services.window_notice(notice)
    is_open = services.notice_is_open(notice)
    form = ObjectionForm(request.POST or None, request.FILES or None, notice=notice)
    error = ""
    if not is_open:
        error = (f"公示期已于{owner.last_day.year}年{owner.last_day.month}月{owner.last_day.day}日结束，公示期满后提出的异议不予受理。"
                 if owner.last_day else "该公告没有公示期，不受理异议。")
    if request.method == "POST" and form.is_valid():
        key = rate_key(_ip(request))
        if form.cleaned_data.get("website"):
            error = "提交未成功，请稍后重试。"  # honeypot filled: a bot
        elif (cache.get(key) or 0) >= OBJECTION_RATE_LIMIT:
            error = "提交过于频繁：同一网络每小时最多提交 5 份异议，请稍后再试，或直接与公告所列联系方式联系。"
        else:
            cd = form.cleaned_data
            application = notice.applications.filter(pk=cd["application"]).first()
            try:
                if application is None:
                    raise DomainError("所选异议对象不在本公示名单中。", field="application")
                objection = services.objection_file(
                    notice=notice, application=application, objector_kind=cd["objector_kind"], name=cd["name"], phone=cd["phone"],
                    address=cd["address"], id_number=cd["id_number"], facts=cd["facts"], identity_proof=cd["identity_proof"],
                    evidence=cd.get("evidence"))
            except DomainError as exc:
                if exc.field and exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
            else:
                if not cache.add(key, 1, OBJECTION_RATE_WINDOW):
                    cache.incr(key)
                return render(request, "publicity/objection_receipt.html", {"objection": objection, "notice": owner})
    status = 400 if request.method == "POST" else 200
    return render(request, "publicity/objection_new.html", {"form": form, "notice": notice, "owner": owner, "is_open": is_open,
                                                            "error": error, "window": window_label(owner)}, status=status)


def objection_status(request):
    form = ReceiptLookupForm(request.GET or None)
    objection, searched = None, False
    if form.is_valid():
        searched = True
        objection = selectors.objection_by_receipt(form.cleaned_data["receipt_no"])
    return render(request, "publicity/objection_status.html", {"form": form, "objection": objection, "searched": searched},
                  status=404 if searched and objection is None else 200)


# ---- objections (office) -----------------------------------------------------------------------------------
@login_required
def office_objection_list(request):
    today = clock.today()
    rows = [{"o": o, "overdue": o.is_open and o.review_due < today} for o in selectors.objections_for_office(request.user)]
    return render(request, "publicity/office_objection_list.html", {"rows": rows, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def office_objection_detail(request, pk: int):
    objection = selectors.objection_for_office(request.user, pk)
    forms = {"accept": ReasonForm(prefix="accept"), "refuse": ReasonForm(prefix="refuse"),
             "findings": FindingsForm(prefix="findings", initial={"findings": objection.findings}), "decide": DecideForm(prefix="decide")}
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "accept":
                services.objection_accept(objection=objection, actor=request.user, reason=request.POST.get("accept-reason", ""))
                messages.success(request, "已受理该异议。")
            elif op == "refuse":
                services.objection_refuse(objection=objection, actor=request.user, reason=request.POST.get("refuse-reason", ""))
                messages.success(request, "已作不予受理处理。")
            elif op == "findings":
                services.objection_record_findings(objection=objection, actor=request.user, findings=request.POST.get("findings-findings", ""))
                messages.success(request, "已记录调查核实情况。")
            elif op == "decide":
                form = DecideForm(request.POST, prefix="decide")
                if not form.is_valid():
                    raise DomainError("请选择结论并填写处理结论。")
                cd = form.cleaned_data
                services.objection_decide(objection=objection, actor=request.user, upheld=cd["upheld"], text=cd["text"], fraud=cd["fraud"])
                messages.success(request, "已作出处理结论。")
            else:
                raise DomainError("未知操作。")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("publicity:office-objection", pk=objection.pk)
    return render(request, "publicity/office_objection_detail.html", {"o": objection, "forms": forms, "today": clock.today()})


@login_required
def office_objection_file(request, pk: int, which: str):
    objection = selectors.objection_for_office(request.user, pk)
    f = {"identity": objection.identity_proof, "evidence": objection.evidence}.get(which)
    if not f:
        raise Http404
    log_action("objection.download", actor=request.user, obj=objection, role="office",
               jurisdiction_code=objection.notice.award.jurisdiction.code, data={"file": which})
    from django.http import FileResponse

    return FileResponse(f.open("rb"), as_attachment=True, filename=f.name.rsplit("/", 1)[-1])


@login_required
def objection_letter(request, pk: int, to: str):
    """The written result (第二十六条) for the objector or for the objected-to, rendered on demand."""
    objection = selectors.objection_for_office(request.user, pk)
    if to not in ("objector", "applicant") or objection.state not in ("upheld", "dismissed", "refused"):
        raise Http404
    log_action("objection.letter", actor=request.user, obj=objection, role="office",
               jurisdiction_code=objection.notice.award.jurisdiction.code, data={"to": to})
    response = HttpResponse(pdf.objection_letter_pdf(objection, to=to), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="objection-{objection.receipt_no}-{to}.pdf"'
    return response


# ---- certificates, verification, winners -------------------------------------------------------------------
def verify(request, serial: str):
    grant = selectors.grant_by_serial(serial)
    if grant is None:
        return render(request, "publicity/verify.html", {"grant": None, "serial": serial}, status=404)
    today = clock.today()
    expired = bool(grant.valid_until and grant.valid_until < today)
    return render(request, "publicity/verify.html", {"grant": grant, "serial": serial, "expired": expired})


def winners(request):
    sections = [{"award": award, "grants": award.public_grants, "usage": award.usage_rules or []}
                for award in selectors.awards_with_winners()]
    return render(request, "publicity/winners.html", {"sections": sections, "today": clock.today()})


@login_required
def certificate_download(request, serial: str):
    from .certificates import certificate_pdf

    grant = selectors.grant_by_serial(serial)
    if grant is None or not (permissions.is_applicant_member(request.user, grant.applicant) or permissions.office_of(request.user, grant.award)):
        raise Http404("证书不存在。")
    variant = "plaque" if request.GET.get("variant") == "plaque" else "certificate"
    data = certificate_pdf(grant, variant=variant, base_url=request.build_absolute_uri("/"))
    log_action("certificate.download", actor=request.user, obj=grant, role="office" if permissions.office_of(request.user, grant.award) else "applicant",
               jurisdiction_code=grant.award.jurisdiction.code, data={"variant": variant})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{serial}.pdf"'
    return response


# ---- exports ----------------------------------------------------------------------------------------------
@login_required
def export_xlsx(request, pk: int, what: str):
    from .exports import applications_workbook, winners_workbook

    cycle = selectors.cycle_for_office(request.user, pk)
    data = applications_workbook(cycle) if what == "applications" else winners_workbook(cycle)
    log_action("export", actor=request.user, obj=cycle, role="office", jurisdiction_code=cycle.award.jurisdiction.code,
               data={"what": what, "format": "xlsx"})
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cycle-{cycle.pk}-{what}.xlsx"'
    return response


# ---- rule cases (规则用例) ----------------------------------------------------------------------------------
# Public to read, like the rules page they sit beside: a case is a fictional dated history showing what an
# article means, and the contract has supervisors read them as proof. Adding and running them is the award
# office's (another jurisdiction's office, or anyone else: 404).
def _rule_case_award(slug: str) -> Award:
    return get_object_or_404(Award.objects.select_related("jurisdiction"), slug=slug)


def _office_award(request, slug: str) -> Award:
    award = _rule_case_award(slug)
    if not permissions.office_of(request.user, award):
        raise Http404
    return award


def _rule_cases_page(request, award: Award, form=None, status: int = 200):
    from jurisdictions.selectors import ruleset_current

    from .rulecases import library

    ruleset = ruleset_current(award)
    done, waiting = library.latest_runs(award, ruleset)
    results = {r["key"]: r for r in (done.results if done is not None else [])}
    rows = []
    for entry in library.award_cases(award):
        result = results.get(entry.key)
        rows.append({"entry": entry, "source": library.SOURCE_LABELS[entry.source],
                     "state": ("unreadable" if entry.case is None else "not_run" if result is None
                               else "passed" if result["passed"] else "failed"),
                     "failure": (f"用例无法读取：{entry.problem}" if entry.case is None else (result or {}).get("failure", "")),
                     "body": json.dumps(entry.record.body, ensure_ascii=False, indent=2) if entry.record else ""})
    is_office = permissions.office_of(request.user, award)
    if is_office and form is None:
        form = RuleCaseForm()
    return render(request, "publicity/rule_cases.html", {
        "award": award, "ruleset": ruleset, "rows": rows, "run": done, "waiting": waiting, "is_office": is_office,
        "form": form if is_office else None, "passed": sum(r["state"] == "passed" for r in rows),
        "failed": sum(r["state"] in ("failed", "unreadable") for r in rows),
    }, status=status)


def rule_cases(request, slug: str):
    return _rule_cases_page(request, _rule_case_award(slug))


@login_required
@require_http_methods(["POST"])
def rule_case_add(request, slug: str):
    from .rulecases import library

    award = _office_award(request, slug)
    form = RuleCaseForm(request.POST)
    if form.is_valid():
        try:
            record = library.rule_case_add(award=award, actor=request.user, text=form.cleaned_data["body"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已添加用例“{record.name}”，正在对现行版本重新运行全部用例，稍后刷新本页查看结果。")
            return redirect("publicity:rule-cases", slug=award.slug)
    return _rule_cases_page(request, award, form=form, status=400)


@login_required
@require_http_methods(["POST"])
def rule_case_rerun(request, slug: str):
    from .rulecases import library

    award = _office_award(request, slug)
    try:
        library.rule_case_run_request(award=award, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已开始重新运行全部规则用例（每个用例约需一秒），稍后刷新本页查看结果。")
    return redirect("publicity:rule-cases", slug=award.slug)
