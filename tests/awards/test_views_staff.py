"""Staff pages: workspace, pre-check queue and review page, the office's cycle pages, stage queue and
selection, approval/commendation/revocation, the supervisor's read-only log; tenancy (404) and query counts."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.models import Application, Status, SupplementRequest
from core import clock
from jurisdictions.models import Award, Body, BodyKind
from publicity.models import Notice

from .factories import START, filed, open_cycle, org, staff

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def at(day: str, hour=10):
    return clock.frozen_at(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.SHANGHAI))


def market(code):
    return Body.objects.get(jurisdiction__code=code, kind=BodyKind.MARKET_REGULATION)


@pytest.fixture
def tacheng():
    cycle, office = open_cycle("tacheng-prefecture")
    a1, u1 = org("tc-a1", "654201")
    with at("2025-09-01"):
        app = services.application_create(cycle=cycle, applicant=a1, category="organization", actor=u1)
        services.material_add(application=app, actor=u1, uploaded_file=SimpleUploadedFile("证明.pdf", PDF), title="证明材料", trade_secret=True)
    from .factories import GOOD_DECLARATION
    with at("2025-09-01"):
        services.application_update(application=app, actor=u1, declaration=dict(GOOD_DECLARATION), self_evaluation="自评",
                                    internal_publicity_from=dt.date(2025, 9, 1), internal_publicity_to=dt.date(2025, 9, 5))
    with at("2025-09-08"):
        app = services.application_submit(application=app, actor=u1)
    checker = staff("tc-checker", "precheck", market("654201"))
    return {"cycle": cycle, "office": office, "app": app, "applicant_user": u1, "checker": checker}


def test_workspace_lists_roles_with_their_pages(client, tacheng):
    sup = staff("tc-sup", "supervisor", Award.objects.get(slug="tacheng-prefecture").office)
    services.applicant_register_individual(user=sup, name="李四", id_number=_id(), county=market("654201").jurisdiction,
                                           employer="某公司", quality_work_years=5)
    client.force_login(sup)
    html = client.get("/workspace/").content.decode()
    assert "纪检监察（只读）" in html and 'href="/supervision/"' in html
    assert "申报单位/个人" in html and 'href="/apply/"' in html
    client.force_login(tacheng["office"])
    html = client.get("/workspace/").content.decode()
    assert 'href="/office/"' in html and "地区质量强区工作领导小组办公室（地区市场监督管理局）" in html


def _id():
    from awards.validators import id_check_char

    first = "65420119900101123"
    return first + id_check_char(first)


def test_precheck_queue_and_review_with_actions_and_publish(client, tacheng):
    app, checker = tacheng["app"], tacheng["checker"]
    client.force_login(checker)
    with at("2025-09-09"):
        html = client.get("/precheck/").content.decode()
        assert app.reference in html and "待办" in html and "塔城市市场监督管理局" in html
        page = client.get(f"/precheck/{app.pk}/").content.decode()
        assert "证明材料" in page and "第九条（二）" in page and "审查通过" in page
        r = client.get(f"/precheck/{app.pk}/materials/{app.materials.get().pk}/")
        assert r.status_code == 200 and r["X-Content-Type-Options"] == "nosniff" and r["Content-Disposition"].startswith("attachment")
        r = client.post(f"/precheck/{app.pk}/", {"what": "opinion", "kind": "recommendation", "body_name": "塔城市市场监督管理局", "text": "同意推荐"})
        assert r.status_code == 302
        r = client.post(f"/precheck/{app.pk}/", {"action": "reject", "reason": ""})
        assert r.status_code == 400 and "“不予通过”须填写书面理由。" in r.content.decode()
        r = client.post(f"/precheck/{app.pk}/", {"action": "approve"})
        assert r.status_code == 302
        app.refresh_from_db()
        assert app.status == Status.APPROVED and app.recommendation == "同意推荐"
        assert "发布公示名单" in client.get("/precheck/").content.decode()
        r = client.post("/precheck/publish/", {"cycle": app.cycle_id, "stage": "pre_check", "body": checker.memberships.get().body_id})
    assert r.status_code == 302
    notice = Notice.objects.get(stage="pre_check")
    assert (notice.first_day, notice.last_day, notice.issuer) == (dt.date(2025, 9, 9), dt.date(2025, 9, 15), "塔城市市场监督管理局")
    app.refresh_from_db()
    assert app.status == Status.IN_PUBLICITY


def test_precheck_supplement_one_item_per_line(client, tacheng):
    app = tacheng["app"]
    client.force_login(tacheng["checker"])
    with at("2025-09-09"):
        r = client.post(f"/precheck/{app.pk}/", {"what": "supplement", "items": "补充财务报表\n\n补充体系认证证书\n"})
    assert r.status_code == 302
    assert SupplementRequest.objects.get(application=app).items == ["补充财务报表", "补充体系认证证书"]
    app.refresh_from_db()
    assert app.status == Status.RETURNED
    client.force_login(tacheng["applicant_user"])
    page = client.get(f"/apply/{app.pk}/?step=status").content.decode()
    assert "补充财务报表" in page and "提交补正" in page
    with at("2025-09-10"):
        client.post(f"/apply/{app.pk}/supplement/", {"answer": "已补充"})
    app.refresh_from_db()
    assert (app.status, app.materials_version) == (Status.PENDING, 2)


def test_precheck_of_another_county_gets_404(client, tacheng):
    other = staff("tc-other", "precheck", market("654202"))
    client.force_login(other)
    app = tacheng["app"]
    assert client.get(f"/precheck/{app.pk}/").status_code == 404
    assert client.post(f"/precheck/{app.pk}/", {"action": "approve"}).status_code == 404
    assert client.get(f"/precheck/{app.pk}/materials/{app.materials.get().pk}/").status_code == 404
    assert app.reference not in client.get("/precheck/").content.decode()
    client.force_login(tacheng["applicant_user"])
    assert client.get("/precheck/").status_code == 404


def test_office_home_and_cycle_dashboard(client, tacheng):
    cycle = tacheng["cycle"]
    client.force_login(tacheng["office"])
    html = client.get("/office/").content.decode()
    assert "塔城地区政府质量奖" in html and f"/office/cycles/{cycle.pk}/" in html
    with at("2025-09-09"):
        r = client.get(f"/office/cycles/{cycle.pk}/?start=2025-09-29")
    html = r.content.decode()
    assert r.status_code == 200
    funnel = {row["code"]: row for row in r.context["funnel"]}
    assert funnel["filing"]["reached"] == 1 and funnel["pre_check"]["reached"] == 1 and funnel["qualification_review"]["reached"] == 0
    assert "<svg" in html and 'id="funnel"' in html
    assert "2025-10-11：申报截止" in html
    plan = {p.code: p for p in r.context["plan"]}
    # 5 working days from Mon 2025-09-29: 9-29, 9-30, (National Day holiday 10-1..10-8), 10-9, 10-10 and Sat 10-11 (调休)
    assert (plan["internal_publicity"].starts, plan["internal_publicity"].ends) == (dt.date(2025, 9, 29), dt.date(2025, 10, 11))
    assert plan["filing"].starts == dt.date(2025, 10, 12)
    assert "2025-10-11" in html.split('id="plan"')[1]
    with at("2025-09-09"):
        r = client.get(f"/office/cycles/{cycle.pk}/?start=2035-01-05")
    assert "工作日历尚未收录 2035 年的节假日安排" in r.content.decode()


def test_office_of_another_jurisdiction_gets_404(client, tacheng):
    other = staff("erenhot-office-x", "office", Award.objects.get(slug="erenhot-mayor").office)
    client.force_login(other)
    cycle, app = tacheng["cycle"], tacheng["app"]
    assert client.get(f"/office/cycles/{cycle.pk}/").status_code == 404
    assert client.get(f"/office/cycles/{cycle.pk}/stage/pre_check/").status_code == 404
    assert client.get(f"/office/applications/{app.pk}/").status_code == 404
    assert client.get("/office/awards/tacheng-prefecture/open/").status_code == 404
    client.force_login(tacheng["applicant_user"])
    assert client.get("/office/").status_code == 404


def test_cycle_open_errors_beside_fields(client):
    award = Award.objects.get(slug="xam-leader")
    office = staff("xam-office-v", "office", award.office)
    client.force_login(office)
    with at("2026-03-02"):
        r = client.post("/office/awards/xam-leader/open/", {"year": 2026, "filing_deadline": "2026-05-29"})
        assert r.status_code == 400
        html = r.content.decode()
        assert 'id="id_plan_approval_document-errors"' in html and "启动评选前须将实施方案报奖项管理工作主管部门批准（第十四条）" in html
        assert 'value="2026-05-29"' in html
        r = client.post("/office/awards/xam-leader/open/", {"year": 2026, "filing_deadline": "2026-03-02", "plan_approval_document": "批〔2026〕1号",
                                                             "plan_approval_date": "2026-02-20", "plan_approval_body": "主管部门"})
        assert r.status_code == 400 and "申报截止日期须晚于今天。" in r.content.decode().split('id="id_filing_deadline-errors"')[1][:80]
        r = client.post("/office/awards/xam-leader/open/", {"year": 2026, "filing_deadline": "2026-05-29", "plan_approval_document": "批〔2026〕1号",
                                                             "plan_approval_date": "2026-02-20", "plan_approval_body": "主管部门"})
    assert r.status_code == 302
    assert award.cycles.get().filing_deadline == dt.date(2026, 5, 29)


def _erenhot_filed(n):
    cycle, office = open_cycle("erenhot-mayor")
    apps = []
    for i in range(n):
        a, u = org(f"er-{n}-{i}", "152501", seed=n * 100 + i)
        apps.append(filed(cycle, a, u))
    return cycle, office, apps


@pytest.mark.parametrize("n", [3, 10])
def test_office_stage_queue_query_count(client, django_assert_max_num_queries, n):
    cycle, office, apps = _erenhot_filed(n)
    client.force_login(office)
    with at("2025-09-09"):
        with django_assert_max_num_queries(20):
            r = client.get(f"/office/cycles/{cycle.pk}/stage/qualification_review/")
    assert r.status_code == 200
    assert len(r.context["rows"]) == n
    # 二连浩特 资格审查 has no publicity window: it advances directly (第十六条)
    assert [a[0] for a in r.context["rows"][0]["actions"]] == ["approve", "reject", "request_supplement", "advance", "not_advance"]


def test_office_stage_actions_reason_kept_and_selection(client):
    cycle, office, apps = _erenhot_filed(3)
    client.force_login(office)
    with at("2025-09-09"):
        r = client.post(f"/office/cycles/{cycle.pk}/stage/qualification_review/", {"application": apps[0].pk, "action": "reject", "reason": ""})
        assert r.status_code == 400 and "“不予通过”须填写书面理由。" in r.content.decode()
        r = client.post(f"/office/cycles/{cycle.pk}/stage/qualification_review/", {"what": "publish"})
        assert r.status_code == 400 and "“资格审查”环节没有公示期，无需公示。" in r.content.decode()
        for a in apps:
            assert client.post(f"/office/cycles/{cycle.pk}/stage/qualification_review/", {"application": a.pk, "action": "advance"}).status_code == 302
    assert set(Application.objects.filter(cycle=cycle).values_list("stage", flat=True)) == {"material_review"}
    with at("2025-10-09"):
        import random

        from review.simulation import run_review_stage

        run_review_stage(cycle, "material_review", rng=random.Random(2), actor_office=office)  # the panel's result first
        page = client.get(f"/office/cycles/{cycle.pk}/stage/material_review/?cut=2")
        assert page.context["selection"] and [r["checked"] for r in page.context["selection"]] == [True, True, False]
        r = client.post(f"/office/cycles/{cycle.pk}/stage/material_review/", {"what": "select", "advance": [apps[0].pk, apps[2].pk], "reason": "好中选优"})
    assert r.status_code == 302
    statuses = dict(Application.objects.filter(cycle=cycle).values_list("pk", "status"))
    assert statuses[apps[1].pk] == Status.NOT_ADVANCED and statuses[apps[0].pk] == Status.PENDING


def test_supervisor_reads_audit_and_stage_history_only_of_their_jurisdiction(client, tacheng):
    sup = staff("tc-sup2", "supervisor", Award.objects.get(slug="tacheng-prefecture").office)
    client.force_login(sup)
    r = client.get("/supervision/")
    html = r.content.decode()
    assert r.status_code == 200
    assert tacheng["app"].reference in html and "application.submit" in html
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0].replace('<form method="post" action="/accounts/logout/"', "")
    client.force_login(tacheng["checker"])
    assert client.get("/supervision/").status_code == 404
    other = staff("xam-sup", "supervisor", Award.objects.get(slug="xam-leader").office)
    client.force_login(other)
    assert tacheng["app"].reference not in client.get("/supervision/").content.decode()


def test_xam_pre_check_passes_only_with_the_county_bodys_recommendation(client):
    """兴安盟 第十七条: 旗县市市场监督管理部门……对符合申报条件的单位出具推荐意见. The county body cannot pass an
    application to publicity before its 推荐意见 is on file; once recorded, it can."""
    when = dt.datetime(2025, 12, 1, 9, tzinfo=clock.SHANGHAI)  # the 办法 is in force from 2025-11-20 (第三十三条)
    cycle, _office = open_cycle("xam-leader", when=when)
    applicant, user = org("xam-opinion", "152201")
    app = filed(cycle, applicant, user, when=when)
    assert app.stage == "pre_check"
    checker = staff("xam-opinion-checker", "precheck", app.route_body)
    client.force_login(checker)
    with at("2025-12-09"):
        refused = client.post(f"/precheck/{app.pk}/", {"action": "approve"})
        assert refused.status_code == 400
        assert f"申报 {app.reference} 尚无旗县市市场监督管理部门出具的推荐意见，“旗县初审”不能通过（第十七条）。" in refused.content.decode()
        assert Application.objects.get(pk=app.pk).status == Status.PENDING
        client.post(f"/precheck/{app.pk}/", {"what": "opinion", "kind": "recommendation", "body_name": app.route_body.name,
                                             "text": "符合申报条件，同意推荐"})
        assert client.post(f"/precheck/{app.pk}/", {"action": "approve"}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.APPROVED


def test_tacheng_office_cannot_pass_qualification_review_without_the_pre_checks_audit_opinion(client, tacheng):
    """塔城 第十四条: 经公示无异议的，初审单位应当出具审核意见，与申报材料一并送办公室; 第十五条（二）: the office checks the
    procedure. The pre-check body may record it after its publicity, when the application is already with the office."""
    from publicity.windows import close_due_windows, publish_stage_list

    app, checker, office = tacheng["app"], tacheng["checker"], tacheng["office"]
    with at("2025-09-09"):
        from awards import actions

        actions.perform("approve", application=app, actor=checker, role="precheck", reason="符合条件")
        publish_stage_list(cycle=app.cycle, stage_code="pre_check", actor=checker, role="precheck", body=app.route_body)
    with at("2025-09-16", hour=1):
        close_due_windows()
    app.refresh_from_db()
    assert app.stage == "qualification_review"
    client.force_login(office)
    with at("2025-09-17"):
        refused = client.post(f"/office/applications/{app.pk}/", {"action": "approve"})
        assert refused.status_code == 400 and "尚无行业主管部门或县（市）市场监督管理部门出具的审核意见" in refused.content.decode()
        client.force_login(checker)
        assert client.post(f"/precheck/{app.pk}/", {"what": "opinion", "kind": "recommendation", "body_name": app.route_body.name,
                                                    "text": "经公示无异议，审核通过"}).status_code == 302
        client.force_login(office)
        assert client.post(f"/office/applications/{app.pk}/", {"action": "approve"}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.APPROVED


def test_nm_pre_check_consults_departments_and_waits_for_their_answers_until_the_due_date(client):
    """内蒙古 第十九条: 盟市市场监管部门……征求相关部门意见后向社会公示. Each department is asked with a due date; the
    stage cannot pass while an answer is awaited within its term; once answered (or the term has run out) it can."""
    cycle, _office = open_cycle("nm-chairman")
    applicant, user = org("nm-consult", "152201")
    app = filed(cycle, applicant, user)
    assert app.stage == "pre_check"
    checker = staff("nm-consult-checker", "precheck", app.route_body)
    client.force_login(checker)
    url = f"/precheck/{app.pk}/"
    with at("2025-09-09"):
        page = client.get(url).content.decode()
        assert "征求相关部门意见（第十九条）" in page
        bad = client.post(url, {"what": "consult", "departments": "盟应急管理局", "due_on": "2025-09-09"})
        assert bad.status_code == 400 and "答复期限须晚于今天。" in bad.content.decode()
        assert client.post(url, {"what": "consult", "departments": "盟应急管理局\n盟生态环境局\n", "due_on": "2025-09-16"}).status_code == 302
        refused = client.post(url, {"action": "approve"})
        assert refused.status_code == 400
        assert "征求盟应急管理局、盟生态环境局的意见尚未答复（答复期限至 2025-09-16），“盟市初审（形式审查）”暂不能通过（第十九条）。" in refused.content.decode()
        first, second = app.consultations.order_by("pk")
        assert client.post(url, {"what": "consult_answer", "consultation": first.pk, "text": "近三年无安全生产事故"}).status_code == 302
        assert "征求盟生态环境局的意见尚未答复" in client.post(url, {"action": "approve"}).content.decode()
    with at("2025-09-17"):  # the term ran out without an answer: marked, no longer waited for
        assert "逾期未复" in client.get(url).content.decode()
        assert client.post(url, {"action": "approve"}).status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.APPROVED
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.answered_at is None and first.answer == "近三年无安全生产事故"


def test_a_stage_whose_regulation_asks_no_consultation_refuses_one(tacheng):
    from core.errors import DomainError

    cycle, office = open_cycle("erenhot-mayor")
    applicant, user = org("erenhot-consult", "152501")
    app = filed(cycle, applicant, user)
    with at("2025-09-09"), pytest.raises(DomainError, match="未规定征求部门意见"):
        services.consultation_request(application=app, actor=office, role="office", departments=["市应急管理局"],
                                      due_on=dt.date(2025, 9, 20))
