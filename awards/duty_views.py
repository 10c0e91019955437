"""Pages of the duties after an award: the annual performance reports the winners send to the award's office and
to the market-regulation body the regulation names (内蒙古 第三十二条 盟市, 兴安盟 第三十条 旗县市, 瀍河 第二十四条 秘书处),
with the years still missing; and the tracking of winners by the body the regulation charges with it (内蒙古 第三十三条,
兴安盟 第三十一条, 塔城 第三十条, 二连浩特 第三十三条), whose notes the office reads. Everything is scoped by
awards.selectors.duty_rows: a winner outside the user's duties is a 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.errors import DomainError

from . import selectors, services
from .forms import TrackingNoteForm, add_domain_error


@login_required
@require_safe
def reports_list(request):
    rows = selectors.duty_rows(request.user, "reports")
    only_missing = request.GET.get("missing") == "1"
    shown = [r for r in rows if r.missing] if only_missing else rows
    return render(request, "awards/duty_reports.html", {"rows": shown, "total": len(rows), "only_missing": only_missing,
                                                        "missing_count": sum(len(r.missing) for r in rows)})


@login_required
@require_safe
def report_detail(request, pk, year):
    row = selectors.duty_row(request.user, "reports", pk)
    entry = next((y for y in row.years if y["year"] == year and y["report"] is not None), None)
    if entry is None:
        raise Http404("该年度绩效报告不存在。")
    return render(request, "awards/duty_report.html", {"row": row, "report": entry["report"]})


@login_required
@require_safe
def tracking_list(request):
    return render(request, "awards/duty_tracking.html", {"rows": selectors.duty_rows(request.user, "tracking")})


@login_required
def tracking_detail(request, pk):
    row = selectors.duty_row(request.user, "tracking", pk)
    form = TrackingNoteForm(request.POST or None) if row.bodies else None
    if request.method == "POST":
        if form is None:
            raise Http404("获奖记录不存在。")
        if form.is_valid():
            try:
                services.tracking_note_add(grant=row.grant, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "跟踪记录已保存。")
                return redirect("programme-tracking-detail", pk=row.grant.pk)
    return render(request, "awards/duty_tracking_detail.html", {"row": row, "form": form,
                                                               "notes": list(row.grant.tracking_notes.select_related("body", "author"))})
