"""What awards tells the apps above it, so that it never imports them (import-linter's layers contract).

Domain signals are sent by the domain function that owns the action, inside its transaction, with `send`
(not `send_robust`): a receiver's writes are part of the action, and a receiver that fails rolls the whole
action back. review and publicity connect their receivers in `receivers.py` from their AppConfig.ready().

Page signals let an app above contribute what it owns to one of awards' pages (the notices and reminders
publicity keeps, the review's ranking and votes). Each receiver returns a dict; `contributions()` merges
them. The page works, with less on it, when no receiver answers.
"""
from __future__ import annotations

from django.dispatch import Signal

# ---- domain signals (sent inside the owning transaction) ---------------------------------------------------
#: a cycle was opened: kwargs cycle, actor. publicity publishes the call for applications.
cycle_opened = Signal()
#: a cycle's review is closing: kwargs cycle, actor. review dissolves the panels and ends the assignments.
cycle_review_closing = Signal()
#: the commendation decision was taken: kwargs cycle, actor, grants, decision_document. publicity publishes it.
cycle_commended = Signal()
#: an award was revoked: kwargs grant, actor. publicity publishes the revocation notice.
grant_revoked = Signal()

#: an office is about to decide whether an application leaves its stage forward ("advance") or not
#: ("not_advance"): kwargs application, stage, action. A receiver that owns the stage's decision (review's
#: scores, the committee's vote) raises a DomainError when that decision is missing or says otherwise; the
#: action is then refused. Sent before anything is written.
leaving_stage = Signal()

# ---- page signals (reads; each receiver returns a dict of template context) -------------------------------
#: the workspace of a signed-in user: kwargs user.
workspace_page = Signal()
#: the applicant's status page of an application: kwargs application, rules.
applicant_status_page = Signal()
#: the /programme/ hub of a signed-in user: kwargs user. Contributes e.g. "agency_cycles" (the cycles a review
#: agency's staff serve today).
work_index_page = Signal()
#: the office's cycle page: kwargs cycle, today. Contributes e.g. "objections" (int) and "dates" (list of
#: {"day", "label", "kind"} merged into the cycle's calendar).
office_cycle_page = Signal()
#: the office's stage page: kwargs cycle, stage_code, applications (the stage's live applications).
#: Contributes e.g. "ranking" (applications best first with their totals) and "votes".
office_stage_page = Signal()


def contributions(signal: Signal, **kwargs) -> dict:
    """The merged dicts every receiver of a page signal returned (later keys of the same name are merged
    for lists, replaced otherwise)."""
    out: dict = {}
    for _receiver, answer in signal.send(sender=None, **kwargs):
        for key, value in (answer or {}).items():
            if isinstance(value, list) and isinstance(out.get(key), list):
                out[key] = out[key] + value
            else:
                out[key] = value
    return out
