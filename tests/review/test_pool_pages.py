"""The office's expert-pool pages: list with filters, create/edit (with a login), conflicts, past record, and
manual assign/unassign with a reason; another tenant gets 404; errors in Chinese beside the field."""
import pytest

from core.models import AuditEntry
from review.models import Assignment, ConflictDeclaration, Expert

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    award = f.award("erenhot-mayor")
    office = f.office_user(award)
    experts = {
        "zhao": f.expert(award, "赵研究员", employer="自治区标准化院", industries=("制造业",)),
        "qian": f.expert(award, "钱高工", employer="自治区计量院", industries=("农牧业",)),
        "sun": f.expert(award, "孙教授", employer="内蒙古工业大学", industries=("制造业", "物流"), with_user=False),
    }
    from review import services

    services.expert_update(expert=experts["sun"], actor=office, active=False)
    return award, office, experts


def test_list_filters_by_industry_and_active(pool, client):
    award, office, experts = pool
    client.force_login(office)
    html = client.get("/review/experts/").content.decode()
    assert all(e.name in html for e in experts.values()) and "共 3 人" in html
    html = client.get("/review/experts/?industry=制造业").content.decode()
    assert "赵研究员" in html and "孙教授" in html and "钱高工" not in html
    html = client.get("/review/experts/?industry=制造业&active=1").content.decode()
    assert "赵研究员" in html and "孙教授" not in html and "共 1 人" in html
    html = client.get("/review/experts/?active=0").content.decode()
    assert "孙教授" in html and "赵研究员" not in html


def test_create_with_new_login_and_edit(pool, client):
    award, office, experts = pool
    client.force_login(office)
    r = client.post("/review/experts/new/", {"name": "周教授", "employer": "内蒙古大学", "title": "教授",
                                             "industries": "制造业、能源", "contact": "0479-1234567", "active": "on",
                                             "new_username": "zhou-expert", "new_password": "Zlj-expert-2026!"})
    assert r.status_code == 302
    e = Expert.objects.get(name="周教授")
    assert (e.employer, e.title, e.industries, e.active, e.user.username) == ("内蒙古大学", "教授", ["制造业", "能源"], True, "zhou-expert")
    assert e.user.memberships.filter(role="reviewer").exists()
    assert AuditEntry.objects.filter(action="expert.create", object_id=str(e.pk)).exists()
    r = client.post(f"/review/experts/{e.pk}/", {"action": "edit", "name": "周教授", "employer": "内蒙古农业大学",
                                                 "industries": "农牧业", "username": "zhou-expert"})
    assert r.status_code == 302
    e.refresh_from_db()
    assert (e.employer, e.industries, e.active) == ("内蒙古农业大学", ["农牧业"], False)
    entry = AuditEntry.objects.get(action="expert.update", object_id=str(e.pk))
    assert entry.data["changed"]["employer"] == ["内蒙古大学", "内蒙古农业大学"]


def test_chinese_errors_beside_the_field(pool, client):
    award, office, experts = pool
    client.force_login(office)
    html = client.post("/review/experts/new/", {"name": "吴工", "username": "no-such-user"}).content.decode()
    assert "登录名“no-such-user”不存在。" in html
    html = client.post("/review/experts/new/", {"name": "吴工", "new_username": "wu", "new_password": ""}).content.decode()
    assert "新建登录账号须设置初始密码。" in html
    e = experts["zhao"]
    html = client.post(f"/review/experts/{e.pk}/", {"action": "conflict", "relation": "former_employer",
                                                    "organisation_name": "二连浩特华能集团有限公司"}).content.decode()
    assert "曾任职单位须填写任职起止年份。" in html
    assert not ConflictDeclaration.objects.exists()


def test_conflicts_add_and_remove_and_past_record(pool, client):
    award, office, experts = pool
    e = experts["zhao"]
    cycle = f.cycle("erenhot-mayor", year=2024)
    app = f.application(cycle, f.applicant(award, "二连浩特华能集团有限公司"))
    from review import services

    a = services.assignment_create(application=app, expert=e, stage="material_review", actor=office, reason="补充专家")
    client.force_login(office)
    html = client.get(f"/review/experts/{e.pk}/").content.decode()
    assert "既往评审记录" in html and app.reference in html and "2024" in html and "未提交" in html
    for relation, years in (("employer", {}), ("former_employer", {"year_from": "2015", "year_to": "2019"}),
                            ("consultancy", {}), ("shareholding", {}), ("family", {})):
        r = client.post(f"/review/experts/{e.pk}/", {"action": "conflict", "relation": relation,
                                                     "organisation_name": "二连浩特华能集团有限公司", **years})
        assert r.status_code == 302, relation
    assert ConflictDeclaration.objects.filter(expert=e).count() == 5
    html = client.get(f"/review/experts/{e.pk}/").content.decode()
    assert "2015–2019" in html and "亲属关系" in html and "持股" in html
    a.refresh_from_db()
    assert a.revoked_at is not None and a.revoke_reason == "申报利益冲突，自动回避"
    d = ConflictDeclaration.objects.filter(expert=e, relation="family").get()
    html = client.post(f"/review/experts/{e.pk}/", {"action": "remove_conflict", "conflict": d.pk, "reason": ""}).content.decode()
    assert "撤回利益冲突申报须填写理由。" in html
    r = client.post(f"/review/experts/{e.pk}/", {"action": "remove_conflict", "conflict": d.pk, "reason": "误报"})
    assert r.status_code == 302 and ConflictDeclaration.objects.filter(expert=e).count() == 4
    assert AuditEntry.objects.filter(action="conflict.remove").exists()


def test_other_tenant_gets_404(pool, client):
    award, office, experts = pool
    other_office = f.office_user(f.award("chanhe-head"))
    client.force_login(other_office)
    assert "赵研究员" not in client.get("/review/experts/").content.decode()
    assert client.get(f"/review/experts/{experts['zhao'].pk}/").status_code == 404
    assert client.post(f"/review/experts/{experts['zhao'].pk}/", {"action": "edit", "name": "x"}).status_code == 404
    assert Expert.objects.get(pk=experts["zhao"].pk).name == "赵研究员"
    reviewer = experts["zhao"].user
    client.force_login(reviewer)
    assert client.get("/review/experts/").status_code == 404


def test_manual_assign_and_unassign_with_reason(pool, client):
    award, office, experts = pool
    cycle = f.cycle("erenhot-mayor")
    group = f.applicant(award, "自治区标准化院")  # the same organisation as 赵研究员's employer
    app = f.application(cycle, group)
    client.force_login(office)
    url = f"/review/cycles/{cycle.pk}/material_review/assign/"
    html = client.post(url, {"action": "assign", "application": app.pk, "expert": experts["zhao"].pk, "reason": "熟悉行业"}).content.decode()
    assert "不能分配：专家工作单位“自治区标准化院”与申报主体相同或同属一个上级组织。" in html
    assert not Assignment.objects.exists()
    html = client.post(url, {"action": "assign", "application": app.pk, "expert": experts["qian"].pk, "reason": ""}).content.decode()
    assert "这个字段是必填项。" in html or "必填" in html
    r = client.post(url, {"action": "assign", "application": app.pk, "expert": experts["qian"].pk, "reason": "熟悉行业"})
    assert r.status_code == 302
    a = Assignment.objects.get()
    assert a.manual and AuditEntry.objects.get(action="review.assign_manual").data["reason"] == "熟悉行业"
    html = client.post(url, {"action": "revoke", "assignment": a.pk, "reason": ""}).content.decode()
    assert "撤销分配须填写理由。" in html
    r = client.post(url, {"action": "revoke", "assignment": a.pk, "reason": "专家因病请假"})
    a.refresh_from_db()
    assert r.status_code == 302 and a.revoke_reason == "专家因病请假"
    client.force_login(f.office_user(f.award("chanhe-head")))
    assert client.get(url).status_code == 404
