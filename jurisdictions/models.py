"""Tenants (jurisdictions), the bodies inside them, who belongs to which body in which role, the awards
they run and the versioned rulesets of those awards; plus staff-entered working-day overrides."""
from django.conf import settings
from django.db import models

from core import clock


class Level(models.TextChoices):
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地市级（盟、地区、自治州、地级市）"
    COUNTY = "county", "县级（旗、县、县级市、区）"


class Jurisdiction(models.Model):
    code = models.CharField("行政区划代码", max_length=6, unique=True)  # GB/T 2260
    name = models.CharField("名称", max_length=60)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def ancestors(self):
        node, out = self.parent, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def is_within(self, other: "Jurisdiction") -> bool:
        """True when self is `other` or lies under it in the tree."""
        return self.pk == other.pk or any(a.pk == other.pk for a in self.ancestors())


class BodyKind(models.TextChoices):
    AWARD_OFFICE = "award_office", "质量奖办公室/秘书处"
    MARKET_REGULATION = "market_regulation", "市场监督管理部门"
    INDUSTRY_DEPARTMENT = "industry_department", "行业主管部门"
    COMMITTEE = "committee", "评审委员会/领导小组"
    REVIEW_AGENCY = "review_agency", "第三方评审机构"
    SUPERVISION = "supervision", "纪检监察"
    GOVERNMENT = "government", "人民政府/行政公署"


class Body(models.Model):
    """An office or department of a jurisdiction (the unit people work for)."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField("类型", max_length=24, choices=BodyKind.choices)
    name = models.CharField("名称", max_length=120)
    industry = models.CharField("行业", max_length=60, blank=True)

    class Meta:
        ordering = ["jurisdiction__code", "kind", "name"]
        unique_together = [("jurisdiction", "kind", "name")]
        verbose_name = verbose_name_plural = "机构"

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", "质量奖办公室工作人员"
    PRECHECK = "precheck", "初审（市场监管/行业主管部门）工作人员"
    COMMITTEE = "committee", "评审委员会委员"
    REVIEWER = "reviewer", "评审专家"
    AGENCY = "agency", "评审机构工作人员"
    SUPERVISOR = "supervisor", "纪检监察（只读）"
    ADMIN = "admin", "辖区管理员"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        unique_together = [("user", "body", "role")]
        verbose_name = verbose_name_plural = "岗位"

    def __str__(self):
        return f"{self.user} · {self.body} · {self.get_role_display()}"


class Award(models.Model):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="awards")
    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField("奖项名称", max_length=80)
    office = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+", verbose_name="办公室")
    committee = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="评审委员会"
    )

    class Meta:
        ordering = ["jurisdiction__code", "slug"]
        verbose_name = verbose_name_plural = "质量奖"

    def __str__(self):
        return self.name


class Ruleset(models.Model):
    """One version of an award's regulation as data. Never edited once a cycle uses it: an edit is a new
    version (see services.ruleset_save_new_version)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="rulesets")
    version = models.PositiveIntegerField()
    document_number = models.CharField("文号", max_length=80)
    issued = models.DateField("发布日期", null=True, blank=True)
    # empty where the regulation takes effect on its issue date and the source does not give that date (自印发之日起施行)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_until = models.DateField("失效日期", null=True, blank=True)
    data = models.JSONField("规则")
    note = models.CharField("修订说明", max_length=200, blank=True)
    # Saved although it breaks rule cases of the award (jurisdictions.rule_checks): why, and which cases.
    save_reason = models.TextField("保存理由", blank=True)
    broken_cases = models.JSONField("保存时不通过的规则用例", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["award", "-version"]
        unique_together = [("award", "version")]
        verbose_name = verbose_name_plural = "规则版本"

    def __str__(self):
        return f"{self.award} 第{self.version}版（{self.document_number}）"

    def in_force_on(self, day) -> bool:
        started = self.effective_from is None or self.effective_from <= day
        return started and (self.effective_until is None or day <= self.effective_until)


class CalendarOverride(models.Model):
    """A day whose working status staff entered from a State Council notice the library does not know."""

    day = models.DateField("日期", unique=True)
    is_working = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=60, blank=True)
    source = models.CharField("依据文件", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["day"]
        verbose_name = verbose_name_plural = "工作日调整"


class CalendarYear(models.Model):
    """A year staff declared complete: every holiday and make-up day of its notice has been entered."""

    year = models.PositiveIntegerField(unique=True)
    source = models.CharField("依据文件", max_length=200)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "已录入年度"
