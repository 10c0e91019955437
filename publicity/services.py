"""Writes for the public side of publicity: correcting notices, objections (异议) and their decisions.

Objections follow one procedure for every award, drawn from the regulations that spell it out (塔城
第二十三条至第二十六条 most fully): written, signed by a real name or an organisation's seal, reviewed within the
ruleset's objection deadline from receipt, investigated and answered in writing. Messages cite the award's own
articles from its ruleset's `objections` section, and nothing where its regulation has none.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction

from awards import bans, permissions
from awards.models import Application, Status
from awards.pipeline import move
from core import clock
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.calendar import deadline_after
from jurisdictions.rules import Rules, cite

from .models import Notice, NoticeKind, Objection

OBJECTION_CONTENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _rules(notice: Notice) -> Rules | None:
    return Rules(notice.cycle.ruleset.data) if notice.cycle_id else None


def _objection_articles(rules: Rules | None) -> dict:
    """The award's own articles on objections ("" where its regulation has none: nothing is cited)."""
    data = rules.objections if rules else {}
    return {"requirements": data.get("requirements_article") or "", "result": data.get("result_article") or ""}


def window_notice(notice: Notice) -> Notice:
    """The notice that owns the window: a correction points back to the notice it corrects."""
    while notice.kind == NoticeKind.CORRECTION and notice.supersedes_id:
        notice = notice.supersedes
    return notice


def notice_is_open(notice: Notice, now: dt.datetime | None = None) -> bool:
    owner = window_notice(notice)
    now = now or clock.now()
    return owner.state == Notice.State.OPEN and owner.closes_at is not None and now < owner.closes_at


# ---- notices ----------------------------------------------------------------------------------------------
@transaction.atomic
def notice_correct(*, notice: Notice, actor, title: str, body: str) -> Notice:
    """A published notice is never edited: a correction is a new notice that supersedes it and says so."""
    if not permissions.office_of(actor, notice.award):
        raise NotPermitted("只有本奖项的办公室可以发布更正公告。")
    if not title.strip() or not body.strip():
        raise DomainError("请填写更正公告的标题和正文。", field="title")
    old = Notice.objects.select_for_update().get(pk=notice.pk)
    if Notice.objects.filter(supersedes=old).exists():
        raise DomainError("该公告已被更正，请在最新的更正公告上再行更正。", code="already_superseded")
    owner = window_notice(old)
    day = old.published_at.astimezone(clock.SHANGHAI).date()
    intro = f"本公告更正{day.year}年{day.month}月{day.day}日发布的《{old.title}》，原公告作废。"
    new = Notice.objects.create(
        award=old.award, cycle=old.cycle, kind=NoticeKind.CORRECTION, stage=old.stage, title=title.strip(),
        body=f"{intro}\n{body.strip()}", issuer=old.issuer, contact=old.contact, published_at=clock.now(), published_by=actor,
        role="office", opened_on=owner.opened_on, first_day=owner.first_day, last_day=owner.last_day, closes_at=None,
        length=owner.length, unit=owner.unit, article=owner.article, state=Notice.State.PERMANENT, supersedes=old)
    new.applications.set(old.applications.all())
    log_action("notice.correct", actor=actor, obj=new, role="office", jurisdiction_code=old.award.jurisdiction.code,
               data={"supersedes": old.pk, "title": new.title})
    return new


# ---- objections: filing -----------------------------------------------------------------------------------
def _new_receipt_no(today: dt.date) -> str:
    while True:
        candidate = f"YY{today:%Y%m%d}{secrets.token_hex(3).upper()}"
        if not Objection.objects.filter(receipt_no=candidate).exists():
            return candidate


def _check_upload(f, field: str, *, required: bool):
    if not f:
        if required:
            raise DomainError("请上传身份证明（个人）或加盖公章的扫描件（单位）。异议须署真实姓名或加盖公章，匿名异议不予受理。"
                              if field == "identity_proof" else "请上传证明材料。", field=field)
        return
    from core.uploads import validate_upload  # extension and magic-byte allow-list (security work)

    try:
        content_type = validate_upload(f, max_bytes=getattr(settings, "UPLOAD_MAX_FILE_BYTES", 20 * 1024 * 1024))
    except DomainError as exc:
        exc.field = field  # shown beside the upload on the form
        raise
    if content_type not in OBJECTION_CONTENT_TYPES:
        raise DomainError("只接受 PDF、JPG 或 PNG 文件。", field=field)


@transaction.atomic
def objection_file(*, notice: Notice, application: Application, objector_kind: str, name: str, phone: str, address: str,
                   facts: str, identity_proof, evidence=None, id_number: str = "") -> Objection:
    owner = window_notice(notice)
    rules = _rules(owner)
    articles = _objection_articles(rules)
    if owner.closes_at is None:
        raise DomainError("该公告没有公示期，不受理异议。", code="no_window")
    if not notice_is_open(owner):
        raise DomainError(f"公示期已于{owner.last_day.year}年{owner.last_day.month}月{owner.last_day.day}日结束，"
                          + cite("公示期满后提出的异议不予受理", articles["requirements"]), code="window_closed",
                          article=articles["requirements"] or None)
    if objector_kind not in ("individual", "organization"):
        raise DomainError("请选择以个人或单位名义提出异议。", field="objector_kind")
    for value, field, label in ((name, "name", "姓名" if objector_kind == "individual" else "单位名称"), (phone, "phone", "联系电话"),
                                (address, "address", "通讯地址"), (facts, "facts", "异议事实与理由")):
        if not (value or "").strip():
            raise DomainError(f"请填写{label}。" + cite("异议须署真实姓名或加盖公章，匿名异议不予受理", articles["requirements"]),
                              field=field, article=articles["requirements"] or None)
    if not owner.applications.filter(pk=application.pk).exists():
        raise DomainError("所选异议对象不在本公示名单中。", field="application")
    _check_upload(identity_proof, "identity_proof", required=True)
    _check_upload(evidence, "evidence", required=False)
    now = clock.now()
    today = clock.today()
    deadline = rules.objection_deadline if rules else None
    review_due = deadline_after(today, deadline.length, deadline.unit) if deadline else deadline_after(today, 5, "working_days")
    objection = Objection.objects.create(
        notice=owner, application=application, receipt_no=_new_receipt_no(today), objector_kind=objector_kind,
        objector_name=name.strip(), objector_phone=phone.strip(), objector_address=address.strip(),
        objector_id_number=(id_number or "").strip(), identity_proof=identity_proof, facts=facts.strip(),
        evidence=evidence or "", received_at=now, review_due=review_due)
    # The audit entry names the notice and the listed applicant, never the objector's personal data.
    log_action("objection.file", obj=objection, role="public", jurisdiction_code=owner.award.jurisdiction.code,
               actor_label="public", data={"notice": owner.pk, "application": application.pk, "receipt_no": objection.receipt_no,
                                           "review_due": review_due.isoformat(), "kind": objector_kind})
    return objection


# ---- objections: the office's handling ----------------------------------------------------------------------
def _lock_for_office(objection: Objection, actor) -> Objection:
    obj = Objection.objects.select_for_update(of=("self",)).select_related("notice__award__jurisdiction", "notice__cycle__ruleset",
                                                                          "application").get(pk=objection.pk)
    if not permissions.office_of(actor, obj.notice.award):
        raise NotPermitted("只有本奖项的办公室可以办理异议。")
    return obj


def _log(action: str, obj: Objection, actor, **data):
    log_action(f"objection.{action}", actor=actor, obj=obj, role="office", jurisdiction_code=obj.notice.award.jurisdiction.code,
               data={"receipt_no": obj.receipt_no, "application": obj.application_id, "state": obj.state, **data})


def _release_if_clear(obj: Objection, actor, reason: str) -> None:
    """A held application continues once no objection against it is open any more."""
    app = Application.objects.get(pk=obj.application_id)
    if app.status != Status.HELD:
        return
    if Objection.objects.filter(application=app, state__in=Objection.OPEN_STATES).exclude(pk=obj.pk).exists():
        return
    move(app, action="release", actor=actor, role="office", reason=reason, data={"objection": obj.pk})


@transaction.atomic
def objection_accept(*, objection: Objection, actor, reason: str = "") -> Objection:
    obj = _lock_for_office(objection, actor)
    if obj.state != Objection.State.RECEIVED:
        raise DomainError(f"该异议当前为“{obj.get_state_display()}”，不能受理。", code="bad_state")
    obj.state = Objection.State.ACCEPTED
    obj.save(update_fields=["state"])
    _log("accept", obj, actor, reason=reason)
    return obj


@transaction.atomic
def objection_refuse(*, objection: Objection, actor, reason: str) -> Objection:
    if not (reason or "").strip():
        raise DomainError("不予受理须写明理由。", field="reason", code="reason_required")
    obj = _lock_for_office(objection, actor)
    if obj.state != Objection.State.RECEIVED:
        raise DomainError(f"该异议当前为“{obj.get_state_display()}”，不能作不予受理处理。", code="bad_state")
    obj.state, obj.decided_at, obj.decision_text = Objection.State.REFUSED, clock.now(), reason.strip()
    obj.save(update_fields=["state", "decided_at", "decision_text"])
    _release_if_clear(obj, actor, f"异议不予受理（回执号 {obj.receipt_no}）：{reason.strip()}")
    _log("refuse", obj, actor, reason=reason.strip())
    return obj


@transaction.atomic
def objection_record_findings(*, objection: Objection, actor, findings: str) -> Objection:
    if not (findings or "").strip():
        raise DomainError("请填写调查核实情况。", field="findings")
    obj = _lock_for_office(objection, actor)
    if obj.state != Objection.State.ACCEPTED:
        raise DomainError("只有已受理的异议才能记录调查核实情况。", code="bad_state")
    obj.findings = findings.strip()
    obj.save(update_fields=["findings"])
    _log("findings", obj, actor)
    return obj


@transaction.atomic
def objection_decide(*, objection: Objection, actor, upheld: bool, text: str, fraud: bool = False) -> Objection:
    if not (text or "").strip():
        raise DomainError("请填写处理结论。", field="text", code="reason_required")
    if fraud and not upheld:
        raise DomainError("异议不成立时不能认定弄虚作假。", field="fraud")
    obj = _lock_for_office(objection, actor)
    if obj.state != Objection.State.ACCEPTED:
        raise DomainError("只有已受理的异议才能作出处理结论。", code="bad_state")
    app = Application.objects.get(pk=obj.application_id)
    if upheld and app.status == Status.IN_PUBLICITY:
        raise DomainError("公示期尚未结束，该申报仍在公示中；请在公示期满、申报暂停后再作出异议成立的结论。", code="still_in_publicity")
    rules = _rules(obj.notice)
    articles = _objection_articles(rules)
    obj.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
    obj.decided_at, obj.decision_text, obj.fraud = clock.now(), text.strip(), bool(fraud)
    obj.save(update_fields=["state", "decided_at", "decision_text", "fraud"])
    ban = None
    if upheld:
        if app.status == Status.HELD:
            move(app, action="remove", actor=actor, role="office", data={"objection": obj.pk, "fraud": bool(fraud)},
                       reason=f"异议成立（回执号 {obj.receipt_no}{'，' + articles['result'] if articles['result'] else ''}）：{text.strip()}")
        if fraud:  # a non-winner found to have cheated: banned only where the ruleset's ban reaches applicants
            ban = bans.ban_write(applicant=app.applicant, award=obj.notice.award, rules=rules, reason="fraud", revoked=False,
                                 on=clock.today(), application=app, note=f"异议查实弄虚作假（回执号 {obj.receipt_no}）")
    else:
        _release_if_clear(obj, actor, f"异议不成立（回执号 {obj.receipt_no}{'，' + articles['result'] if articles['result'] else ''}）：{text.strip()}")
    _log("decide", obj, actor, upheld=bool(upheld), fraud=bool(fraud), ban=ban.pk if ban else None)
    return obj
