"""Review agencies under contract (still here until review owns them). Thin models: writes go through
awards.programme."""
from django.conf import settings
from django.db import models

from core import clock

from jurisdictions.models import Award, Body, BodyKind

from .models import Cycle


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


__all__ = ["ReviewAgency", "AgencyContract"]
