from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Append-only, hash-chained record of who did what. Never updated or deleted (a PostgreSQL trigger
    enforces it); `verify_audit_log` walks the chain and reports the first broken link."""

    created_at = models.DateTimeField(db_index=True)
    # No FK constraint: deleting a user must never touch (update) audit rows.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=40, blank=True)
    jurisdiction_code = models.CharField(max_length=6, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, default="success")
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
