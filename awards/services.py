"""Writes for applicants, cycles and applications. Views, the API and simulate_cycle all call these."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import clock
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from core.period import Period
from core.text import typed
from jurisdictions.calendar import compute_window, deadline_after
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from jurisdictions.rules import Rules, cite
from jurisdictions.selectors import ruleset_in_force

from . import bans, eligibility, permissions, selectors, signals
from .models import (Applicant, ApplicantKind, ApplicantMember, Application, Ban, ClaimRequest, Consultation, Cycle, Grant,
                     Material, PerformanceReport, StageOpinion, Status, SupplementRequest, TrackingNote)
from .enums import WORKING
from .pipeline import move
from .validators import validate_credit_code, validate_id_number


# ---- applicants -------------------------------------------------------------------------------------------
def applicant_register_organization(*, user, name: str, credit_code: str, county: Jurisdiction, legal_form: str,
                                    registration_date: dt.date | None, address: str = "", industry: str = "",
                                    phone: str = "", parent: Applicant | None = None) -> Applicant | ClaimRequest:
    """The new applicant, with the user as its first member; or, when the code belongs to a record that no
    account holds (imported history), a pending ClaimRequest and nothing else (see _claim_request)."""
    code = validate_credit_code(credit_code)
    name = typed(name, label="单位名称", field="name")
    address = typed(address, label="地址", field="address")
    if not name:
        raise DomainError("请填写单位名称。", field="name")
    if legal_form == "branch" and parent is None:
        raise DomainError("分支、内设、派出机构须填写其上级法人或非法人组织。", field="parent")
    if registration_date and registration_date > clock.today():
        raise DomainError("登记注册日期不能晚于今天。", field="registration_date")
    with transaction.atomic():
        existing = Applicant.objects.select_for_update().filter(credit_code=code).first()
        if existing is not None:
            return _claim_request(existing, user=user, field="credit_code", taken="该统一社会信用代码已注册。如需加入该单位账户，请联系单位已有账户的同事添加。",
                                  name=name.strip(), county=county, legal_form=legal_form, registration_date=registration_date,
                                  address=address, industry=industry, phone=phone, parent=parent)
        applicant = Applicant.objects.create(kind=ApplicantKind.ORGANIZATION, name=name.strip(), credit_code=code, county=county,
                                             legal_form=legal_form, registration_date=registration_date, address=address,
                                             industry=industry, phone=phone, parent=parent)
        ApplicantMember.objects.create(applicant=applicant, user=user)
        log_action("applicant.register", actor=user, obj=applicant, role="applicant", jurisdiction_code=county.code)
    return applicant


def applicant_register_individual(*, user, name: str, id_number: str, county: Jurisdiction, employer: str,
                                  quality_work_years: int, phone: str = "", address: str = "") -> Applicant | ClaimRequest:
    from core.crypto import blind_index

    number = validate_id_number(id_number)
    name = typed(name, label="姓名", field="name")
    employer = typed(employer, label="工作单位", field="employer")
    if not name:
        raise DomainError("请填写姓名。", field="name")
    with transaction.atomic():
        existing = Applicant.objects.select_for_update().filter(id_number_index=blind_index(number)).first()
        if existing is not None:
            return _claim_request(existing, user=user, field="id_number", taken="该身份证号码已注册为申报人。", name=name.strip(),
                                  county=county, employer=employer, quality_work_years=quality_work_years, phone=phone, address=address)
        applicant = Applicant.objects.create(kind=ApplicantKind.INDIVIDUAL, name=name.strip(), id_number=number,
                                             id_number_index=blind_index(number), county=county,
                                             employer=employer, quality_work_years=quality_work_years, phone=phone, address=address)
        ApplicantMember.objects.create(applicant=applicant, user=user)
        log_action("applicant.register", actor=user, obj=applicant, role="applicant", jurisdiction_code=county.code)
    return applicant


def _claim_request(applicant: Applicant, *, user, field: str, taken: str, **facts) -> ClaimRequest:
    """A record that no account holds came from the office's import of paper history (a past winner, a ban).
    Its credit code is public, so registering it proves nothing: the registration becomes a request that the
    award office decides on evidence (awards.claims). Until then the registrant has no access to the record
    and the record is not changed (issue #16 item 2). One that an account holds is refused."""
    if ApplicantMember.objects.filter(applicant=applicant).exists():
        raise DomainError(taken, field=field)
    if ClaimRequest.objects.filter(applicant=applicant, user=user, state=ClaimRequest.State.PENDING).exists():
        raise DomainError("您已提交认领该记录的申请，请等待办公室审核（可在“我的申报”查看进度）。", field=field, code="claim_pending")
    stored = {}
    for key, value in facts.items():
        if isinstance(value, (Applicant, Jurisdiction)):
            value = value.pk
        elif isinstance(value, dt.date):
            value = value.isoformat()
        if value not in (None, ""):
            stored[key] = value
    claim = ClaimRequest.objects.create(applicant=applicant, user=user, facts=stored)
    log_action("applicant.claim_request", actor=user, obj=applicant, role="applicant", jurisdiction_code=applicant.county.code,
               data={"claim": claim.pk, "name": stored.get("name", ""), "imported_history": True})
    return claim


def _applicant_rename(applicant: Applicant, *, name: str, actor, role: str, why: str) -> None:
    """Every change of an applicant's name goes through here and is audited with the old and the new name.
    Grants keep the name they were made to (Grant.applicant_name)."""
    name = typed(name, label="单位名称", field="name")
    if not name or name == applicant.name:
        return
    old = applicant.name
    applicant.name = name
    applicant.save(update_fields=["name"])
    log_action("applicant.rename", actor=actor, obj=applicant, role=role, jurisdiction_code=applicant.county.code,
               data={"old": old, "new": name, "why": why})


@transaction.atomic
def applicant_add_member(*, applicant: Applicant, actor, new_user) -> ApplicantMember:
    if not permissions.is_applicant_member(actor, applicant):
        raise NotPermitted("只有本单位已有账户可以添加同事。")
    member, _ = ApplicantMember.objects.get_or_create(applicant=applicant, user=new_user)
    for application in applicant.applications.all():
        permissions.grant_applicant_access(application, [new_user])
    log_action("applicant.add_member", actor=actor, obj=applicant, role="applicant", data={"user": new_user.get_username()})
    return member


# ---- cycles -----------------------------------------------------------------------------------------------
def cycle_year_allowed(award: Award, rules: Rules, year: int) -> tuple[bool, str]:
    last = award.cycles.order_by("-year").first()
    if last is not None and year < last.year + rules.cycle_years:
        return False, f"本奖项每 {rules.cycle_years} 年评选一次（{rules.cycle_article}），上一届为 {last.year} 年，{last.year + rules.cycle_years} 年前不是评选年度。"
    alt = rules.alternation
    if alt and year in alt.get("region_award_years", []):
        return False, f"{year} 年是{alt['name']}的评选年度，本奖项与其交替组织（{alt['article']}）。"
    return True, ""


def cycle_open(*, award: Award, actor, year: int, filing_deadline: dt.date, plan_approval_body: str = "",
               plan_approval_document: str = "", plan_approval_date: dt.date | None = None, override_reason: str = "") -> Cycle:
    if not permissions.office_of(actor, award):
        raise NotPermitted("只有本奖项的办公室可以启动评选。")
    today = clock.today()
    ruleset = ruleset_in_force(award, today)
    if ruleset is None:
        latest = award.rulesets.order_by("-version").first()
        span = f"（{latest.document_number}，{latest.effective_from or '印发之日'} 至 {latest.effective_until or '长期'}）" if latest else ""
        article = Rules(latest.data).article("document") if latest else ""
        raise DomainError(cite(f"{award.name}目前没有现行有效的管理办法{span}，不能启动新一届评选", article)
                          + "请先录入现行规则版本。", code="ruleset_not_in_force", article=article or None)
    rules = Rules(ruleset.data)
    ok, why = cycle_year_allowed(award, rules, year)
    if not ok and not override_reason.strip():
        raise DomainError(why + " 如确需启动，请填写理由。", code="not_a_cycle_year", field="year")
    announcement = rules.stage("announcement") if rules.has_stage("announcement") else None
    approval = announcement.plan_approval if announcement else None
    if approval and not (plan_approval_document and plan_approval_date):
        raise DomainError(f"启动评选前须将实施方案报{approval['body']}批准（{approval['article']}），请填写批准文号和日期。",
                          article=approval["article"], field="plan_approval_document")
    if filing_deadline <= today:
        raise DomainError("申报截止日期须晚于今天。", field="filing_deadline")
    if announcement and announcement.publicity:
        call = compute_window(today, announcement.publicity.length, announcement.publicity.unit)
        if filing_deadline < call.last_day:
            raise DomainError(f"申报公告期不得少于{announcement.publicity.length}个工作日（{announcement.publicity.article}），"
                              f"截止日期不能早于 {call.last_day:%Y-%m-%d}。", field="filing_deadline", article=announcement.publicity.article)
    with transaction.atomic():
        number = (award.cycles.aggregate(n=Max("number"))["n"] or 0) + 1
        cycle = Cycle.objects.create(award=award, ruleset=ruleset, year=year, number=number, opened_on=today,
                                     filing_deadline=filing_deadline, plan_approval_body=plan_approval_body,
                                     plan_approval_document=plan_approval_document, plan_approval_date=plan_approval_date,
                                     override_reason=override_reason if not ok else "", opened_by=actor)
        log_action("cycle.open", actor=actor, obj=cycle, role="office", jurisdiction_code=award.jurisdiction.code,
                   data={"ruleset_version": ruleset.version, "override_reason": override_reason if not ok else ""})
        signals.cycle_opened.send(sender=Cycle, cycle=cycle, actor=actor)  # publicity publishes the call
    return cycle


# ---- applications -----------------------------------------------------------------------------------------
def application_create(*, cycle: Cycle, applicant: Applicant, category: str, actor) -> Application:
    rules = Rules(cycle.ruleset.data)
    if not permissions.is_applicant_member(actor, applicant):
        raise NotPermitted("只能为本单位/本人申报。")
    if category not in rules.categories:
        raise DomainError(f"{cycle.award.name}不设“{dict(ApplicantKind.choices)[category]}”类别（{rules.applicants.get('article')}）。",
                          field="category", article=rules.applicants.get("article"))
    if category != applicant.kind:
        raise DomainError("申报类别与申报主体类型不一致。", field="category")
    if applicant.legal_form == "branch" and not rules.applicants.get("branch"):
        raise DomainError(f"{cycle.award.name}不接受分支机构申报（{rules.applicants.get('article')}）。", article=rules.applicants.get("article"))
    if applicant.legal_form == "non_legal_person" and not rules.applicants.get("non_legal_person"):
        raise DomainError(f"{cycle.award.name}要求具有独立法人资格（{rules.applicants.get('article')}）。", article=rules.applicants.get("article"))
    if cycle.status != Cycle.Status.OPEN or clock.today() > cycle.filing_deadline:
        raise DomainError(f"本届申报已于 {cycle.filing_deadline:%Y-%m-%d} 截止。", code="filing_closed")
    lapsed = selectors.regulation_lapsed(cycle)
    if lapsed:
        raise DomainError(lapsed[0], code="regulation_lapsed", article=lapsed[1] or None)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)  # serialise reference numbers within a cycle
        count = Application.objects.filter(cycle=cycle).count() + 1
        first = rules.application_stages()[0].code
        app = Application.objects.create(cycle=cycle, applicant=applicant, category=category, stage=first, status=Status.DRAFT,
                                         reference=f"{cycle.award.slug.upper()}-{cycle.year}-{cycle.number:02d}-{count:04d}", stage_entered_at=clock.now())
        permissions.grant_applicant_access(app)
        log_action("application.create", actor=actor, obj=app, role="applicant", jurisdiction_code=cycle.award.jurisdiction.code)
    return app


DRAFT_FIELDS = ("declaration", "self_evaluation", "internal_publicity_from", "internal_publicity_to", "recommendation", "encouraged")


@transaction.atomic
def application_update(*, application: Application, actor, **fields) -> Application:
    if not permissions.is_applicant_member(actor, application.applicant):
        raise NotPermitted("只能修改本单位/本人的申报。")
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise DomainError("申报提交后材料即冻结，不能修改；如需补正，请等待审查机构的补正通知。", code="frozen")
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise DomainError(f"不能修改这些字段：{sorted(unknown)}。", code="mass_assignment")
    for key, value in fields.items():
        setattr(application, key, value)
    application.save(update_fields=list(fields))
    log_action("application.update", actor=actor, obj=application, role="applicant", data={"fields": sorted(fields)})
    return application


@transaction.atomic
def material_add(*, application: Application, actor, uploaded_file, title: str, trade_secret: bool = False,
                 kind: str = Material.Kind.MATERIAL, issuer: str = "") -> Material:
    from django.conf import settings

    if kind not in Material.Kind.values:
        raise DomainError("未知的材料类型。", field="kind")
    issuer = (issuer or "").strip()
    if kind == Material.Kind.RECOMMENDATION and not issuer:
        raise DomainError("请填写出具推荐意见的单位。", field="issuer")
    if not permissions.is_applicant_member(actor, application.applicant):
        raise NotPermitted("只能为本单位/本人的申报上传材料。")
    if application.status not in (Status.DRAFT, Status.RETURNED):
        raise DomainError("申报提交后材料即冻结；补正时可上传新版本材料。", code="frozen")
    content_type = _validate_upload(uploaded_file)
    used = sum(m.size for m in application.materials.all())
    if used + uploaded_file.size > settings.UPLOAD_MAX_APPLICATION_BYTES:
        raise DomainError(f"本申报材料总量不得超过 {settings.UPLOAD_MAX_APPLICATION_BYTES // (1024 * 1024)} MB。", field="file")
    version = application.materials_version
    stored = uploaded_file
    if trade_secret:  # trade-secret files are encrypted at rest with a key kept outside the database
        from django.core.files.base import ContentFile

        from core.crypto import encrypt_bytes

        uploaded_file.seek(0)
        stored = ContentFile(encrypt_bytes(uploaded_file.read()), name=uploaded_file.name)
    if kind == Material.Kind.RECOMMENDATION:
        title = title or f"推荐意见（{issuer}）"
    material = Material(application=application, kind=kind, issuer=issuer, version=version, title=title or uploaded_file.name,
                        file=stored, original_name=uploaded_file.name, size=uploaded_file.size,
                        content_type=content_type, trade_secret=trade_secret, uploaded_by=actor)
    try:
        material.save(force_insert=True)  # writes the file to storage, then the row
        log_action("material.add", actor=actor, obj=application, role="applicant",
                   data={"material": material.pk, "version": version, "trade_secret": trade_secret, "size": uploaded_file.size,
                         "kind": kind, **({"issuer": issuer} if issuer else {})})
    except BaseException:
        _discard_stored_file(material.file)
        raise
    return material


def _discard_stored_file(field_file) -> None:
    """The rollback takes back a row but not the file its FileField already wrote to storage: delete that
    file when the write that stored it fails. (A caller's own transaction rolling back later, after this
    function returned, would still leave the file; no caller wraps these writes in one.)"""
    if field_file and getattr(field_file, "_committed", False):
        field_file.storage.delete(field_file.name)


@transaction.atomic
def material_download(*, material: Material, actor, role: str):
    """The download response for a material the caller's selector already allowed; trade-secret files are
    decrypted on the way out and every such download is audited."""
    from core.uploads import attachment_response

    if material.trade_secret:
        log_action("material.download_trade_secret", actor=actor, obj=material.application, role=role,
                   jurisdiction_code=material.application.cycle.award.jurisdiction.code, data={"material": material.pk})
    encrypted = False
    if material.trade_secret:
        from core.crypto import is_encrypted_bytes

        with material.file.open("rb") as handle:
            encrypted = is_encrypted_bytes(handle.read(64))  # files marked secret after upload stay as stored
    return attachment_response(material.file, material.original_name, material.content_type, encrypted=encrypted)


def _validate_upload(uploaded_file) -> str:
    from django.conf import settings

    try:
        from core.uploads import validate_upload
    except ImportError:  # the upload validator lands with the security work
        if uploaded_file.size > settings.UPLOAD_MAX_FILE_BYTES:
            raise DomainError("文件过大。", field="file") from None
        return getattr(uploaded_file, "content_type", "") or "application/octet-stream"
    return validate_upload(uploaded_file, max_bytes=settings.UPLOAD_MAX_FILE_BYTES)


def eligibility_check(application: Application) -> list[eligibility.EligibilityResult]:
    """Judged on the day of submission once submitted ("近N年" counts back from the submission date, and the
    office reading it later sees what held then); on today for a draft or a returned application."""
    rules = Rules(application.cycle.ruleset.data)
    submitted = application.status not in (Status.DRAFT, Status.RETURNED) and application.submitted_at
    on = timezone.localdate(application.submitted_at) if submitted else clock.today()
    return eligibility.evaluate(rules=rules, applicant=application.applicant, category=application.category,
                                declaration=application.declaration, on=on, award=application.cycle.award,
                                cycle_number=application.cycle.number)


def _route(application: Application, rules: Rules) -> Body:
    routing = rules.routing
    award = application.cycle.award
    county = application.applicant.county
    if routing["first"] == "award_office":
        return award.office
    chosen = application.declaration.get("route_body_id")
    if routing["first"] == "industry_department_or_market_regulation" and chosen:
        body = Body.objects.filter(pk=chosen, kind=BodyKind.INDUSTRY_DEPARTMENT, jurisdiction=award.jurisdiction).first()
        if body is None:
            raise DomainError("所选行业主管部门不属于本奖项所在地区。", field="route_body_id")
        return body
    target = county
    if routing.get("level") == "prefecture":
        target = next((j for j in [county, *county.ancestors()] if j.level == "prefecture"), county)
    body = Body.objects.filter(jurisdiction=target, kind=BodyKind.MARKET_REGULATION).first()
    if body is None:
        raise DomainError(f"{target.name}尚未设置市场监督管理部门，无法受理，请联系质量奖办公室。")
    return body


def application_submit(*, application: Application, actor) -> Application:
    rules = Rules(application.cycle.ruleset.data)
    cycle = application.cycle
    if clock.today() > cycle.filing_deadline:
        raise DomainError(f"本届申报已于 {cycle.filing_deadline:%Y-%m-%d} 截止。", code="filing_closed")
    lapsed = selectors.regulation_lapsed(cycle)
    if lapsed:
        raise DomainError(lapsed[0], code="regulation_lapsed", article=lapsed[1] or None)
    failing = eligibility.blocking(eligibility_check(application))
    if failing:
        raise DomainError("不符合申报条件：" + "；".join(f"{r.text}（{r.article}）：{r.why}" for r in failing),
                          code="ineligible", article=failing[0].article)
    if rules.has_stage("internal_publicity"):
        stage = rules.stage("internal_publicity")
        start, end = application.internal_publicity_from, application.internal_publicity_to
        if not (start and end):
            raise DomainError(f"请填写单位内部公示的起止日期（{stage.article}）。", field="internal_publicity_from", article=stage.article)
        needed = compute_window(start, stage.publicity.length, stage.publicity.unit)
        # it must have ended before the submission: a window whose last day is today is still open until 24:00
        if end < needed.last_day or end >= clock.today():
            raise DomainError(f"内部公示不少于{stage.publicity.length}个工作日（{stage.article}）：自 {start:%Y-%m-%d} 起至少公示至 "
                              f"{needed.last_day:%Y-%m-%d}，且须在报送前结束（最后一日为今天的，明日起方可报送）。", field="internal_publicity_to", article=stage.article)
    rec = selectors.applicant_recommendation(application, rules)  # otherwise the pre-check body issues it
    if rec and not application.materials.filter(kind=Material.Kind.RECOMMENDATION).exists():
        raise DomainError(cite(f"须上传由推荐单位签署的推荐意见（{rec.get('text') or '推荐意见'}）", rec.get("article")),
                          field="recommendation", article=rec.get("article"), code="recommendation_required")
    if not application.self_evaluation.strip():
        raise DomainError("请填写自我评价报告。", field="self_evaluation")
    with transaction.atomic():
        application.route_body = _route(application, rules)
        application.submitted_at = clock.now()
        application.received_on = clock.today()
        application.save(update_fields=["route_body", "submitted_at", "received_on"])
        return move(application, action="submit", actor=actor, role="applicant")


def supplement_request(*, application: Application, actor, role: str, items: list[str]) -> SupplementRequest:
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        raise DomainError("请逐项列出需要补正的内容（一次性告知）。", field="items")
    stage = Rules(application.cycle.ruleset.data).stage(application.stage)
    once = stage.supplements_at_once
    earlier = application.supplement_requests.filter(stage=application.stage).order_by("requested_at").first()
    if once and earlier is not None:
        raise DomainError(cite(f"需要补充完善的内容应一次性告知：本申报已于 {earlier.requested_at.astimezone(clock.SHANGHAI):%Y-%m-%d} 在“{stage.label}”"
                               f"环节告知过补正事项，不能再次要求补正", once.get("article")), code="supplement_once", article=once.get("article"))
    with transaction.atomic():
        app = move(application, action="request_supplement", actor=actor, role=role, reason="；".join(items),
                         data={"items": items})
        req = SupplementRequest.objects.create(application=app, stage=app.stage, items=items, requested_by=actor, requested_at=clock.now())
    return req


def supplement_answer(*, application: Application, actor, answer: str) -> Application:
    with transaction.atomic():
        req = application.supplement_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
        if req is not None:
            req.answered_at, req.answer = clock.now(), answer
            req.save(update_fields=["answered_at", "answer"])
        app = move(application, action="resubmit", actor=actor, role="applicant", reason=answer)
        app.materials_version += 1  # a supplement creates a new version; the old files are kept
        app.received_on = clock.today()
        deadline = Rules(app.cycle.ruleset.data).stage(app.stage).deadline
        if deadline and deadline.start == "receipt":  # e.g. 收到申报材料10个工作日内: counted from the supplemented receipt
            app.stage_due = deadline_after(app.received_on, deadline.length, deadline.unit)
        app.save(update_fields=["materials_version", "received_on", "stage_due"])
    return app


@transaction.atomic
def opinion_record(*, application: Application, actor, role: str, kind: str, body_name: str, text: str) -> StageOpinion:
    if not permissions.has_role(actor, role, application) or role not in ("precheck", "office"):
        raise NotPermitted("您无权为该申报记录意见。")
    if not text.strip():
        raise DomainError("请填写意见内容。", field="text")
    # the pre-check body's opinions belong to its stage, even when recorded after the application moved on
    # (塔城 第十四条: the 审核意见 is issued once its publicity ends without objection)
    rules = Rules(application.cycle.ruleset.data)
    stage = next((s.code for s in rules.stages if s.actor == "precheck"), application.stage) if role == "precheck" else application.stage
    op = StageOpinion.objects.create(application=application, stage=stage, kind=kind, body_name=body_name, text=text,
                                     author=actor, at=clock.now())
    if kind == StageOpinion.Kind.RECOMMENDATION:
        application.recommendation = text
        application.save(update_fields=["recommendation"])
    log_action("application.opinion", actor=actor, obj=application, role=role, data={"kind": kind, "body": body_name})
    return op


def consultation_request(*, application: Application, actor, role: str, departments: list[str], due_on: dt.date) -> list[Consultation]:
    """征求意见: one request per department, each with the date its answer is due; the stage cannot pass while an
    answer is still awaited within its term."""
    if not permissions.has_role(actor, role, application) or role not in ("precheck", "office"):
        raise NotPermitted("您无权为该申报征求意见。")
    stage = Rules(application.cycle.ruleset.data).stage(application.stage)
    if not stage.consultation:
        raise DomainError(f"“{stage.label}”环节的管理办法未规定征求部门意见。", code="no_consultation")
    if application.status not in WORKING:
        raise DomainError("该申报当前不在办理中。", code="bad_state")
    names = list(dict.fromkeys(d.strip() for d in departments if d and d.strip()))
    if not names:
        raise DomainError("请填写征求意见的部门（一行一个）。", field="departments")
    if due_on <= clock.today():
        raise DomainError("答复期限须晚于今天。", field="due_on")
    with transaction.atomic():
        made = [Consultation.objects.create(application=application, stage=application.stage, department=name, due_on=due_on,
                                            requested_by=actor) for name in names]
        log_action("application.consult", actor=actor, obj=application, role=role, jurisdiction_code=application.cycle.award.jurisdiction.code,
                   data={"departments": names, "due_on": due_on.isoformat(), "article": stage.consultation.get("article")})
    return made


def consultation_answer(*, consultation: Consultation, actor, role: str, text: str) -> Consultation:
    """Records a department's answer as it arrived (in writing), by the staff who asked."""
    application = consultation.application
    if not permissions.has_role(actor, role, application) or role not in ("precheck", "office"):
        raise NotPermitted("您无权记录该部门意见。")
    if not (text or "").strip():
        raise DomainError("请填写部门意见。", field="text")
    with transaction.atomic():
        c = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if c.answered_at:
            raise DomainError(f"{c.department}的意见已于 {c.answered_at.astimezone(clock.SHANGHAI):%Y-%m-%d} 记录。", code="answered")
        c.answer, c.answered_at, c.answered_by = text.strip(), clock.now(), actor
        c.save(update_fields=["answer", "answered_at", "answered_by"])
        log_action("application.consult_answer", actor=actor, obj=application, role=role,
                   jurisdiction_code=application.cycle.award.jurisdiction.code, data={"consultation": c.pk, "department": c.department})
    return c


def stage_select(*, cycle: Cycle, stage: str, advancing: list[int], actor, reason: str) -> dict:
    """好中选优: the office advances the chosen applications; the rest at this stage do not advance."""
    apps = list(cycle.applications.filter(stage=stage, status__in=WORKING))
    chosen = set(advancing)
    unknown = chosen - {a.pk for a in apps}
    if unknown:
        raise DomainError("所选申报不在本环节的待办名单中。")
    for app in apps:  # every one must have the stage's decision (scores, a vote) before the list is drawn
        signals.leaving_stage.send(sender=Application, application=app, stage=stage,
                                   action="advance" if app.pk in chosen else "not_advance")
    out = {"advanced": [], "not_advanced": []}
    with transaction.atomic():
        for app in apps:
            if app.pk in chosen:
                move(app, action="advance", actor=actor, role="office", reason=reason)
                out["advanced"].append(app.pk)
            else:
                move(app, action="not_advance", actor=actor, role="office", reason=reason or "未入选")
                out["not_advanced"].append(app.pk)
    return out


@transaction.atomic
def approval_record(*, cycle: Cycle, actor, body: str, document: str, date: dt.date) -> list[Application]:
    if not document.strip():
        raise DomainError("请填写批准文件文号。", field="document")
    apps = list(cycle.applications.filter(stage="approval", status=Status.PENDING))
    return [move(a, action="advance", actor=actor, role="office", reason=f"{body}批准：{document}（{date:%Y-%m-%d}）",
                       data={"document": document, "date": date.isoformat()}) for a in apps]


def commend(*, cycle: Cycle, actor, decision_document: str, date: dt.date) -> list[Grant]:
    rules = Rules(cycle.ruleset.data)
    if not permissions.office_of(actor, cycle.award):
        raise NotPermitted("只有办公室可以办理表彰。")
    if not decision_document.strip():
        raise DomainError("请填写表彰决定文号。", field="decision_document")
    apps = list(cycle.applications.filter(stage="commendation", status=Status.PENDING).select_related("applicant"))
    for category in rules.categories:
        n = sum(1 for a in apps if a.category == category)
        if n > rules.quota(category):
            raise DomainError(f"“{dict(ApplicantKind.choices)[category]}”类拟授奖 {n} 个，超过名额 {rules.quota(category)} 个（{rules.quota_article}）。")
    if rules.quota_total is not None and len(apps) > rules.quota_total:
        raise DomainError(f"拟授奖 {len(apps)} 个，超过每届总数 {rules.quota_total} 个（{rules.quota_article}）。")
    validity = rules.data.get("award_validity_years")
    grants = []
    with transaction.atomic():
        for i, app in enumerate(apps, start=1):
            move(app, action="award", actor=actor, role="office", reason=decision_document)
            grants.append(Grant.objects.create(
                application=app, applicant=app.applicant, applicant_name=app.applicant.name, award=cycle.award, cycle=cycle, category=app.category, year=cycle.year,
                cycle_number=cycle.number, decision_document=decision_document, awarded_on=date,
                valid_until=Period.from_rule(validity, unit="years").after(date) if validity else None,
                prize_amount=rules.prize(app.category), serial=f"{cycle.award.jurisdiction.code}-{cycle.year}-{cycle.number:02d}-{i:03d}"))
        cycle.status = Cycle.Status.FINISHED
        if cycle.review_closed_at is None:
            cycle_review_close(cycle=cycle, actor=actor)
        cycle.save(update_fields=["status"])
        log_action("cycle.commend", actor=actor, obj=cycle, role="office", jurisdiction_code=cycle.award.jurisdiction.code,
                   data={"decision": decision_document, "grants": [g.serial for g in grants]})
        signals.cycle_commended.send(sender=Cycle, cycle=cycle, actor=actor, grants=grants,
                                     decision_document=decision_document)  # publicity publishes the decision
    return grants


def cycle_review_close(*, cycle: Cycle, actor) -> Cycle:
    """The cycle's review is over: panels dissolve and reviewers lose access (内蒙古 第九条、兴安盟 第九条)."""
    if not permissions.office_of(actor, cycle.award):
        raise NotPermitted("只有办公室可以结束评审。")
    with transaction.atomic():
        signals.cycle_review_closing.send(sender=Cycle, cycle=cycle, actor=actor)  # review dissolves the panels
        cycle.review_closed_at = clock.now()
        cycle.save(update_fields=["review_closed_at"])
        log_action("cycle.review_close", actor=actor, obj=cycle, role="office", jurisdiction_code=cycle.award.jurisdiction.code)
    return cycle


def withdraw(*, application: Application, actor, reason: str) -> Application:
    return move(application, action="withdraw", actor=actor, role="applicant", reason=reason)


def revoke(*, grant: Grant, actor, reason: str, text: str, occurred_on: dt.date, evidence=None,
           evidence_ref: str = "") -> Grant:
    """Revokes an award, decided today, for a ground that occurred on `occurred_on`, proved by an uploaded
    document (`evidence`) or the reference of one (`evidence_ref`), with a public notice; writes the ban the
    ruleset gives for the reason and the prize money to recover where the ruleset says so. A ground the
    regulation limits to a window after the award ("获奖后2年内发生") must have occurred inside it, counted
    from the award date (民法典 第二百零一条); the decision may come later."""
    if not permissions.office_of(actor, grant.award):
        raise NotPermitted("只有办公室可以撤销奖励。")
    today = clock.today()
    rules = bans.rules_for_grant(grant, on=today)
    rule = rules.revocation_for(reason) if rules else None
    if rule is None:
        raise DomainError("本奖项的管理办法没有规定这一撤销情形。", field="reason")
    if not isinstance(occurred_on, dt.date):
        raise DomainError("请填写撤销事由的发生日期。", field="occurred_on")
    if occurred_on > today:
        raise DomainError("撤销事由的发生日期不能晚于今天（撤销决定之日）。", field="occurred_on")
    if rule.get("within_years"):
        last = Period(rule["within_years"], "years").after(grant.awarded_on)
        if not grant.awarded_on <= occurred_on <= last:
            raise DomainError(f"该情形须在获奖后 {rule['within_years']} 年内发生方可撤销（{rule['article']}）：本奖励 "
                              f"{grant.awarded_on:%Y-%m-%d} 表彰，须发生在 {grant.awarded_on:%Y-%m-%d} 至 {last:%Y-%m-%d} 之间，"
                              f"所填发生日期为 {occurred_on:%Y-%m-%d}。", article=rule["article"], field="occurred_on",
                              code="outside_revocation_window")
    evidence_ref = (evidence_ref or "").strip()
    if not evidence and not evidence_ref:
        raise DomainError("请上传撤销事由的证明材料，或填写证明文书的文号或名称（如事故调查报告、行政处罚决定书）。", field="evidence")
    if evidence:
        try:
            _validate_upload(evidence)
        except DomainError as exc:
            exc.field = "evidence"
            raise
    with transaction.atomic():
        locked = Grant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_on:
            raise DomainError(f"该奖励已于 {locked.revoked_on:%Y-%m-%d} 撤销。", code="already_revoked")
        try:
            move(grant.application, action="revoke", actor=actor, role="office", reason=text,
                 data={"reason": reason, "occurred_on": occurred_on.isoformat()})
            grant.revoked_on, grant.revoke_reason, grant.revoke_text = today, reason, text
            grant.revoke_occurred_on, grant.revoke_evidence_ref = occurred_on, evidence_ref[:200]
            if evidence:
                grant.revoke_evidence = evidence
            recover = grant.prize_amount or (rules.prize(grant.category) if grant.imported else None)
            if rule.get("recover_prize") and recover:
                grant.prize_to_recover = recover  # an imported title carries no amount: the prize its ruleset gives
            grant.save(update_fields=["revoked_on", "revoke_reason", "revoke_text", "revoke_occurred_on", "revoke_evidence",
                                      "revoke_evidence_ref", "prize_to_recover"])
            ban = bans.ban_write(applicant=grant.applicant, award=grant.award, rules=rules, reason=reason, revoked=True, on=today,
                                 grant=grant, note=f"撤销奖励（证书编号 {grant.serial}）")
            log_action("grant.revoke", actor=actor, obj=grant, role="office", jurisdiction_code=grant.award.jurisdiction.code,
                       data={"reason": reason, "occurred_on": occurred_on.isoformat(), "evidence_ref": evidence_ref,
                             "evidence": grant.revoke_evidence.name if grant.revoke_evidence else "",
                             "ban": ban.pk if ban else None, "ban_article": ban.article if ban else "",
                             "recover": str(grant.prize_to_recover or ""), "imported": grant.imported})
            signals.grant_revoked.send(sender=Grant, grant=grant, actor=actor)  # publicity publishes the revocation
        except BaseException:
            _discard_stored_file(grant.revoke_evidence)
            raise
    return grant


#: the moves by which an application leaves the cycle at its stage, on which a finding of false materials
#: (查实隐瞒有关情况或者提供虚假材料) can be recorded
REFUSALS = ("reject", "not_advance")


def application_refuse(*, application: Application, actor, role: str, action: str, reason: str, fraud: bool = False) -> Application:
    """The stage's actor refuses the application ("不予通过") or records that it does not advance, with its
    reason. With `fraud`, the refusal records that the application rests on concealed facts or false
    materials, and writes the ban the ruleset gives for that finding wherever it is made (a ban applying to
    "applicants", 塔城 第三十二条); where the regulation bans only winners whose title is revoked, none is written."""
    if action not in REFUSALS:
        raise DomainError("“查实弄虚作假”只能随“不予通过”或“未进入下一环节”一并办理。", code="not_a_refusal")
    if action == "not_advance":  # a stage whose decision another app owns (scores, a vote) is left only with it
        signals.leaving_stage.send(sender=Application, application=application, stage=application.stage, action=action)
    with transaction.atomic():
        app = move(application, action=action, actor=actor, role=role, reason=reason, data={"fraud": True} if fraud else None)
        if fraud:
            rules = Rules(app.cycle.ruleset.data)
            stage = rules.stage(app.stage)
            ban = bans.ban_write(applicant=app.applicant, award=app.cycle.award, rules=rules, reason="fraud", revoked=False,
                                 on=clock.today(), application=app, note=f"{stage.label}环节查实弄虚作假：{reason}")
            log_action("application.fraud_found", actor=actor, obj=app, role=role, jurisdiction_code=app.cycle.award.jurisdiction.code,
                       data={"stage": app.stage, "action": action, "ban": ban.pk if ban else None,
                             "ban_article": ban.article if ban else "",
                             "ends_on": ban.ends_on.isoformat() if ban and ban.ends_on else None,
                             "through_cycle_number": ban.through_cycle_number if ban else None})
    return app


@transaction.atomic
def performance_report_submit(*, grant: Grant, actor, year: int, content: str) -> PerformanceReport:
    rules = Rules(grant.cycle.ruleset.data) if grant.cycle else None
    years = rules.performance_report_years if rules else 0
    if not permissions.is_applicant_member(actor, grant.applicant):
        raise NotPermitted("只能为本单位提交绩效报告。")
    if not years:
        raise DomainError("本奖项的管理办法未要求提交年度绩效报告。")
    if not (grant.year < year <= grant.year + years):
        raise DomainError(f"绩效报告年度应为获奖后 {years} 年内（{grant.year + 1}–{grant.year + years} 年）。", field="year")
    if not content.strip():
        raise DomainError("请填写绩效报告内容。", field="content")
    report, created = PerformanceReport.objects.get_or_create(grant=grant, year=year, defaults={
        "content": content, "submitted_by": actor, "submitted_at": clock.now()})
    if not created:
        raise DomainError(f"{year} 年度绩效报告已提交。", field="year")
    log_action("grant.performance_report", actor=actor, obj=grant, role="applicant", data={"year": year})
    return report


def tracking_note_add(*, grant: Grant, actor, kind: str, text: str) -> TrackingNote:
    """The tracking body records a visit, a request to rectify, or reports a ground for revocation to the office
    (内蒙古 第三十三条、兴安盟 第三十一条: 跟踪管理……督促其整改……及时报告)."""
    row = next((r for r in selectors.duty_rows(actor, "tracking") if r.grant.pk == grant.pk), None)
    if row is None or not row.bodies:
        raise NotPermitted("只有管理办法规定的跟踪管理单位可以记录跟踪情况。")
    if kind not in TrackingNote.Kind.values:
        raise DomainError("请选择记录类型。", field="kind")
    if not (text or "").strip():
        raise DomainError("请填写跟踪记录的内容。", field="text")
    with transaction.atomic():
        note = TrackingNote.objects.create(grant=grant, body=row.bodies[0], kind=kind, text=text.strip(), author=actor)
        log_action("grant.tracking_note", actor=actor, obj=grant, role="precheck" if row.bodies[0].kind == BodyKind.MARKET_REGULATION else "office",
                   jurisdiction_code=grant.award.jurisdiction.code, data={"note": note.pk, "kind": kind, "body": row.bodies[0].name})
    return note


def prize_total(grants) -> Decimal:
    return sum((g.prize_amount or Decimal(0)) for g in grants)
