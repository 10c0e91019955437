"""Builds data through the real services (clock frozen inside a ruleset's force and known calendar years)."""
import datetime as dt

from core import clock
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Membership

from awards import services
from awards.simulation import _credit_code, _user
import random

START = dt.datetime(2025, 9, 1, 9, tzinfo=clock.SHANGHAI)


def staff(username, role, body):
    return _user(username, username, role, body)


def open_cycle(slug, *, when=START, office=None):
    award = Award.objects.get(slug=slug)
    office = office or staff(f"{slug}-office-t", "office", award.office)
    with clock.frozen_at(when):
        cycle = services.cycle_open(award=award, actor=office, year=when.year, filing_deadline=(when + dt.timedelta(days=40)).date(),
                                    plan_approval_body="批准机关", plan_approval_document="批〔2025〕1号", plan_approval_date=when.date())
    return cycle, office


def org(username, county_code, *, years=10, name=None, seed=0):
    county = Jurisdiction.objects.get(code=county_code)
    user = _user(username, username)
    applicant = services.applicant_register_organization(
        user=user, name=name or f"{county.name}测试{username}有限公司", credit_code=_credit_code(random.Random(hash(username) + seed), county),
        county=county, legal_form="legal_person", registration_date=dt.date(2025 - years, 1, 1))
    return applicant, user


GOOD_DECLARATION = {"quality_system_years": 4, "accident_dates": [], "violation_dates": [], "loss_years": [], "policy_compliance": True,
                    "licences": True, "tax_paid_locally": True, "good_credit": True, "on_abnormal_list": False,
                    "on_serious_violation_list": False, "contains_state_secrets": False}


def filed(cycle, applicant, user, *, when=START):
    with clock.frozen_at(when):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评报告",
                                    recommendation="同意推荐", internal_publicity_from=dt.date(2025, 9, 1), internal_publicity_to=dt.date(2025, 9, 5))
    with clock.frozen_at(when + dt.timedelta(days=7)):
        return services.application_submit(application=app, actor=user)
