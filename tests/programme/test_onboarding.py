"""New tenants (塔城 第三十七条: 鼓励和支持各县（市）设立政府质量奖励制度): a jurisdiction administrator creates a county
award from a template ruleset, without code, and a full cycle runs on it."""
import datetime as dt

import pytest

from awards.simulation import simulate_cycle
from core.errors import DomainError, NotPermitted
from core.models import AuditEntry
from jurisdictions import onboarding
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Membership
from jurisdictions.rules import Rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def tacheng_admin(make_user):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="Zlj-test-2026!")
    admin = make_user("tc-admin")
    body = Body.objects.get(jurisdiction__code="654200", kind=BodyKind.MARKET_REGULATION)
    with pytest.raises(NotPermitted):
        onboarding.jurisdiction_admin_grant(actor=admin, user=admin, body=body)
    onboarding.jurisdiction_admin_grant(actor=root, user=admin, body=body)
    return admin


def onboard(admin, **kw):
    args = dict(parent=Jurisdiction.objects.get(code="654200"), code="654221", jurisdiction_name="额敏县", award_name="额敏县县长质量奖",
                slug="emin-county", template=Award.objects.get(slug="tacheng-prefecture"), document_number="额政办发〔2025〕1号",
                issued=dt.date(2024, 12, 20), effective_from=dt.date(2025, 1, 1), office_name="", committee_name="")
    args.update(kw)
    return onboarding.award_onboard(actor=admin, **args)


def test_onboard_emin_from_the_tacheng_template_and_simulate_a_cycle(tacheng_admin):
    award = onboard(tacheng_admin)
    assert (award.jurisdiction.code, award.name, award.office.name) == ("654221", "额敏县县长质量奖", "额敏县质量奖办公室")
    ruleset = award.rulesets.get()
    rules = Rules(ruleset.data)
    tacheng = Rules(Award.objects.get(slug="tacheng-prefecture").rulesets.order_by("-version").first().data)
    assert (ruleset.version, ruleset.document_number, ruleset.effective_from) == (1, "额政办发〔2025〕1号", dt.date(2025, 1, 1))
    assert rules.stage_codes == tacheng.stage_codes and rules.quota("organization") == 3
    assert ruleset.data["template"] == {"award": "tacheng-prefecture", "version": 1}
    assert Membership.objects.filter(user=tacheng_admin, body=award.office, role="office").exists()
    assert AuditEntry.objects.filter(action="award.onboard", object_id=str(award.pk)).exists()

    out = simulate_cycle("emin-county", applicants=8, seed=3)
    assert 1 <= len(out["winners"]) <= 3  # 塔城 第四条 (copied): 每届不超过3个组织
    assert {w["category"] for w in out["winners"]} == {"organization"}
    assert all(w["serial"].startswith("654221-") for w in out["winners"])


def test_the_tree_grows_under_the_parents_prefix_only(tacheng_admin):
    award = onboard(tacheng_admin, code="654299", jurisdiction_name="示例新县", slug="new-county", award_name="示例新县县长质量奖")
    assert (award.jurisdiction.parent.code, award.jurisdiction.level) == ("654200", "county")
    assert Body.objects.filter(jurisdiction=award.jurisdiction, kind=BodyKind.MARKET_REGULATION).exists()
    with pytest.raises(DomainError, match="不在上级 塔城地区（654200）的代码段 6542xxxx 内"):
        onboard(tacheng_admin, code="650101", jurisdiction_name="乱码县", slug="bad", award_name="乱码奖")
    with pytest.raises(DomainError, match="乌兰浩特市（152201）不在塔城地区之下"):
        onboard(tacheng_admin, code="152201", slug="wlht")


def test_only_an_admin_of_the_parent_may_onboard(make_user):
    with pytest.raises(NotPermitted):
        onboard(make_user("not-admin"))


# ---- the pages: forms, scoped to what the user administers ---------------------------------------------------
FORM = {"code": "654221", "jurisdiction_name": "额敏县", "award_name": "额敏县县长质量奖", "slug": "emin-county",
        "template": "tacheng-prefecture", "document_number": "额政办发〔2025〕1号", "issued": "2024-12-20", "effective_from": "2025-01-01"}


def _field_errors(response, field):
    import re

    block = re.search(rf'<ul class="errorlist" id="id_{field}-errors">(.*?)</ul>', response.content.decode(), re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def test_onboarding_in_another_tenants_jurisdiction_is_a_form_error(client, tacheng_admin):
    client.force_login(tacheng_admin)
    xam = Jurisdiction.objects.get(code="152200")
    r = client.post("/programme/onboard/", {**FORM, "parent": xam.pk, "code": "152201"})
    assert r.status_code == 400
    assert _field_errors(r, "parent") == ["请选择您管理的辖区（只能在您担任辖区管理员的辖区设立奖项）。"]
    tacheng = Jurisdiction.objects.get(code="654200")
    r = client.post("/programme/onboard/", {**FORM, "parent": tacheng.pk, "code": "152201", "slug": "wlht"})
    assert _field_errors(r, "code") == ["乌兰浩特市（152201）不在塔城地区之下。"]  # the service's rule, beside its field
    r = client.post("/programme/onboard/", {**FORM, "parent": tacheng.pk, "slug": "额敏"})
    assert _field_errors(r, "slug") == ["奖项代码只能包含小写字母、数字和连字符。"]
    assert not Award.objects.filter(slug__in=["emin-county", "wlht"]).exists()
    r = client.post("/programme/onboard/", {**FORM, "parent": tacheng.pk})
    assert r.status_code == 302 and r["Location"] == "/programme/onboard/emin-county/"
    ruleset = Award.objects.get(slug="emin-county").rulesets.get()
    assert ruleset.note == "以塔城地区政府质量奖第1版为模板设立"  # no article of 塔城's regulation cited for 额敏


def test_the_onboarding_page_cites_the_parents_own_article_or_none(client, make_user, tacheng_admin):
    client.force_login(tacheng_admin)
    page = client.get("/programme/onboard/").content.decode()
    assert "塔城地区政府质量奖的管理办法鼓励和支持下级设立质量奖励制度（第三十七条）。" in page
    xam_admin = make_user("xam-admin-t", role="admin", body=Body.objects.get(jurisdiction__code="152200", kind=BodyKind.MARKET_REGULATION))
    client.force_login(xam_admin)
    page = client.get("/programme/onboard/").content.decode()
    assert "第三十七条" not in page and "鼓励和支持下级" not in page
    assert "兴安盟（152200）" in page and "塔城地区（654200）" not in page.split('id="id_parent"')[1].split("</select>")[0]


def test_only_a_superuser_names_jurisdiction_admins_and_errors_show_beside_the_field(client, make_user):
    from django.contrib.auth import get_user_model

    body = Body.objects.get(jurisdiction__code="654200", kind=BodyKind.MARKET_REGULATION)
    future = make_user("future-admin")
    client.force_login(make_user("plain-office", role="office", body=Award.objects.get(slug="tacheng-prefecture").office))
    assert client.get("/programme/admins/").status_code == 404
    assert client.post("/programme/admins/", {"username": future.username, "body": body.pk}).status_code == 404
    client.force_login(get_user_model().objects.create_superuser("root-web", password="Zlj-test-2026!"))
    r = client.post("/programme/admins/", {"username": "nobody-here", "body": body.pk})
    assert r.status_code == 400 and _field_errors(r, "username") == ["没有该用户名的账户。"]
    r = client.post("/programme/admins/", {"username": future.username, "body": 10**9})
    assert _field_errors(r, "body") == ["请从列表中选择机构。"]
    r = client.post("/programme/admins/", {"username": future.username, "body": body.pk})
    assert r.status_code == 302
    assert list(Membership.objects.filter(user=future).values_list("body__name", "role")) == [(body.name, "admin")]
