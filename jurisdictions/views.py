"""Public ruleset pages, the office's ruleset editor, the working-day calendar administration and onboarding
a new award. Views only read through selectors, write through services (onboarding: jurisdictions.onboarding)
and render presenters."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import clock
from core.errors import DomainError, add_domain_error

from . import onboarding, selectors, services
from .calendar import UNIT_LABELS, compute_window, known_years, library_years
from .forms import AdminGrantForm, CalendarOverrideForm, CalendarYearForm, OnboardForm, RulesetEditForm, WindowCalculatorForm
from .models import Award, Body, Jurisdiction
from .presenters import present_ruleset, ruleset_diff
from .rule_checks import RulesetBreaksCases


def _award(slug: str) -> Award:
    return get_object_or_404(selectors.awards_public(), slug=slug)


def rules_index(request):
    rows = []
    today = clock.today()
    for award in selectors.awards_public():
        current = selectors.ruleset_current(award)
        in_force = selectors.ruleset_in_force(award, today)
        status = selectors.ruleset_status(current, in_force, today) if current else ("none", "尚无规则")
        rows.append({"award": award, "ruleset": current, "status": status})
    return render(request, "jurisdictions/rules_index.html", {"rows": rows})


def _ruleset_page(request, award: Award, ruleset, *, pinned: bool):
    versions = selectors.ruleset_versions(award)
    in_force = selectors.ruleset_in_force(award)
    status = selectors.ruleset_status(ruleset, in_force)
    version_rows = [{"ruleset": r, "status": selectors.ruleset_status(r, in_force)} for r in versions]
    can_edit = request.user.is_authenticated and selectors.is_award_office(request.user, award)
    return render(request, "jurisdictions/ruleset_detail.html", {
        "award": award, "ruleset": ruleset, "status": status, "sections": present_ruleset(ruleset.data),
        "versions": version_rows, "pinned": pinned, "can_edit": can_edit,
        "diff_a": versions[1].version if len(versions) > 1 else ruleset.version,
        "diff_b": versions[0].version if versions else ruleset.version,
    })


def ruleset_detail(request, slug):
    award = _award(slug)
    ruleset = selectors.ruleset_current(award)
    if ruleset is None:
        raise Http404("该奖项尚无规则。")
    return _ruleset_page(request, award, ruleset, pinned=False)


def ruleset_version(request, slug, version):
    award = _award(slug)
    ruleset = get_object_or_404(award.rulesets, version=version)
    return _ruleset_page(request, award, ruleset, pinned=True)


def ruleset_diff_view(request, slug):
    award = _award(slug)
    versions = selectors.ruleset_versions(award)
    if not versions:
        raise Http404("该奖项尚无规则。")
    by_number = {r.version: r for r in versions}
    default_b = versions[0].version
    default_a = versions[1].version if len(versions) > 1 else default_b
    try:
        a = int(request.GET.get("a", default_a))
        b = int(request.GET.get("b", default_b))
    except ValueError:
        raise Http404("版本号无效。") from None
    if a not in by_number or b not in by_number:
        raise Http404("没有该版本。")
    old, new = by_number[a], by_number[b]
    return render(request, "jurisdictions/ruleset_diff.html", {
        "award": award, "old": old, "new": new, "changes": ruleset_diff(old.data, new.data), "versions": versions,
    })


@login_required
def ruleset_edit(request, slug):
    # Another jurisdiction's award (or no office role at all) answers 404: tenancy fails closed.
    award = get_object_or_404(selectors.awards_editable(request.user), slug=slug)
    latest = award.rulesets.order_by("-version").first()
    if latest is None:
        raise Http404("该奖项尚无规则。")
    data, conflict, broken = None, False, []
    if request.method == "POST":
        data = request.POST.copy()
        conflict = data.get("base_version") != str(latest.version)
        data["base_version"] = str(latest.version)  # the next save compares against the version shown now
    form = RulesetEditForm(data, base_data=latest.data, base_version=latest.version)
    if request.method == "POST" and form.is_valid():
        if conflict:
            form.add_error(None, f"在您编辑期间规则已更新为第{latest.version}版。请核对下方内容后再次保存。")
        else:
            try:
                ruleset = services.ruleset_save_new_version(award=award, data=form.new_data,
                                                            note=form.cleaned_data["note"].strip(), actor=request.user,
                                                            save_reason=form.cleaned_data["save_reason"])
            except RulesetBreaksCases as exc:
                broken = exc.broken
                form.add_error("save_reason", exc.message)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                saved = f"已保存为第{ruleset.version}版。已开始的评选周期继续沿用其开始时的版本。"
                if ruleset.broken_cases:
                    saved += f"该版本使 {len(ruleset.broken_cases)} 个规则用例不通过，已记录保存理由。"
                messages.success(request, saved)
                return redirect("ruleset-version", slug=award.slug, version=ruleset.version)
    in_force = selectors.ruleset_in_force(award)
    return render(request, "jurisdictions/ruleset_edit.html", {
        "award": award, "latest": latest, "form": form, "in_force": in_force,
        "latest_status": selectors.ruleset_status(latest, in_force), "broken": broken,
    })


def year_ranges(years: list[int]) -> str:
    """[2004, ..., 2026, 2028] -> 2004—2026年、2028年"""
    out, run = [], []
    for year in sorted(years):
        if run and year != run[-1] + 1:
            out.append(run)
            run = []
        run.append(year)
    if run:
        out.append(run)
    return "、".join(f"{r[0]}—{r[-1]}年" if len(r) > 1 else f"{r[0]}年" for r in out)


def calendar_admin(request):
    """Known years and overrides (public); forms to enter a notice (office staff); a window calculator (public)."""
    is_office = request.user.is_authenticated and selectors.is_office_anywhere(request.user)
    override_form = CalendarOverrideForm(prefix="ov")
    year_form = CalendarYearForm(prefix="yr")
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_office:
            raise PermissionDenied("只有质量奖办公室工作人员可以录入工作日历。")
        action = request.POST.get("action")
        if action == "override":
            override_form = CalendarOverrideForm(request.POST, prefix="ov")
            if override_form.is_valid():
                data = override_form.cleaned_data
                try:
                    obj = services.calendar_override_set(day=data["day"], is_working=data["is_working"], name=data["name"],
                                                         source=data["source"], actor=request.user)
                except DomainError as exc:
                    override_form.add_error(exc.field if exc.field in override_form.fields else None, exc.message)
                else:
                    kind = "工作日" if obj.is_working else "休息日"
                    messages.success(request, f"已录入：{obj.day.year}年{obj.day.month}月{obj.day.day}日为{kind}。")
                    return redirect(reverse("calendar-admin"))
        elif action == "declare":
            year_form = CalendarYearForm(request.POST, prefix="yr")
            if year_form.is_valid():
                data = year_form.cleaned_data
                try:
                    services.calendar_year_declare(year=data["year"], source=data["source"], actor=request.user)
                except DomainError as exc:
                    year_form.add_error(exc.field if exc.field in year_form.fields else None, exc.message)
                else:
                    messages.success(request, f"已确认 {data['year']} 年的节假日安排录入完毕，该年度可以计算工作日。")
                    return redirect(reverse("calendar-admin"))
        else:
            messages.error(request, "未知的操作。")
    calculator = WindowCalculatorForm(request.GET if "start" in request.GET else None)
    window, window_error = None, None
    if calculator.is_bound and calculator.is_valid():
        data = calculator.cleaned_data
        try:
            window = compute_window(data["start"], data["length"], data["unit"])
        except DomainError as exc:
            window_error = exc.message
    library = library_years()
    declared = list(selectors.calendar_declared_years())
    return render(request, "jurisdictions/calendar_admin.html", {
        "is_office": is_office, "override_form": override_form, "year_form": year_form,
        "calculator": calculator, "window": window, "window_error": window_error,
        "unit_label": UNIT_LABELS.get(calculator.cleaned_data.get("unit")) if window else "",
        "library_range": (min(library), max(library)) if library else None,
        "declared": declared, "known": year_ranges(known_years()),
        "overrides": list(selectors.calendar_overrides().select_related("created_by")),
    })


def home(request):
    """The public home page: every award with its current cycle."""
    return render(request, "core/home.html", {"awards": selectors.awards_public()})


# ---- onboarding a new award (under /programme/, where these pages have always been) --------------------------
@login_required
def onboard(request):
    """A jurisdiction administrator sets up an award from a template's ruleset; then opens its first cycle on
    the award's own page (awards). Anyone who administers no jurisdiction: 404."""
    parents = selectors.admin_jurisdictions(request.user)
    if not parents:
        raise Http404
    form = OnboardForm(request.POST if request.method == "POST" else None, parents=Jurisdiction.objects.filter(pk__in=[j.pk for j in parents]).order_by("code"),
                       templates=selectors.onboarding_templates(), initial={"effective_from": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            award = onboarding.award_onboard(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已设立{award.name}，规则第1版已生效。")
            return redirect("programme-onboard-award", slug=award.slug)
    return render(request, "jurisdictions/onboard.html", {
        "form": form, "parents": parents, "basis": selectors.onboarding_basis(parents),
        "children": Jurisdiction.objects.filter(parent__in=parents).order_by("code"),
    }, status=400 if form.is_bound else 200)


@login_required
def admin_grant(request):
    """A platform superuser makes someone a jurisdiction administrator; anyone else: 404."""
    if not request.user.is_superuser:
        raise Http404
    form = AdminGrantForm(request.POST if request.method == "POST" else None, bodies=Body.objects.select_related("jurisdiction").order_by("jurisdiction__code", "name"))
    if request.method == "POST" and form.is_valid():
        target, body = form.cleaned_data["username"], form.cleaned_data["body"]
        try:
            onboarding.jurisdiction_admin_grant(actor=request.user, user=target, body=body)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"{target.get_username()} 已成为{body.jurisdiction.name}辖区管理员。")
            return redirect("programme-index")
    return render(request, "jurisdictions/admin_grant.html", {"form": form}, status=400 if form.is_bound else 200)
