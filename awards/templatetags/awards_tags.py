"""Small display helpers for the pipeline pages."""
from django import template

from jurisdictions.rules import STAGE_LABELS

register = template.Library()


@register.filter
def stage_label(code: str) -> str:
    return STAGE_LABELS.get(code, code)


@register.filter
def filesize(n) -> str:
    n = int(n or 0)
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB" if n else "0 KB"


@register.filter
def outcome_class(outcome: str) -> str:
    return {"pass": "ok", "fail": "bad", "judgement": "warn"}.get(outcome, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
