"""Conflicts of interest: detected automatically and declared; a conflicted expert is never assigned and
never shown the application; access ends when the panel dissolves."""
import pytest

from core.errors import DomainError, NotPermitted
from review import selectors, services
from review.models import ApplicationUserObjectPermission, Assignment, ConflictRelation

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    group = f.applicant(award, "二连浩特华能集团有限公司")
    branch = f.applicant(award, "二连浩特华能集团热电分公司", parent=group)
    sister = f.applicant(award, "二连浩特华能集团口岸物流公司", parent=group)
    other = f.applicant(award, "二连浩特蒙源乳业有限公司", industry="农牧业")
    apps = {"branch": f.application(cycle, branch), "other": f.application(cycle, other)}
    experts = {
        "same_parent": f.expert(award, "张工", employer="二连浩特华能集团有限公司"),  # the branch's parent
        "sister": f.expert(award, "李工", employer=sister.name),  # employer shares the parent with the branch
        "declared": f.expert(award, "王教授", employer="内蒙古大学"),
        "clean1": f.expert(award, "赵研究员", employer="自治区标准化院"),
        "clean2": f.expert(award, "钱高工", employer="自治区计量院"),
        "clean3": f.expert(award, "孙教授", employer="内蒙古工业大学"),
    }
    services.conflict_declare(expert=experts["declared"], relation=ConflictRelation.CONSULTANCY,
                              organisation_name="二连浩特蒙源乳业有限公司", note="2024年提供卓越绩效辅导", actor=office)
    return award, cycle, office, apps, experts


def test_automatic_and_declared_conflicts(setup):
    award, cycle, office, apps, experts = setup
    found = selectors.conflicts_between(experts.values(), apps.values())
    assert (apps["branch"].pk, experts["same_parent"].pk) in found
    assert (apps["branch"].pk, experts["sister"].pk) in found
    assert (apps["other"].pk, experts["declared"].pk) in found
    assert "咨询" in found[(apps["other"].pk, experts["declared"].pk)]
    assert len(found) == 3


def test_manual_assignment_of_conflicted_expert_refused(setup):
    award, cycle, office, apps, experts = setup
    with pytest.raises(DomainError) as e:
        services.assignment_create(application=apps["branch"], expert=experts["same_parent"], stage="material_review", actor=office)
    assert e.value.code == "conflict"
    assert not Assignment.objects.exists()


def test_conflicted_expert_never_assigned_nor_shown(setup, client):
    award, cycle, office, apps, experts = setup
    summary = services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    assert summary["created"] == 6
    pairs = set(Assignment.objects.values_list("application_id", "expert_id"))
    assert (apps["branch"].pk, experts["same_parent"].pk) not in pairs
    assert (apps["branch"].pk, experts["sister"].pk) not in pairs
    assert (apps["other"].pk, experts["declared"].pk) not in pairs

    conflicted_user = experts["same_parent"].user
    assert not conflicted_user.has_perm("awards.view_application", apps["branch"])
    client.force_login(conflicted_user)
    mine = client.get("/api/v1/review/assignments/").json()
    assert apps["branch"].reference not in {a["application_reference"] for a in mine}
    # every assignment id of the branch application answers 404 to the conflicted expert
    for a in Assignment.objects.filter(application=apps["branch"]):
        assert client.get(f"/review/assignments/{a.pk}/").status_code == 404
        assert client.post(f"/api/v1/review/assignments/{a.pk}/scores/", {"scores": []}, content_type="application/json").status_code == 404


def test_conflict_declared_after_assignment_revokes_access(setup, client):
    award, cycle, office, apps, experts = setup
    a = services.assignment_create(application=apps["branch"], expert=experts["clean1"], stage="material_review", actor=office)
    user = experts["clean1"].user
    client.force_login(user)
    page = client.get(f"/review/assignments/{a.pk}/")
    assert page.status_code == 200 and "二连浩特华能集团热电分公司" in page.content.decode()
    services.conflict_declare(expert=experts["clean1"], relation=ConflictRelation.FORMER_EMPLOYER,
                              applicant=apps["branch"].applicant, year_from=2015, year_to=2019, actor=user)
    a.refresh_from_db()
    assert a.revoked_at is not None and "利益冲突" in a.revoke_reason
    assert client.get(f"/review/assignments/{a.pk}/").status_code == 404
    assert not ApplicationUserObjectPermission.objects.filter(user=user).exists()


def test_other_reviewer_cannot_open_an_assignment(setup, client):
    award, cycle, office, apps, experts = setup
    a = services.assignment_create(application=apps["other"], expert=experts["clean1"], stage="material_review", actor=office)
    client.force_login(experts["clean2"].user)
    assert client.get(f"/review/assignments/{a.pk}/").status_code == 404
    assert not experts["clean2"].user.has_perm("awards.view_application", apps["other"])
    assert experts["clean1"].user.has_perm("awards.view_application", apps["other"])


def test_panel_draw_excludes_conflicts_records_seed_and_dissolve_ends_access(setup, client):
    award, cycle, office, apps, experts = setup
    panel = services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=42, actor=office)
    members = set(panel.members.values_list("pk", flat=True))
    assert panel.seed == 42 and len(members) == 3
    assert members <= {experts[k].pk for k in ("clean1", "clean2", "clean3")}
    with pytest.raises(DomainError) as e:
        services.panel_draw(cycle=cycle, stage="material_review", size=1, actor=office)
    assert e.value.code == "pool_too_small"  # the three clean experts are already on a panel
    with pytest.raises(DomainError):
        services.panel_adjust(panel=panel, add=[experts["sister"]], reason="补充", actor=office)
    with pytest.raises(DomainError):
        services.panel_adjust(panel=panel, remove=[experts["clean3"]], reason=" ", actor=office)

    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    a = Assignment.objects.filter(expert=experts["clean2"]).first()
    assert a.panel_id == panel.pk
    client.force_login(experts["clean2"].user)
    assert client.get(f"/review/assignments/{a.pk}/").status_code == 200
    assert services.panels_dissolve(cycle=cycle, actor=office) == 1
    assert client.get(f"/review/assignments/{a.pk}/").status_code == 404
    assert not experts["clean2"].user.has_perm("awards.view_application", a.application)
    assert client.get("/api/v1/review/assignments/").json() == []


def test_only_the_office_draws_and_assigns(setup):
    award, cycle, office, apps, experts = setup
    with pytest.raises(NotPermitted):
        services.assign_reviewers(cycle=cycle, stage="material_review", k=2, actor=experts["clean1"].user)
    other_office = f.office_user(f.award("chanhe-head"))
    with pytest.raises(NotPermitted):
        services.panel_draw(cycle=cycle, stage="material_review", size=2, actor=other_office)
