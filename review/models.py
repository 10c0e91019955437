"""Expert review as data: criteria sets, the expert pool and its conflicts, panels, assignments, scores,
consensus, stage results, committee votes, the two-way supervision feedback (二连浩特 第二十六条), and the
third-party review agencies that run a cycle's review under contract.

Thin models: every write goes through review.services (agencies: review.agencies); reads through
review.selectors (whom an agency may serve: review.permissions).
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from guardian.models import UserObjectPermissionBase

from awards.models import Applicant, Application, Cycle
from core import clock
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction
from jurisdictions.rules import STAGE_LABELS


class CriterionKind(models.TextChoices):
    PROCESS = "process", "过程（方法-展开-学习-整合）"
    RESULT = "result", "结果（水平-趋势-对比-整合）"
    RATING = "rating", "评价（符合程度）"


class CriteriaSet(models.Model):
    """A scoring standard: built-in ones (GB/T 19580-2012, …) have no jurisdiction; an office may define its own."""

    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=120)
    standard = models.CharField("依据", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    total_points = models.DecimalField("总分", max_digits=7, decimal_places=2)
    bands = models.JSONField("评分档次描述", default=dict, help_text="{kind: [{low, high, descriptor}]}")
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="criteria_sets", verbose_name="自定义所属辖区")
    builtin = models.BooleanField("内置", default=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "评分标准"

    def __str__(self):
        return f"{self.name}（{self.code}）"


class CriteriaCategory(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="categories")
    number = models.CharField("编号", max_length=12)
    name = models.CharField("名称", max_length=120)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    preamble = models.CharField("总则（不计分）", max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        unique_together = [("criteria_set", "number")]
        verbose_name = verbose_name_plural = "评分类目"

    def __str__(self):
        return f"{self.number} {self.name}"


class Criterion(models.Model):
    """A scored item: its points, and whether it is judged as a process or as results."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    category = models.ForeignKey(CriteriaCategory, on_delete=models.CASCADE, related_name="items")
    number = models.CharField("编号", max_length=12)
    name = models.CharField("名称", max_length=120)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2)
    kind = models.CharField("类型", max_length=10, choices=CriterionKind.choices)
    guidance = models.TextField("评分要点", blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "position"]
        unique_together = [("criteria_set", "number")]
        verbose_name = verbose_name_plural = "评分条目"

    def __str__(self):
        return f"{self.number} {self.name}（{self.points}分）"


class Expert(models.Model):
    """One person in a jurisdiction's expert pool (专家库)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="experts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="expert_profiles")
    name = models.CharField("姓名", max_length=60)
    employer = models.CharField("工作单位", max_length=120, blank=True)
    title = models.CharField("职称/职务", max_length=60, blank=True)
    industries = models.JSONField("擅长行业", default=list, blank=True)
    contact = models.CharField("联系方式", max_length=120, blank=True)
    active = models.BooleanField("在库", default=True)
    past_record = models.TextField("既往评审记录", blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["jurisdiction", "name", "id"]
        verbose_name = verbose_name_plural = "评审专家"

    def __str__(self):
        return f"{self.name}（{self.employer}）" if self.employer else self.name


class ConflictRelation(models.TextChoices):
    EMPLOYER = "employer", "现任职单位"
    FORMER_EMPLOYER = "former_employer", "曾任职单位"
    CONSULTANCY = "consultancy", "咨询/辅导服务"
    SHAREHOLDING = "shareholding", "持股"
    FAMILY = "family", "亲属关系"


class ConflictDeclaration(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation_name = models.CharField("单位/个人名称", max_length=120, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    relation = models.CharField("关系", max_length=20, choices=ConflictRelation.choices)
    year_from = models.PositiveIntegerField("起始年份", null=True, blank=True)
    year_to = models.PositiveIntegerField("结束年份", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["expert", "id"]
        verbose_name = verbose_name_plural = "利益冲突申报"


class Panel(models.Model):
    """A review group (评审组) for one stage of one cycle; dissolved when the review ends
    (内蒙古 第九条、兴安盟 第九条: 当届评审工作结束后，评审组自动撤销)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="panels")
    stage = models.CharField("环节", max_length=32)
    name = models.CharField("名称", max_length=120)
    industry = models.CharField("抽取行业", max_length=60, blank=True)
    size = models.PositiveIntegerField("人数")
    seed = models.BigIntegerField("随机种子")
    leader = models.ForeignKey(Expert, null=True, on_delete=models.PROTECT, related_name="led_panels", verbose_name="组长")
    members = models.ManyToManyField(Expert, through="PanelMember", related_name="panels")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    dissolved_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        ordering = ["cycle", "stage", "id"]
        verbose_name = verbose_name_plural = "评审组"

    def __str__(self):
        return self.name


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="memberships")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="panel_memberships")
    added_at = models.DateTimeField()
    drawn = models.BooleanField("随机抽取", default=True)

    class Meta:
        unique_together = [("panel", "expert")]


class Assignment(models.Model):
    """One expert reviewing one application at one stage. Active while `revoked_at` is empty; access to
    the application (and its trade-secret materials) ends with `access_ended_at` when the panel dissolves."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="review_assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    stage = models.CharField("环节", max_length=32)
    panel = models.ForeignKey(Panel, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    manual = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField()
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=200, blank=True)
    access_ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "expert"]
        verbose_name = verbose_name_plural = "评审分配"
        constraints = [
            models.UniqueConstraint(fields=["application", "expert", "stage"], condition=models.Q(revoked_at__isnull=True),
                                    name="review_assignment_one_active"),
        ]
        indexes = [models.Index(fields=["application", "stage"])]

    def __str__(self):
        return f"{self.expert.name} → {self.application.reference}（{self.stage}）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.access_ended_at is None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField("得分率(%)", max_digits=5, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    strengths = models.TextField("优势", blank=True)
    opportunities = models.TextField("改进机会", blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["assignment", "criterion__position"]
        unique_together = [("assignment", "criterion")]


class ConsensusScore(models.Model):
    """The panel's agreed percentage for one item, recorded by the leader (with a reason when it departs
    from the reviewers' mean)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="consensus_scores")
    stage = models.CharField(max_length=32)
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    mean_percent = models.DecimalField(max_digits=6, decimal_places=2)
    spread = models.DecimalField("最大分歧", max_digits=5, decimal_places=2)
    reason = models.TextField("偏离均值理由", blank=True)
    strengths = models.TextField("优势", blank=True)
    opportunities = models.TextField("改进机会", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "stage", "criterion__position"]
        unique_together = [("application", "stage", "criterion")]


class StageResult(models.Model):
    """An application's agreed total at a review stage (the sum of item points)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_results")
    stage = models.CharField(max_length=32)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("得分", max_digits=8, decimal_places=2)
    max_points = models.DecimalField("满分", max_digits=8, decimal_places=2)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "stage"]
        unique_together = [("application", "stage")]


class CommitteeVote(models.Model):
    """One sitting of the committee voting on a list of applications; names are blinded until it closes."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="committee_votes")
    title = models.CharField(max_length=120)
    quorum = models.CharField("法定人数", max_length=10)
    majority = models.CharField("表决比例", max_length=10)
    article = models.CharField(max_length=60, blank=True)
    member_count = models.PositiveIntegerField("委员人数")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "-opened_at"]
        verbose_name = verbose_name_plural = "审议表决"

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class VoteItem(models.Model):
    vote = models.ForeignKey(CommitteeVote, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="vote_items")
    code = models.CharField("盲评编号", max_length=8)
    votes_for = models.PositiveIntegerField(default=0)
    votes_against = models.PositiveIntegerField(default=0)
    votes_abstain = models.PositiveIntegerField(default=0)
    recused = models.PositiveIntegerField(default=0)
    quorum_met = models.BooleanField(null=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["vote", "code"]
        unique_together = [("vote", "application"), ("vote", "code")]


class BallotChoice(models.TextChoices):
    FOR = "for", "赞成"
    AGAINST = "against", "反对"
    ABSTAIN = "abstain", "弃权"


class Ballot(models.Model):
    item = models.ForeignKey(VoteItem, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=BallotChoice.choices, blank=True)
    recused = models.BooleanField("回避", default=False)
    cast_at = models.DateTimeField()

    class Meta:
        unique_together = [("item", "member")]


class FeedbackDirection(models.TextChoices):
    ON_APPLICANT = "on_applicant", "评审人员评价受评方守纪情况"
    ON_REVIEWER = "on_reviewer", "受评方评价评审人员纪律执行情况"


class SupervisionFeedback(models.Model):
    """二连浩特 第二十六条: 评审人员和受评组织、个人双向监督反馈."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="feedback")
    direction = models.CharField(max_length=16, choices=FeedbackDirection.choices)
    rating = models.PositiveSmallIntegerField("评价（1–5）", validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField("说明", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        unique_together = [("assignment", "direction")]


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK object permission: a reviewer's access to one assigned application (granted in
    review.services when the assignment is made, removed when it ends)."""

    content_object = models.ForeignKey(Application, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


# ---- 第三方评审机构 (二连浩特 第十七、十八条; 瀍河 第九条) ----------------------------------------------------------
class ReviewAgencies(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=BodyKind.REVIEW_AGENCY)


class ReviewAgency(Body):
    """A Body of kind review_agency: a third-party agency that runs the review under contract."""

    objects = ReviewAgencies()

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
