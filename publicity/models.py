"""Notices (公告/通知/公示/征求意见/通报) with their windows, and objections (异议) against listed applicants."""
from django.conf import settings
from django.db import models

from awards.models import Application, Cycle
from core import clock
from core.crypto import EncryptedTextField
from jurisdictions.models import Award


class NoticeKind(models.TextChoices):
    CALL = "call", "申报通知/公告"
    PRE_CHECK_LIST = "pre_check_list", "初审名单公示"
    ACCEPTED_LIST = "accepted_list", "资格审查（受理）名单公示"
    ON_SITE_LIST = "on_site_list", "现场评审名单"
    PUBLIC_COMMENT = "public_comment", "评审结果公开征求意见"
    CANDIDATE_LIST = "candidate_list", "拟授奖名单公示"
    AWARD_DECISION = "award_decision", "表彰决定"
    REVOCATION = "revocation", "撤销公告"
    CORRECTION = "correction", "更正公告"


# Which notice a stage's window publishes.
STAGE_NOTICE_KIND = {
    "announcement": NoticeKind.CALL,
    "pre_check": NoticeKind.PRE_CHECK_LIST,
    "qualification_review": NoticeKind.ACCEPTED_LIST,
    "on_site_review": NoticeKind.ON_SITE_LIST,
    "composite_evaluation": NoticeKind.PUBLIC_COMMENT,
    "award_publicity": NoticeKind.CANDIDATE_LIST,
    "commendation": NoticeKind.AWARD_DECISION,
}


class Notice(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "公示中"
        CLOSED = "closed", "已结束"
        PERMANENT = "permanent", "长期公开"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="notices")
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    stage = models.CharField("环节", max_length=32, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    issuer = models.CharField("发布机构", max_length=120)
    contact = models.CharField("联系方式", max_length=200, blank=True)
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=16, blank=True)
    opened_on = models.DateField("开始日期", null=True, blank=True)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True, db_index=True)
    length = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    article = models.CharField(max_length=60, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # the deadline sweep could not close it: why, and when it last tried (retried every run, shown to the office)
    sweep_error = models.CharField("期满处理失败原因", max_length=500, blank=True)
    sweep_failed_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by")
    applications = models.ManyToManyField(Application, related_name="notices", blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = verbose_name_plural = "公告公示"

    def __str__(self):
        return self.title

    @property
    def has_window(self) -> bool:
        return self.closes_at is not None


class Objection(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", "已收到，待审查"
        ACCEPTED = "accepted", "已受理，调查中"
        REFUSED = "refused", "不予受理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    OPEN_STATES = (State.RECEIVED, State.ACCEPTED)

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    receipt_no = models.CharField("受理回执号", max_length=32, unique=True)
    objector_kind = models.CharField(max_length=16, choices=[("individual", "个人"), ("organization", "单位")])
    objector_name = models.CharField("姓名/单位名称", max_length=120)
    # Personal data is encrypted at rest (key outside the database) and shown only to the office.
    objector_phone = EncryptedTextField("联系电话")
    objector_address = EncryptedTextField("通讯地址")
    objector_id_number = EncryptedTextField("身份证件号码", blank=True)
    identity_proof = models.FileField("身份证明/加盖公章的扫描件", upload_to="objections/%Y/")
    facts = models.TextField("异议事实与理由")
    evidence = models.FileField("证明材料", upload_to="objections/%Y/", blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True)
    received_at = models.DateTimeField()
    review_due = models.DateField("审查期限")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_text = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    fraud = models.BooleanField("查实弄虚作假", default=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = verbose_name_plural = "异议"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class Reminder(models.Model):
    """A reminder sent to one person about one thing on one day: the sweep sends each at most once a day,
    however often it runs (applicants: filing deadline, supplements, annual reports; staff: due work)."""

    class Kind(models.TextChoices):
        FILING_DEADLINE = "filing_deadline", "申报即将截止"
        SUPPLEMENT = "supplement", "待补正材料"
        ANNUAL_REPORT = "annual_report", "年度绩效报告待提交"
        DUE_WORK = "due_work", "办理期限将至"
        OVERDUE_WORK = "overdue_work", "办理已超期"
        FEEDBACK_REPORT = "feedback_report", "评审反馈报告已生成"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=60)  # what it is about, e.g. "application:12"
    sent_on = models.DateField()
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-sent_on", "-id"]
        unique_together = [("user", "kind", "key", "sent_on")]
        verbose_name = verbose_name_plural = "提醒"


class RuleCase(models.Model):
    """A rule case (规则用例) an award's office added beside the ones the product ships: a short dated
    history of the award with the outcome its regulation demands, in the contract format (`body`)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="rule_cases")
    name = models.CharField("名称", max_length=300)
    article = models.CharField("条款", max_length=100)
    body = models.JSONField("用例（JSON）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["award", "pk"]
        constraints = [models.UniqueConstraint(fields=["award", "name"], name="rule_case_name_unique_per_award")]
        verbose_name = verbose_name_plural = "规则用例（办公室添加）"

    def __str__(self):
        return f"{self.award} · {self.name}"


class RuleCaseRun(models.Model):
    """One run of every case of an award against one ruleset version: queued by the office (or by adding a
    case), carried out by a Celery task, its outcome per case kept as data for the cases page."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在运行"
        DONE = "done", "已完成"
        FAILED = "failed", "运行出错"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="rule_case_runs")
    ruleset = models.ForeignKey("jurisdictions.Ruleset", on_delete=models.CASCADE, related_name="rule_case_runs")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    # [{"key", "name", "article", "source", "passed", "failure"}], in the page's order
    results = models.JSONField("结果", default=list, blank=True)
    error = models.TextField("出错信息", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=clock.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = verbose_name_plural = "规则用例运行"
