"""Display helpers for notices: the window sentence, exactly as the calendar's Window.label() writes it."""
from jurisdictions.calendar import Window


def window_label(notice) -> str:
    """公示期：2025年9月30日至2025年10月13日（5个工作日） — without the prefix; empty without a window."""
    if not (notice.first_day and notice.last_day and notice.length and notice.unit):
        return ""
    return Window(notice.opened_on or notice.first_day, notice.first_day, notice.last_day, notice.length, notice.unit).label()


def window_prefix(notice) -> str:
    from .models import NoticeKind

    return "征求意见期" if notice.kind == NoticeKind.PUBLIC_COMMENT else "公示期"
