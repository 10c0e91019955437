"""Builders for review tests. awards has no services for cycles/applications yet, so cycles, applicants
and applications are created directly with the models; everything review does goes through its services."""
from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from awards.models import Applicant, Application, Cycle
from jurisdictions.models import Award, Jurisdiction, Membership, Role
from review import services
from review.models import Expert

_seq = itertools.count(1)


def award(slug="erenhot-mayor") -> Award:
    return Award.objects.select_related("jurisdiction", "office", "committee").get(slug=slug)


def cycle(slug="erenhot-mayor", *, number=None, year=2026) -> Cycle:
    a = award(slug)
    return Cycle.objects.create(award=a, ruleset=a.rulesets.first(), year=year, number=number or next(_seq),
                                opened_on=dt.date(year, 3, 1), filing_deadline=dt.date(year, 5, 31))


def county_of(a: Award) -> Jurisdiction:
    j = a.jurisdiction
    if j.level == "county":
        return j
    return Jurisdiction.objects.filter(level="county", code__startswith=j.code[:2]).order_by("code").first()


def user(username=None, *, role=None, body=None):
    u = get_user_model().objects.create_user(username or f"u{next(_seq)}", password="Zlj-test-2026!")
    if role:
        Membership.objects.create(user=u, body=body, role=role)
    return u


def office_user(a: Award, username=None):
    return user(username, role=Role.OFFICE, body=a.office)


def committee_user(a: Award, username=None):
    return user(username, role=Role.COMMITTEE, body=a.committee)


def applicant(a: Award, name: str, *, industry="制造业", parent=None, kind="organization", employer="") -> Applicant:
    return Applicant.objects.create(kind=kind, name=name, county=county_of(a), industry=industry, parent=parent,
                                    employer=employer, credit_code=None)


def application(c: Cycle, app: Applicant, *, stage="material_review", status="pending", category=None) -> Application:
    n = next(_seq)
    return Application.objects.create(cycle=c, applicant=app, category=category or app.kind, stage=stage, status=status,
                                      reference=f"T{c.pk:03d}-{n:05d}")


def expert(a: Award, name: str, *, employer="", industries=("制造业",), with_user=True, actor=None) -> Expert:
    u = user(f"exp{next(_seq)}") if with_user else None
    return services.expert_create(jurisdiction=a.jurisdiction, name=name, employer=employer, industries=list(industries),
                                  user=u, actor=actor)
