"""Applicants, cycles (届), applications and what happens to them after the award; and what the regulations
ask around them: the cultivation pool and its trainings (before an application), imported award history,
evidence for encouraged applicants, prize money, spending reports and the recovery of a revoked prize.

`Application.stage`/`status` are written only by `awards.pipeline.transition`. Writes go through
awards.services, awards.pool, awards.encouraged, awards.prizes and awards.history_import.
"""
from django.conf import settings
from django.db import models

from core import clock
from core.crypto import EncryptedTextField
from jurisdictions.models import Award, Body, Jurisdiction, Ruleset

from .enums import TERMINAL, Status  # noqa: F401  (Status is imported from here by the other apps)


class ApplicantKind(models.TextChoices):
    ORGANIZATION = "organization", "组织"
    INDIVIDUAL = "individual", "个人"


class LegalForm(models.TextChoices):
    LEGAL_PERSON = "legal_person", "法人"
    NON_LEGAL_PERSON = "non_legal_person", "非法人组织"
    BRANCH = "branch", "分支、内设、派出机构"


class Applicant(models.Model):
    """An organisation (统一社会信用代码) or a person (居民身份证号码) that applies."""

    kind = models.CharField("类型", max_length=16, choices=ApplicantKind.choices)
    name = models.CharField("名称/姓名", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    # Stored whole but encrypted at rest (key outside the database); shown masked except to the owner and
    # the award office. The blind index allows exact lookups without decrypting.
    id_number = EncryptedTextField("居民身份证号码", blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话", blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    registration_date = models.DateField("登记注册日期", null=True, blank=True)
    county = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="applicants", verbose_name="所在县（市、区、旗）")
    industry = models.CharField("行业", max_length=60, blank=True)
    legal_form = models.CharField("组织形式", max_length=20, choices=LegalForm.choices, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches",
                               verbose_name="上级法人/非法人组织")
    employer = models.CharField("工作单位", max_length=120, blank=True)
    quality_work_years = models.PositiveIntegerField("从事质量工作年限", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "申报主体"

    def __str__(self):
        return self.name


class ApplicantMember(models.Model):
    """A login that acts for an applicant (several staff of one organisation, each with their own login)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_memberships")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        unique_together = [("applicant", "user")]


class ClaimRequest(models.Model):
    """A registrant asks to act for a record no account holds yet (in practice one the office imported from
    paper history: a past winner, a ban). The credit code is public, so registering it proves nothing: until
    the award office approves, on the 营业执照 (or ID card) the registrant uploads or on a check by the county
    body, the registrant has no access to the record and the record is not changed (issue #16 item 2)."""

    class State(models.TextChoices):
        PENDING = "pending", "待办公室审核"
        APPROVED = "approved", "已核实通过"
        REFUSED = "refused", "未通过"

    class Basis(models.TextChoices):
        LICENSE = "license", "核验上传的营业执照（身份证明）"
        COUNTY = "county", "所在县（市、区、旗）主管部门核实"

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="claims", verbose_name="申报主体")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_claims",
                             verbose_name="申请账户")
    facts = models.JSONField("申请人填写的信息", default=dict)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    # Encrypted at rest (core.crypto) and stored under a random name: a licence or an ID card is personal data.
    evidence = models.FileField("营业执照/身份证明", upload_to="claims/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    basis = models.CharField("核实依据", max_length=12, choices=Basis.choices, blank=True)
    reason = models.TextField("核实情况/不予通过的理由", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "认领申请"
        constraints = [models.UniqueConstraint(fields=["applicant", "user"], condition=models.Q(state="pending"),
                                               name="one_pending_claim_per_user_and_record")]

    def __str__(self):
        return f"{self.applicant.name} · {self.get_state_display()}"


class Cycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        FINISHED = "finished", "已结束"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="cycles")
    ruleset = models.ForeignKey(Ruleset, on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("届次")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    plan_approval_body = models.CharField("方案批准机关", max_length=120, blank=True)
    plan_approval_document = models.CharField("批准文号", max_length=80, blank=True)
    plan_approval_date = models.DateField("批准日期", null=True, blank=True)
    opened_on = models.DateField("启动日期")
    filing_deadline = models.DateField("申报截止日期")
    override_reason = models.CharField("非评选年度启动理由", max_length=300, blank=True)
    review_closed_at = models.DateTimeField("评审结束时间", null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["award", "-year"]
        unique_together = [("award", "number")]
        verbose_name = verbose_name_plural = "评选届次"

    def __str__(self):
        return f"{self.award.name} {self.year}年（第{self.number}届）"


class Application(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="applications")
    category = models.CharField("类别", max_length=16, choices=ApplicantKind.choices)
    reference = models.CharField("申报编号", max_length=40, unique=True)
    stage = models.CharField("环节", max_length=32, db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    stage_entered_at = models.DateTimeField(null=True, blank=True)
    stage_due = models.DateField("办理期限", null=True, blank=True)
    route_body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="routed_applications",
                                   verbose_name="受理/初审机构")
    declaration = models.JSONField("申报事实", default=dict, blank=True)
    self_evaluation = models.TextField("自我评价报告", blank=True)
    internal_publicity_from = models.DateField("内部公示开始", null=True, blank=True)
    internal_publicity_to = models.DateField("内部公示结束", null=True, blank=True)
    recommendation = models.TextField("推荐意见", blank=True)
    encouraged = models.JSONField("鼓励申报类型", default=list, blank=True)
    materials_version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField("收到申报材料日期", null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["cycle", "reference"]
        unique_together = [("cycle", "applicant", "category")]
        verbose_name = verbose_name_plural = "申报"
        indexes = [models.Index(fields=["cycle", "stage", "status"])]

    def __str__(self):
        return f"{self.reference} {self.applicant.name}"

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


class StageEvent(models.Model):
    """History: every transition with who, when, why (and for automatic ones the rule/notice)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_stage = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16)
    to_stage = models.CharField(max_length=32)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=16)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Material(models.Model):
    class Kind(models.TextChoices):
        MATERIAL = "material", "申报材料"
        RECOMMENDATION = "recommendation", "推荐意见（推荐单位签署）"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.MATERIAL)
    issuer = models.CharField("出具单位", max_length=120, blank=True)  # a recommendation's signing body
    version = models.PositiveIntegerField(default=1)
    title = models.CharField("材料名称", max_length=120)
    file = models.FileField(upload_to="materials/%Y/%m/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    trade_secret = models.BooleanField("含商业秘密", default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["version", "id"]


class StageOpinion(models.Model):
    """An opinion recorded at a stage: the checker's own, another department's, a recommendation."""

    class Kind(models.TextChoices):
        OPINION = "opinion", "审查意见"
        DEPARTMENT = "department", "部门意见"
        RECOMMENDATION = "recommendation", "推荐/审核意见"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="opinions")
    stage = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    body_name = models.CharField("出具单位", max_length=120)
    text = models.TextField("意见")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()


class Consultation(models.Model):
    """征求意见: a department asked for its opinion on an application at a stage, with the date its answer is due
    (内蒙古 第十九、二十条; 兴安盟 第十七、十八条; 塔城 第十四、十六条)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consultations")
    stage = models.CharField(max_length=32)
    department = models.CharField("征求意见部门", max_length=120)
    due_on = models.DateField("答复期限")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=clock.now, editable=False)
    answer = models.TextField("部门意见", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = verbose_name_plural = "征求意见"

    def state(self, today) -> str:
        return "answered" if self.answered_at else "overdue" if today > self.due_on else "waiting"


class SupplementRequest(models.Model):
    """一次性告知: every missing item at once (二连浩特 第十六条)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="supplement_requests")
    stage = models.CharField(max_length=32)
    items = models.JSONField("需补正事项")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)


class Grant(models.Model):
    """An award won: cycle, category, decision document, prize, certificate serial, validity, revocation."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="grants")
    # The winner's name when the award was made: what the certificate, the registry and the verification page
    # show for ever, whatever the applicant is called later (a rename is audited on the applicant).
    applicant_name = models.CharField("获奖时名称", max_length=120)
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="grants")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="grants", null=True, blank=True)
    category = models.CharField(max_length=16, choices=ApplicantKind.choices)
    year = models.PositiveIntegerField("获奖年度")
    cycle_number = models.PositiveIntegerField("届次")
    decision_document = models.CharField("表彰决定文号", max_length=80)
    awarded_on = models.DateField("表彰日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    prize_amount = models.DecimalField("奖金（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    serial = models.CharField("证书编号", max_length=40, unique=True)
    imported = models.BooleanField("历史导入", default=False)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoke_reason = models.CharField("撤销原因", max_length=20, blank=True)
    revoke_text = models.TextField(blank=True)
    # the ground of the revocation: when it occurred (a window such as "获奖后2年内发生" is judged on this date,
    # not on the decision's) and what proves it (an uploaded document, or the reference of one on file)
    revoke_occurred_on = models.DateField("撤销事由发生日期", null=True, blank=True)
    revoke_evidence = models.FileField("撤销事由证明材料", upload_to="revocations/%Y/", blank=True)
    revoke_evidence_ref = models.CharField("证明文书（文号或名称）", max_length=200, blank=True)
    prize_to_recover = models.DecimalField("应追缴奖金", max_digits=12, decimal_places=2, null=True, blank=True)
    prize_recovered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "award"]
        verbose_name = verbose_name_plural = "获奖记录"

    def __str__(self):
        return f"{self.award.name} {self.year} {self.applicant_name}"


class Ban(models.Model):
    """Ban registry: who may not apply to which award until when (or through which cycle)."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="bans")
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="bans")
    reason = models.CharField(max_length=20)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # for bans in years
    through_cycle_number = models.PositiveIntegerField(null=True, blank=True)  # for bans in cycles
    article = models.CharField(max_length=60, blank=True)
    grant = models.ForeignKey(Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="bans")
    # the application on which the ground was found (a finding at a stage or on an objection, not a revocation)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.PROTECT, related_name="bans")
    imported = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)


class PerformanceReport(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveIntegerField("报告年度")
    content = models.TextField("绩效报告")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        unique_together = [("grant", "year")]


class TrackingNote(models.Model):
    """The tracking body's record of a winner after the award (跟踪管理): a visit, a request to rectify, or a
    report to the office that a ground for revocation exists."""

    class Kind(models.TextChoices):
        VISIT = "visit", "跟踪走访"
        RECTIFICATION = "rectification", "督促整改（质量管理绩效严重退步）"
        REVOCATION_REPORT = "revocation_report", "报告存在应撤销情形"
        OTHER = "other", "其他"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="tracking_notes")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="跟踪单位")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    text = models.TextField("记录")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = verbose_name_plural = "跟踪管理记录"


# ---- 培育库 (兴安盟 第十一、十二条; 内蒙古 第十二、十三条) ------------------------------------------------------
class PoolRoute(models.TextChoices):
    SELF = "self", "自行申报"
    COUNTY = "county_recommendation", "旗县（市、区）推荐"
    DEPARTMENT = "department_recommendation", "部门推荐"


class PoolMember(models.Model):
    """An organisation the award office took into the cultivation pool to guide and help."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="pool_members", verbose_name="奖项")
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="pool_memberships",
                                  verbose_name="申报主体（已注册）")
    name = models.CharField("单位名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    county = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name="所在县（市、区、旗）")
    joined_on = models.DateField("入库日期")
    route = models.CharField("入库方式", max_length=32, choices=PoolRoute.choices)
    recommended_by_body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                            verbose_name="推荐单位")
    recommended_by_person = models.CharField("推荐人", max_length=60, blank=True)
    notes = models.TextField("指导帮扶记录", blank=True)
    left_on = models.DateField("出库日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["award", "-joined_on", "name"]
        unique_together = [("award", "credit_code")]
        verbose_name = verbose_name_plural = "培育库成员"

    def __str__(self):
        return f"{self.name}（{self.award.name}培育库）"


class Training(models.Model):
    """A training for pool members; free of charge (内蒙古 第十三条: 免费接受卓越绩效管理培训)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="trainings", verbose_name="奖项")
    date = models.DateField("培训日期")
    topic = models.CharField("培训主题", max_length=200)
    trainer = models.CharField("授课人/单位", max_length=120)
    attendees = models.ManyToManyField(PoolMember, blank=True, related_name="trainings", verbose_name="参训单位")
    free = models.BooleanField("免费", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["award", "-date"]
        verbose_name = verbose_name_plural = "培育培训"

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.topic}"


# ---- 历史记录导入 ----------------------------------------------------------------------------------------------
class HistoryImport(models.Model):
    """One uploaded history workbook: its parsed rows (dry run) and, once committed, what it created."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name="导入单位所在辖区")
    file_name = models.CharField("文件名", max_length=200)
    rows = models.JSONField("解析结果", default=list)
    error_count = models.PositiveIntegerField("错误行数", default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=clock.now, editable=False)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    created = models.JSONField("已创建", default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = verbose_name_plural = "历史记录导入"


# ---- 鼓励申报 ---------------------------------------------------------------------------------------------------
class EncouragedEvidence(models.Model):
    """Why an application claims an encouraged kind (e.g. a 专精特新 certificate). Changes no score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="encouraged_evidence")
    code = models.CharField("鼓励类型", max_length=40)
    note = models.CharField("说明", max_length=300)
    file = models.FileField("证明材料", upload_to="encouraged/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["application", "code", "id"]
        verbose_name = verbose_name_plural = "鼓励申报证明"


# ---- 奖金 (二连浩特 第二十三、二十四、二十八条; 瀍河 第二十、二十二、二十八条) --------------------------------------------
class PrizePayment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="prize_payments")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("拨付日期")
    document = models.CharField("拨付文件", max_length=120)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["grant", "paid_on", "id"]
        verbose_name = verbose_name_plural = "奖金拨付"


class SpendingReport(models.Model):
    class Result(models.TextChoices):
        PENDING = "", "待审核"
        ACCEPTED = "accepted", "合规"
        REJECTED = "rejected", "不合规，须整改"

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="spending_reports")
    year = models.PositiveIntegerField("年度")
    items = models.JSONField("支出明细", default=list)  # [{"use": "人员培训", "amount": "50000.00"}]
    text = models.TextField("使用情况说明")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_result = models.CharField("审核结论", max_length=12, choices=Result.choices, blank=True, default="")
    review_note = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["grant", "year"]
        unique_together = [("grant", "year")]
        verbose_name = verbose_name_plural = "奖金使用报告"


class RecoveryPayment(models.Model):
    """Money returned after a revocation (二连浩特 第二十八条 追缴奖金; 瀍河 第二十八条 收回奖金)."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="recovery_payments")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("缴回日期")
    note = models.CharField("凭证/说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["grant", "paid_on", "id"]
        verbose_name = verbose_name_plural = "追缴奖金缴回"

