"""Pages of an applicant's record outside any cycle: the cultivation pool (培育库) and its trainings, and the
import of award history from before the platform. Views read through awards.selectors and write through
awards.pool / awards.history_import; every choice a form offers is scoped to the user, anything outside the
user's scope is a 404."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core import clock
from core.errors import DomainError

from . import history_import, pool, selectors
from .forms import HistoryUploadForm, PoolMemberForm, PoolMemberUpdateForm, TrainingForm, add_domain_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _posted(request):
    return request.POST if request.method == "POST" else None


def _write(form, write, **kwargs):
    """For a posted, valid form: `write(**kwargs, **form.cleaned_data)`, its domain error beside the field it
    names. The write's result, or None when there was nothing to write or it was refused."""
    if not (form.is_bound and form.is_valid()):
        return None
    try:
        return write(**kwargs, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


# ---- 培育库 ------------------------------------------------------------------------------------------------------
@login_required
def pool_list(request):
    """Everyone sees the members their role allows (selectors.pool_members_visible); the office adds members."""
    user = request.user
    awards = selectors.awards_for_office(user)
    office = awards.exists()
    if request.method == "POST" and not office:
        raise Http404
    form = None
    if office:
        form = PoolMemberForm(_posted(request), awards=awards, counties=selectors.pool_counties(awards),
                              recommenders=selectors.pool_recommenders(awards), initial={"joined_on": clock.today()})
        member = _write(form, pool.pool_member_add, actor=user)
        if member is not None:
            messages.success(request, f"{member.name}已纳入{member.award.name}培育库。")
            return redirect("programme-pool-detail", pk=member.pk)
    return render(request, "awards/pool_list.html", {"members": list(selectors.pool_members_visible(user)), "form": form},
                  status=400 if form is not None and form.is_bound else 200)


@login_required
def pool_detail(request, pk):
    user = request.user
    member = selectors.pool_member_for(user, pk)
    manage = selectors.may_manage_pool(user, member)
    if request.method == "POST" and not manage:
        raise Http404
    form = None
    if manage:
        form = PoolMemberUpdateForm(_posted(request), initial={"notes": member.notes, "left_on": member.left_on})
        if _write(form, pool.pool_member_update, member=member, actor=user) is not None:
            messages.success(request, "已保存。")
            return redirect("programme-pool-detail", pk=member.pk)
    return render(request, "awards/pool_detail.html", {"member": member, "manage": manage, "form": form,
                                                       "trainings": member.trainings.order_by("-date")},
                  status=400 if form is not None and form.is_bound else 200)


@login_required
def training_list(request):
    user = request.user
    awards = selectors.awards_for_office(user)
    office = awards.exists()
    if request.method == "POST" and not office:
        raise Http404
    form = None
    if office:
        form = TrainingForm(_posted(request), awards=awards,
                            members=selectors.pool_members_visible(user).filter(award__in=awards))
        training = _write(form, pool.training_record, actor=user)
        if training is not None:
            messages.success(request, f"已登记培训“{training.topic}”（免费，{len(form.cleaned_data['attendees'])} 家单位参加）。")
            return redirect("programme-trainings")
    return render(request, "awards/trainings.html", {"trainings": list(selectors.trainings_visible(user)), "form": form},
                  status=400 if form is not None and form.is_bound else 200)


# ---- 历史记录导入 -------------------------------------------------------------------------------------------------
def _office_awards_or_404(user):
    awards = list(selectors.awards_for_office(user))
    if not awards:
        raise Http404
    return awards


@login_required
def history_index(request):
    user = request.user
    awards = _office_awards_or_404(user)
    form = HistoryUploadForm(_posted(request), request.FILES if request.method == "POST" else None)
    batch = _write(form, lambda *, actor, file: history_import.history_import_upload(actor=actor, uploaded_file=file), actor=user)
    if batch is not None:
        return redirect("programme-history-detail", pk=batch.pk)
    return render(request, "awards/history_index.html", {
        "batches": list(selectors.history_imports(user)[:20]), "form": form, "columns": history_import.COLUMNS, "awards": awards,
    }, status=400 if form.is_bound else 200)


@login_required
def history_template(request):
    _office_awards_or_404(request.user)
    response = HttpResponse(history_import.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=\"award-history-template.xlsx\""
    return response


@login_required
def history_detail(request, pk):
    """The dry run of one upload; posting it (nothing but the button) commits every row or none."""
    user = request.user
    batch = get_object_or_404(selectors.history_imports(user), pk=pk)
    error = None
    if request.method == "POST":
        try:
            created = history_import.history_import_commit(batch=batch, actor=user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"导入完成：新建申报主体 {created['applicants']} 个，获奖记录 {created['grants']} 条，"
                                      f"禁止申报记录 {created['bans']} 条。")
            return redirect("programme-history-detail", pk=batch.pk)
    checks = [] if batch.committed_at else history_import.check_rows(batch.rows, user)
    return render(request, "awards/history_detail.html", {
        "batch": batch, "checks": checks, "bad": sum(1 for c in checks if not c.ok), "error": error,
        "columns": history_import.COLUMNS}, status=400 if error else 200)
