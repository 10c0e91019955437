"""200 applications × 40 experts: conflict-free, three reviewers each, loads within one."""
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from awards.models import Applicant, Application
from review import selectors, services
from review.models import ApplicationUserObjectPermission, Assignment, ConflictDeclaration, ConflictRelation, Expert

from . import factories as f

pytestmark = pytest.mark.django_db
INDUSTRIES = ["制造业", "服务业", "农牧业", "建筑业", "能源"]


def test_assign_200_applications_to_40_experts():
    rng = random.Random(2026)
    award = f.award("nm-chairman")
    cycle = f.cycle("nm-chairman")
    office = f.office_user(award)
    county = f.county_of(award)
    applicants = Applicant.objects.bulk_create([
        Applicant(kind="organization", name=f"测试企业{i:03d}有限公司", county=county, industry=INDUSTRIES[i % 5])
        for i in range(200)])
    apps = Application.objects.bulk_create([
        Application(cycle=cycle, applicant=a, category="organization", reference=f"NM-2026-{i:04d}",
                    stage="material_review", status="pending") for i, a in enumerate(applicants)])
    users = get_user_model().objects.bulk_create([get_user_model()(username=f"scale-expert-{j}") for j in range(40)])
    experts = Expert.objects.bulk_create([
        Expert(jurisdiction=award.jurisdiction, user=users[j], name=f"专家{j:02d}",
               # 15 experts work for an applicant (automatic conflict)
               employer=applicants[rng.randrange(200)].name if j < 15 else f"高校{j}",
               industries=rng.sample(INDUSTRIES, 2)) for j in range(40)])
    ConflictDeclaration.objects.bulk_create([
        ConflictDeclaration(expert=experts[rng.randrange(40)], applicant=applicants[rng.randrange(200)],
                            relation=ConflictRelation.CONSULTANCY, declared_at=cycle.created_at) for _ in range(60)])
    conflicts = selectors.conflicts_between(experts, Application.objects.filter(cycle=cycle).select_related("applicant__parent"))
    assert len(conflicts) >= 60

    summary = services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)  # timed in bench/

    rows = list(Assignment.objects.filter(application__cycle=cycle).values_list("application_id", "expert_id"))
    assert summary["created"] == len(rows) == 600
    per_app = Counter(a for a, _ in rows)
    assert set(per_app.values()) == {3} and len(per_app) == 200
    assert len(set(rows)) == 600  # no expert twice on one application
    assert not [pair for pair in rows if pair in conflicts]
    loads = Counter(e for _, e in rows)
    assert len(loads) == 40 and max(loads.values()) - min(loads.values()) <= 1
    assert sorted(set(loads.values())) == [15]
    # industry matched wherever balance allowed
    industry_of = {a.pk: applicants[i].industry for i, a in enumerate(apps)}
    covers = {e.pk: e.industries for e in experts}
    matched = sum(1 for a, e in rows if industry_of[a] in covers[e])
    assert matched == 600 - summary["mismatches"]
    assert summary["mismatches"] < 60
    # one object permission per (reviewer, application), and only for assigned applications
    assert ApplicationUserObjectPermission.objects.filter(content_object__cycle=cycle).count() == 600
    some = experts[20]
    mine = set(Assignment.objects.filter(expert=some).values_list("application_id", flat=True))
    some.user.refresh_from_db()
    assert {a.pk for a in apps if some.user.has_perm("awards.view_application", a)} == mine
