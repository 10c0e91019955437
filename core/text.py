"""Names and codes a person types: normalised (NFKC) and free of invisible characters.

Zero-width spaces and joiners (U+200B–U+200D, U+2060, U+FEFF), bidi overrides (U+202A–U+202E, U+2066–U+2069) and
other format characters (Unicode category Cf) are invisible on every page, so "某某有限公司" with a U+200B inside
looks identical to the real name while comparing unequal: it defeated the conflict-of-interest check. `typed`
refuses them where a person enters a name or code; `comparable` is the one form every comparison that decides
something (conflicts, duplicate names) uses."""
from __future__ import annotations

import re
import unicodedata

from .errors import DomainError

_SPACES = re.compile(r"\s+")


def _hidden(value: str) -> list[str]:
    return [ch for ch in value if unicodedata.category(ch) in ("Cf", "Cc", "Co", "Cs") and ch not in "\n\r\t"]


def typed(value: str | None, *, label: str, field: str | None = None) -> str:
    """The value NFKC-normalised and stripped; refused (in Chinese, naming the field) when it holds an invisible
    or control character."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    hidden = _hidden(text) or [ch for ch in text if ch in "\n\r\t"]
    if hidden:
        codes = "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in hidden))
        raise DomainError(f"{label}中含有不可见字符或控制字符（{codes}），请删除后重新填写。", field=field, code="invisible_characters")
    return text


def comparable(value: str | None) -> str:
    """The form in which two names are compared: NFKC, no format characters, no whitespace, case-folded
    (full-width brackets and letters become their ASCII forms under NFKC)."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SPACES.sub("", text).casefold()
