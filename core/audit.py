"""`log_action` writes one audit entry chained to the previous one by hash.

The chain is serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by its single
writer. Each entry's hash covers its own fields and the previous hash, so editing or deleting a row
breaks every later link.
"""
import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from .context import request_ip
from .models import AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 7_202_611  # arbitrary, fixed advisory-lock key for the audit chain
SENSITIVE_KEYS = {"password", "id_number", "phone", "token", "secret"}


def _scrub(data):
    if isinstance(data, dict):
        return {k: ("***" if k in SENSITIVE_KEYS else _scrub(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_scrub(v) for v in data]
    return data


def entry_digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.created_at.isoformat(),
            entry.actor_id,
            entry.actor_label,
            entry.role,
            entry.jurisdiction_code,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.object_repr,
            entry.outcome,
            entry.source_ip,
            entry.data,
        ],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def log_action(
    action: str,
    *,
    actor=None,
    obj=None,
    role: str = "",
    jurisdiction_code: str = "",
    outcome: str = "success",
    data: dict | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    # No savepoint of its own: nothing here is caught and retried, and the sweep writes thousands of entries.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        if actor is not None and not getattr(actor, "is_authenticated", False):
            actor = None
        entry = AuditEntry(
            created_at=timezone.now().replace(microsecond=0),
            actor=actor,
            actor_label=actor_label if actor_label is not None else (actor.get_username() if actor else "system"),
            role=role,
            jurisdiction_code=jurisdiction_code or "",
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            outcome=outcome,
            source_ip=request_ip.get(),
            data=json.loads(json.dumps(_scrub(data or {}), ensure_ascii=False, default=str)),
            prev_hash=last or GENESIS,
        )
        entry.hash = entry_digest(entry)
        entry.save(force_insert=True)
        return entry


def log_actions_bulk(entries: list[dict]) -> list[AuditEntry]:
    """Many entries in one chained, locked insert (the deadline sweep closes thousands at once). Each dict
    takes log_action's keyword arguments plus `action`."""
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        stamp = timezone.now().replace(microsecond=0)
        ip = request_ip.get()
        rows = []
        for e in entries:
            actor, obj = e.get("actor"), e.get("obj")
            if actor is not None and not getattr(actor, "is_authenticated", False):
                actor = None
            label = e.get("actor_label")
            entry = AuditEntry(
                created_at=stamp, actor=actor,
                actor_label=label if label is not None else (actor.get_username() if actor else "system"),
                role=e.get("role", ""), jurisdiction_code=e.get("jurisdiction_code", "") or "", action=e["action"],
                object_type=obj._meta.label if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
                object_repr=str(obj)[:200] if obj is not None else "", outcome=e.get("outcome", "success"), source_ip=ip,
                data=json.loads(json.dumps(_scrub(e.get("data") or {}), ensure_ascii=False, default=str)), prev_hash=prev)
            entry.hash = entry_digest(entry)
            prev = entry.hash
            rows.append(entry)
        return AuditEntry.objects.bulk_create(rows, batch_size=1000)


def verify_chain() -> tuple[int, AuditEntry | None]:
    """Returns (entries checked, first broken entry or None)."""
    prev = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if entry.prev_hash != prev or entry_digest(entry) != entry.hash:
            return count, entry
        prev = entry.hash
    return count, None
