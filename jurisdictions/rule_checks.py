"""Checks a ruleset version must face before it is saved, registered by the apps above jurisdictions.

jurisdictions cannot import the rule cases (publicity runs them through every app's services), so publicity
registers a checker here when it starts (`register_ruleset_checker`), and the ruleset service asks every
registered checker which of the award's cases a candidate version breaks before it saves it."""
from __future__ import annotations

from typing import Callable

from core.errors import DomainError

_CHECKERS: list[Callable] = []


def register_ruleset_checker(checker: Callable) -> Callable:
    """Adds a checker (once): `checker(award=..., data=...)` returns the cases the candidate `data` breaks,
    each {"name", "article", "failure"}: a case that holds on the version edited and fails on the candidate,
    `failure` saying in Chinese which step failed and how."""
    if checker not in _CHECKERS:
        _CHECKERS.append(checker)
    return checker


def broken_cases(*, award, data: dict) -> list[dict]:
    """Every registered checker's broken cases for this candidate version of the award's ruleset."""
    out: list[dict] = []
    for checker in list(_CHECKERS):
        out.extend({"name": b["name"], "article": b.get("article", ""), "failure": b.get("failure", "")}
                   for b in checker(award=award, data=data))
    return out


class RulesetBreaksCases(DomainError):
    """A new version breaks rule cases of the award and no reason was given for saving it anyway."""

    code = "breaks_rule_cases"

    def __init__(self, broken: list[dict]):
        names = "、".join(f"“{b['name']}”" for b in broken[:3]) + ("等" if len(broken) > 3 else "")
        super().__init__(f"新版本会使 {len(broken)} 个规则用例不通过（{names}）。如确需保存，请填写保存理由，"
                         "理由和不通过的用例将记录在该版本上。", field="save_reason")
        self.broken = broken
