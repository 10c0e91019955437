"""Bans on applying (禁止申报): the one place a ban is written, whichever action finds its ground.

A ruleset's `bans` say for which ground (`reason`), for how long (years or cycles) and whom they reach
(`applies_to`): "winners" — written only when a title won on that ground is revoked (内蒙古 第二十八条, 兴安盟
第二十六条, 二连浩特 第二十八条, 瀍河 第二十八条、第二十九条); "applicants" — written wherever the ground is found, at
any stage of the application, on an objection, or by revoking the title (塔城 第三十二条 隐瞒有关情况或者提供虚假材料).
`ban_write` is part of the action that found the ground (a revocation, a refusal at a stage, an objection's
decision): it runs inside that action's transaction, whose audit entry records the ban.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Max

from core.period import Period
from jurisdictions.models import Award
from jurisdictions.rules import Rules
from jurisdictions.selectors import ruleset_in_force

from .models import Applicant, Application, Ban, Grant


def rules_for_grant(grant: Grant, *, on: dt.date) -> Rules | None:
    """The rules a title is judged by: those its cycle opened with. A past winner imported from paper history
    has no cycle run here: the award's ruleset in force on the award date; where the product holds no version
    in force then (the regulation of that time was never entered), the one in force on `on` (the decision
    date); failing both, the earliest version on file (the one the history import filed its cycle under)."""
    if grant.cycle_id:
        return Rules(grant.cycle.ruleset.data)
    award = grant.award
    ruleset = (ruleset_in_force(award, grant.awarded_on) or ruleset_in_force(award, on)
               or award.rulesets.order_by("version").first())
    return Rules(ruleset.data) if ruleset else None


def ban_write(*, applicant: Applicant, award: Award, rules: Rules | None, reason: str, revoked: bool, on: dt.date,
              grant: Grant | None = None, application: Application | None = None, note: str = "") -> Ban | None:
    """Writes the ban `rules` give for `reason` when its ground is found on `on` (by revoking the title when
    `revoked`, otherwise at a stage or on an objection); None when the rules give none for that finding. A ban
    of N years runs to the same date N years later (民法典 第二百零一条); a ban of N cycles bars the next N
    cycles opened after the decision."""
    rule = rules.ban_for(reason, revoked=revoked) if rules else None
    if rule is None:
        return None
    ban = Ban(applicant=applicant, award=award, reason=reason, starts_on=on, article=rule.get("article") or "", grant=grant,
              application=application, note=note[:300])
    if rule["unit"] == "years":
        ban.ends_on = Period.from_rule(rule).after(on)
    else:
        fallback = grant.cycle_number if grant else (application.cycle.number if application else 0)
        last = award.cycles.aggregate(n=Max("number"))["n"] or fallback
        ban.through_cycle_number = last + rule["length"]
    ban.save()
    return ban


def ban_summary(ban: Ban | None) -> str:
    """What a ban means, in a sentence for the page that wrote it."""
    if ban is None:
        return ""
    until = f"至 {ban.ends_on:%Y-%m-%d}" if ban.ends_on else f"第 {ban.through_cycle_number} 届及以前"
    return f"依{ban.article}禁止申报（{until}）"
