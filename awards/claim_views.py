"""Pages of a claim of a record no account holds (awards.claims): the registrant follows its request and uploads
its 营业执照; the award office lists the pending claims, compares the record with what the registrant says,
reads the evidence and approves or refuses. Reads through awards.selectors, writes through awards.claims."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core.errors import DomainError
from core.uploads import attachment_response

from . import claims, selectors
from .forms import ClaimDecisionForm, ClaimEvidenceForm, add_domain_error
from .models import ClaimRequest


@login_required
def claim_detail(request, pk):
    """The registrant's own claim: its state, the office's reason, and the evidence upload while pending."""
    claim = selectors.claim_for_claimant(request.user, pk)
    pending = claim.state == ClaimRequest.State.PENDING
    form = ClaimEvidenceForm(request.POST or None, request.FILES or None) if pending else None
    if request.method == "POST":
        if form is None:
            raise Http404("该认领申请已办结。")
        if form.is_valid():
            try:
                claims.claim_evidence_add(claim=claim, actor=request.user, uploaded_file=form.cleaned_data["file"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "证明材料已上传，请等待办公室审核。")
                return redirect("awards:claim", pk=claim.pk)
    return render(request, "awards/claim.html", {"claim": claim, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def office_claims(request):
    rows = list(selectors.claims_for_office(request.user)[:200])
    if not rows and not selectors.office_jurisdiction_ids(request.user):
        raise Http404("您没有办公室岗位。")
    pending = [c for c in rows if c.state == ClaimRequest.State.PENDING]
    decided = [c for c in rows if c.state != ClaimRequest.State.PENDING][:50]
    return render(request, "awards/office_claims.html", {"pending": pending, "decided": decided})


@login_required
def office_claim(request, pk):
    claim = selectors.claim_for_office(request.user, pk)
    form = ClaimDecisionForm(request.POST or None) if claim.state == ClaimRequest.State.PENDING else None
    if request.method == "POST":
        if form is None:
            raise Http404("该认领申请已办结。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    claims.claim_approve(claim=claim, actor=request.user, basis=data["basis"], note=data["text"])
                else:
                    claims.claim_refuse(claim=claim, actor=request.user, reason=data["text"])
            except DomainError as exc:
                add_domain_error(form, exc, {"note": "text", "reason": "text"})
            else:
                messages.success(request, "认领申请已核实通过。" if data["decision"] == "approve" else "已不予通过，申请人可看到理由。")
                return redirect("awards:office-claims")
    return render(request, "awards/office_claim.html", {"claim": claim, "form": form, **selectors.claim_record(claim)},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_safe
def office_claim_evidence(request, pk):
    claim = selectors.claim_for_office(request.user, pk)
    if not claim.evidence:
        raise Http404("申请人尚未上传证明材料。")
    return attachment_response(claim.evidence, claim.evidence_name or "evidence", claim.evidence_type, encrypted=True)
