"""What the regulations ask beyond a cycle: the cultivation pool and its trainings, imported award history,
review agencies under contract, evidence for encouraged applicants, prize money, spending reports and the
recovery of a revoked prize. Thin models: writes go through awards.programme / awards.history_import."""
from django.conf import settings
from django.db import models

from core import clock

from jurisdictions.models import Award, Body, BodyKind, Jurisdiction

from .models import Applicant, Application, Cycle, Grant


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


# ---- 评审机构 (二连浩特 第十七、十八条; 瀍河 第九条) -------------------------------------------------------------
class ReviewAgencyManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=BodyKind.REVIEW_AGENCY)


class ReviewAgency(Body):
    """A Body of kind review_agency: a third-party agency that runs the review under contract."""

    objects = ReviewAgencyManager()

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "第三方评审机构"


class AgencyContract(models.Model):
    """The procured contract under which an agency runs a cycle's review; its staff's access ends with it."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="agency_contracts", verbose_name="奖项")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="agency_contracts", verbose_name="届次")
    agency = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="agency_contracts", verbose_name="评审机构")
    procurement_document = models.CharField("政府采购文件编号", max_length=80, blank=True)
    signed_on = models.DateField("签订日期")
    starts_on = models.DateField("服务开始日期")
    ends_on = models.DateField("服务结束日期")
    terminated_on = models.DateField("提前终止日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = verbose_name_plural = "评审机构委托合同"

    def __str__(self):
        return f"{self.agency.name} · {self.cycle}"

    def live_on(self, day) -> bool:
        last = min(d for d in (self.ends_on, self.terminated_on) if d is not None)
        return self.starts_on <= day <= last


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


__all__ = ["PoolRoute", "PoolMember", "Training", "HistoryImport", "ReviewAgency", "AgencyContract", "EncouragedEvidence",
           "PrizePayment", "SpendingReport", "RecoveryPayment"]
