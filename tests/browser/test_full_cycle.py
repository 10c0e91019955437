"""One complete cycle of the 瀍河回族区区长质量奖 (chanhe-head, 瀍政〔2021〕10号) in a real browser, by each role in
turn, each in its own browser context logged in through /accounts/login/:

office opens the cycle → applicant registers, declares (recommendation, 第十六条), uploads, checks eligibility,
submits → office qualification review (第十七条) → material and on-site review (panel draw, assignment,
reviewers score every item, the panel leader records the consensus, the office sets the cut-off; 第十四条、
第十七条) → composite evaluation (第十八条) → committee ballot, office closes the vote (第十八条) → award-candidate
notice, 公示期7天 (第十九条) → government approval and commendation (第十九条) → the winner's certificate and
its public verification.

The live server runs on the real clock. The 7-day window is closed the way the Celery beat sweep closes it,
by calling publicity.windows.close_due_windows at the notice's closing time (the sweep itself is covered by
tests/publicity/test_sweep_integration.py). Set-up that has no page — the expert pool, the committee members,
two further applicants — goes through the services.
"""
import datetime as dt
import random
import re
from contextlib import ExitStack

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.models import Application, Status
from awards.simulation import SIM_PASSWORD, _user
from awards.validators import credit_code_check_char
from core import clock
from jurisdictions.models import Award, Jurisdiction, Membership, Role
from jurisdictions.rules import Rules
from tests.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPLICANT_PASSWORD = "Chanhe-Quality-2026!"
WINNER = "洛阳瀍河精工机械有限公司"
OTHERS = ["洛阳瀍河示范食品有限公司", "洛阳瀍河示范物流有限公司"]
# every reviewer gives every item of one application the same percentage: no divergence, a clear ranking
PERCENT = {WINNER: "80", OTHERS[0]: "60", OTHERS[1]: "40"}
EXPERTS = [("ch-expert-1", "周建国"), ("ch-expert-2", "吴海燕"), ("ch-expert-3", "郑立新")]
COMMITTEE = ["ch-committee-1", "ch-committee-2", "ch-committee-3"]


@pytest.fixture
def orm_beside_playwright():
    """Playwright's sync API leaves its loop registered as running in this thread; Django's async guard is
    told there is none (this process only), as in tests/awards/test_browser_applicant.py."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop


def credit_code(county_code: str, org: str) -> str:
    body = "91" + county_code + org
    return body + credit_code_check_char(body)


def message(page) -> str:
    return page.locator("ul.messages").inner_text()


def service_applicant(cycle, county, name, org, username):
    """A further applicant filed through the same services the declaration pages call."""
    user = _user(username, name)
    applicant = services.applicant_register_organization(
        user=user, name=name, credit_code=credit_code(county.code, org), county=county, legal_form="legal_person",
        registration_date=clock.today().replace(year=clock.today().year - 8), industry="制造业")
    app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
    services.application_update(
        application=app, actor=user, self_evaluation=f"{name}对照GB/T 19580-2012的自我评价报告。",
        declaration={"licences": True, "tax_paid_locally": True, "good_credit": True, "accident_dates": [], "loss_years": [],
                     "complaint_dates": [], "violation_dates": []})
    services.material_add(application=app, actor=user, kind="recommendation", issuer="瀍河回族区工业和信息化局", title="",
                          uploaded_file=SimpleUploadedFile("推荐意见.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    return services.application_submit(application=app, actor=user)


def test_one_chanhe_cycle_through_the_browser_by_every_role(orm_beside_playwright, browser, live_server, tmp_path):
    today = clock.today()  # the live server's real clock
    award = Award.objects.select_related("jurisdiction", "office", "committee").get(slug="chanhe-head")
    county = Jurisdiction.objects.get(code="410304")
    ruleset_rules = Rules(award.rulesets.order_by("-version").first().data)
    assert services.cycle_year_allowed(award, ruleset_rules, today.year) == (True, "")  # no earlier 瀍河 cycle here

    office = _user("ch-office", "瀍河区质量奖秘书处")
    Membership.objects.create(user=office, body=award.office, role=Role.OFFICE)
    from review.services import criteria_load_builtin, expert_create

    criteria_load_builtin()  # GB/T 19580-2012 score sheets (第十三条); an earlier transactional test may have flushed them
    for username, name in EXPERTS:
        expert_create(jurisdiction=award.jurisdiction, name=name, employer="洛阳市质量协会", title="高级工程师",
                      industries=["制造业"], user=_user(username, name), actor=office)
    for username in COMMITTEE:
        Membership.objects.create(user=_user(username, f"评委会委员{username[-1]}"), body=award.committee or award.office,
                                  role=Role.COMMITTEE)
    pdf = tmp_path / "申报表.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")
    signed = tmp_path / "推荐意见（盖章）.pdf"
    signed.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")

    with ExitStack() as stack:
        def context(username=None, password=SIM_PASSWORD):
            ctx = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
            stack.callback(ctx.close)
            pg = ctx.new_page()
            pg.set_default_timeout(15000)
            pg.on("dialog", lambda d: d.accept())  # 提交评分 / 结束表决 ask for confirmation
            if username:
                pg.goto("/accounts/login/")
                pg.fill("#id_username", username)
                pg.fill("#id_password", password)
                pg.click("button.primary")
                pg.get_by_role("button", name=f"退出（{username}）").wait_for()
            return pg

        # ---- the office opens the cycle (第十五条: the call is published) -----------------------------------
        op = context("ch-office")
        op.goto("/office/")
        op.get_by_role("link", name="启动新一届评选").click()
        assert "启动瀍河回族区区长质量奖新一届评选" in op.locator("h1").inner_text()
        deadline = today + dt.timedelta(days=5)
        op.get_by_label("申报截止日期").fill(deadline.isoformat())
        op.get_by_label("实施方案批准机关").fill("瀍河回族区人民政府")
        op.get_by_label("批准文号").fill(f"瀍政〔{today.year}〕8号")
        shot(op, "office-cycle-open")
        op.get_by_role("button", name="启动并发布申报通知").click()
        op.wait_for_url(re.compile(r"/office/cycles/\d+/$"))
        cycle_pk = int(op.url.rstrip("/").rsplit("/", 1)[1])
        assert "已启动" in message(op) and "并发布申报通知" in message(op)
        assert f"申报截止 {deadline:%Y-%m-%d}" in op.locator(".lead").inner_text()
        from awards.models import Cycle

        cycle = Cycle.objects.get(pk=cycle_pk)

        # ---- the applicant registers, declares, uploads, checks eligibility and submits -------------------
        ap = context()
        ap.goto("/apply/register/")
        ap.get_by_label("登录用户名").fill("chanhe-jinggong")
        ap.fill("#id_account-password1", APPLICANT_PASSWORD)
        ap.get_by_label("确认密码").fill(APPLICANT_PASSWORD)
        ap.get_by_label("单位名称").fill(WINNER)
        ap.get_by_role("textbox", name="统一社会信用代码", exact=True).fill(credit_code("410304", "MA9KQ1T3X"))
        ap.get_by_label("所在县（市、区、旗）").select_option(label="瀍河回族区（410304）")
        ap.get_by_label("组织形式").select_option("legal_person")
        ap.get_by_label("登记注册日期").fill(today.replace(year=today.year - 12).isoformat())
        ap.get_by_label("行业").fill("制造业")
        ap.get_by_label("地址").fill("洛阳市瀍河回族区中州东路88号")
        shot(ap, "applicant-register")
        ap.get_by_role("button", name="注册").click()
        ap.wait_for_url("**/apply/")
        assert f"“{WINNER}”已注册" in message(ap)
        open_cycles = ap.locator(".open-cycles").inner_text()
        assert "瀍河回族区区长质量奖" in open_cycles and "可以申报" in open_cycles
        ap.get_by_role("button", name="开始申报").click()
        assert "草稿" in message(ap)
        ap.get_by_role("link", name="下一步：申报事实").click()
        ap.get_by_label("已取得法律法规要求的行政许可（资质）").select_option("yes")
        ap.get_by_label("在本地依法纳税").select_option("yes")
        ap.get_by_label("信用状况良好").select_option("yes")
        ap.get_by_role("button", name="保存并下一步").click()
        ap.get_by_label("自我评价报告").fill("我单位对照《卓越绩效评价准则》（GB/T 19580-2012）逐条开展了自我评价。")
        ap.get_by_role("button", name="保存并下一步").click()
        assert "经有关部门签署推荐意见后提交申报材料（第十六条）" in ap.locator("main").inner_text()
        assert "不能由申报单位自行填写" in ap.locator("main").inner_text()
        ap.get_by_label("出具推荐意见的单位").fill("瀍河回族区工业和信息化局")
        ap.set_input_files("#id_file", str(signed))
        ap.get_by_role("button", name="保存并下一步").click()
        ap.get_by_label("专精特新企业（第十二条）").check()
        ap.get_by_role("button", name="保存并下一步").click()
        ap.wait_for_url("**step=materials")
        ap.get_by_label("材料名称").fill("瀍河回族区区长质量奖申报表")
        ap.set_input_files("#id_file", str(pdf))
        ap.get_by_role("button", name="上传").click()
        ap.locator("#materials").get_by_role("link", name="瀍河回族区区长质量奖申报表").wait_for()
        ap.get_by_role("link", name="下一步：资格自查与提交").click()
        eligibility = ap.locator("#eligibility").inner_text()
        assert "主体业务正常运行3年以上" in eligibility and "第十条" in eligibility and "第十一条" in eligibility
        assert "需人工审核" in eligibility  # 质量管理体系先进… is the office's judgement
        shot(ap, "applicant-eligibility")
        ap.get_by_role("button", name="确认无误，提交申报").click()
        ap.wait_for_url("**step=status")
        assert "已提交" in message(ap)
        assert ap.locator("#app-status").inner_text() == "待办理"
        assert "资格审查" in ap.locator(".lead").inner_text()
        shot(ap, "applicant-submitted")

        # two more applicants, filed through the services the same pages call
        for i, (name, org) in enumerate(zip(OTHERS, ["MA9KQ2T4Y", "MA9KQ3T5A"]), start=2):
            service_applicant(cycle, county, name, org, f"chanhe-applicant-{i}")

        # ---- qualification review by the office (第十七条) -------------------------------------------------
        op.goto(f"/office/cycles/{cycle_pk}/")
        funnel = op.locator("#funnel").inner_text()
        assert re.search(r"资格审查\t3\t3\t3", funnel), funnel
        shot(op, "office-cycle-dashboard-chanhe")
        op.get_by_role("link", name="资格审查").first.click()
        queue = op.locator("#stage-queue")
        assert WINNER in queue.inner_text() and queue.inner_text().count("待办理") == 3
        queue.get_by_role("link", name=re.compile(r".+")).first.click()  # the first application's review page
        assert "资格核对" in op.locator("main").inner_text()
        op.go_back()
        for name in [WINNER, *OTHERS]:
            op.locator("#stage-queue tr", has_text=name).get_by_role("button", name="进入下一环节", exact=True).click()
            assert "已办理“进入下一环节”" in message(op)
        assert "本环节暂无申报" in op.locator("#stage-queue").inner_text()

        # ---- material review and on-site review: panel, assignment, scoring, consensus, cut-off ------------
        reviewers = {username: context(username) for username, _ in EXPERTS}
        names_to_user = {name: username for username, name in EXPERTS}
        for stage, label, cut, advancing in [("material_review", "材料评审", 2, [WINNER, OTHERS[0]]),
                                             ("on_site_review", "现场评审", 2, [WINNER, OTHERS[0]])]:
            op.goto(f"/office/cycles/{cycle_pk}/stage/{stage}/")
            op.get_by_role("link", name="评审组与评分").click()
            assert f"{label}" in op.locator("h1").inner_text()
            op.get_by_label("评审组人数").fill("3")
            op.get_by_role("button", name="抽取").click()
            assert "已抽取" in message(op)
            leader_name = re.search(r"组长：(\S+?)；", op.locator("main").inner_text()).group(1)
            leader = names_to_user[leader_name]
            op.get_by_label("每份申报评审专家人数").fill("3")
            op.get_by_role("button", name="分配").click()
            n = len(advancing) + (1 if stage == "material_review" else 0)
            assert f"已分配 {3 * n} 人次" in message(op)
            shot(op, f"office-review-{stage.replace('_', '-')}")

            for username, rp in reviewers.items():
                rp.goto("/review/")
                tasks = rp.locator("table").first
                assert tasks.inner_text().count(label) == n
                for k in range(n):
                    rp.goto("/review/")
                    row = rp.locator("tbody tr", has=rp.get_by_role("link", name="评分", exact=True)).first
                    applicant_name = row.locator("td").nth(1).inner_text()
                    row.get_by_role("link", name="评分").click()
                    assert f"{label}评分：{applicant_name}" in rp.locator("h1").inner_text()
                    items = rp.locator(".score-item select")
                    assert items.count() >= 20  # GB/T 19580-2012, every item
                    for i in range(items.count()):
                        items.nth(i).select_option(PERCENT[applicant_name])
                    rp.locator(".score-item textarea").first.fill("领导作用发挥充分，战略部署清晰。")
                    if username == EXPERTS[0][0] and k == 0 and stage == "material_review":
                        shot(rp, "reviewer-scoring")
                    rp.get_by_role("button", name="提交评分").click()
                    assert "评分已提交" in message(rp)
                    assert "已于" in rp.locator(".lead").inner_text()
                rp.goto("/review/")
                assert rp.get_by_role("link", name="评分", exact=True).count() == 0  # every sheet submitted

            lp = reviewers[leader]
            for name in list(PERCENT)[:n]:
                lp.goto("/review/")
                lp.locator("tbody tr", has_text=name).filter(has_text=label).get_by_role("link", name="查看").click()
                lp.get_by_role("link", name="组长：形成评审组意见").click()
                assert lp.locator(".lead").inner_text().count("（已提交）") == 3
                if name == WINNER and stage == "material_review":
                    shot(lp, "leader-consensus")
                lp.get_by_role("button", name="形成评审组意见").click()
                assert f"已形成评审组意见，{label}得分" in message(lp)
                assert "已形成意见，得分" in lp.locator(".lead").inner_text()

            op.goto(f"/office/cycles/{cycle_pk}/stage/{stage}/")
            ranking = op.locator("table.selection").inner_text()
            assert ranking.index(WINNER) < ranking.index(OTHERS[0])  # best first
            op.locator("#cut").fill(str(cut))
            op.get_by_role("button", name="按排名勾选").click()
            if stage == "material_review":
                assert op.locator(f"table.selection tr", has_text=OTHERS[1]).locator("input").is_checked() is False
                shot(op, "office-cut-off")
            op.get_by_role("button", name="确定名单").click()
            assert f"{len(advancing)} 件进入下一环节，{n - len(advancing)} 件未进入" in message(op)

        # ---- composite evaluation (第十八条: the shortlist for the committee) --------------------------------
        op.goto(f"/office/cycles/{cycle_pk}/stage/composite_evaluation/")
        selection = op.locator("table.selection").inner_text()
        assert WINNER in selection and OTHERS[0] in selection and OTHERS[1] not in selection
        op.get_by_role("button", name="确定名单").click()
        assert "2 件进入下一环节，0 件未进入" in message(op)

        # ---- the committee deliberates and votes (第十八条) -------------------------------------------------
        op.goto(f"/office/cycles/{cycle_pk}/stage/deliberation/")
        for name in (WINNER, OTHERS[0]):
            assert op.locator("#vote-open-form label", has_text=name).locator("input").is_checked()
        op.get_by_label("表决名称（可空）").fill("瀍河区长质量奖审议表决")
        shot(op, "office-vote-open")
        op.get_by_role("button", name="发起审议表决").click()
        assert "已发起表决“瀍河区长质量奖审议表决”，2 件申报" in message(op)
        from review.models import CommitteeVote

        vote = CommitteeVote.objects.get(cycle=cycle)
        for username in COMMITTEE:
            cp = context(username)
            cp.goto("/review/")
            cp.get_by_role("link", name=vote.title).click()
            ballot = cp.locator("table.ballot").inner_text()
            assert "A01" in ballot and "A02" in ballot and WINNER not in ballot  # blinded while open
            assert "表决中" in cp.locator(".lead").inner_text()
            for code in ("A01", "A02"):
                cp.locator("table.ballot tr", has_text=code).get_by_label("赞成").check()
            if username == COMMITTEE[0]:
                shot(cp, "committee-ballot")
            cp.get_by_role("button", name="提交选票").click()
            assert "选票已记录" in message(cp)
        op.goto(f"/review/votes/{vote.pk}/")
        assert "已投票 3 人" in op.locator(".lead").inner_text()
        op.get_by_role("button", name="结束表决并计票").click()
        assert "表决已结束" in message(op)
        result = op.locator("table.ballot").inner_text()
        assert WINNER in result and OTHERS[0] in result and result.count("通过") == 2
        shot(op, "office-vote-result")
        op.goto(f"/office/cycles/{cycle_pk}/stage/deliberation/")
        assert "已结束 通过 2 件" in op.locator("#votes").inner_text()
        op.get_by_role("button", name="按表决结果办理").click()
        assert "已按表决结果办理：2 件通过进入下一环节，0 件未通过" in message(op)

        # ---- the award-candidate list is published for 7 days (第十九条) -----------------------------------
        op.goto(f"/office/cycles/{cycle_pk}/stage/award_publicity/")
        assert "公示期不少于7天（第十九条）" in op.locator(".lead").inner_text()
        for name in (WINNER, OTHERS[0]):
            op.locator("#stage-queue tr", has_text=name).get_by_role("button", name="审查通过", exact=True).click()
            assert "已办理“审查通过”" in message(op)
        assert op.locator("#approved-count").inner_text() == "2"
        op.get_by_role("button", name="发布公示名单").click()
        assert "已发布公示" in message(op)
        assert op.locator("#stage-queue").inner_text().count("公示中") == 2

        from publicity.models import Notice

        notice = Notice.objects.get(cycle=cycle, stage="award_publicity")
        assert (notice.last_day - notice.first_day).days == 6 and notice.unit == "calendar_days"
        pub = context()
        pub.goto("/notices/")
        pub.get_by_role("link", name=notice.title).first.click()
        window = pub.locator(".pub-window").inner_text()
        assert re.fullmatch(r"公示期：\d{4}年\d+月\d+日至\d{4}年\d+月\d+日（7天）", window), window
        names = pub.locator("main ol").first.inner_text()
        assert WINNER in names and OTHERS[0] in names and OTHERS[1] not in names
        assert "在线提出异议" in pub.locator("main").inner_text()
        shot(pub, "public-notice")

        from publicity.windows import close_due_windows

        closed = close_due_windows(now=notice.closes_at)  # what the Celery beat sweep does once the window is over
        assert closed["closed"] == 1 and closed["advanced"] == 2
        pub.reload()
        assert "公示期已结束，不再受理异议" in pub.locator("main").inner_text()

        # ---- the district government approves, the office commends (第十九条、第二十条) --------------------
        op.goto(f"/office/cycles/{cycle_pk}/")
        op.get_by_role("link", name="政府审批").click()
        waiting = op.locator("main ul").first.inner_text()
        assert WINNER in waiting and OTHERS[0] in waiting
        op.get_by_label("批准机关").fill("瀍河回族区人民政府常务会议")
        op.get_by_label("批准文件文号").fill(f"区政府常务会议纪要〔{today.year}〕21号")
        shot(op, "office-approval")
        op.get_by_role("button", name="记录批准").click()
        assert "已记录政府批准，2 件进入表彰环节" in message(op)
        op.get_by_role("link", name="表彰", exact=True).click()
        op.get_by_label("表彰决定文号").fill(f"瀍政〔{today.year}〕30号")
        op.get_by_role("button", name="表彰", exact=True).click()
        assert "已发布表彰决定，授奖 2 个" in message(op)
        assert op.locator(".lead").inner_text().startswith("已结束")
        op.goto(f"/office/cycles/{cycle_pk}/commend/")
        granted = op.locator("main table").first.inner_text()
        assert WINNER in granted and "100000" in granted  # 第二十条: 10万元
        shot(op, "office-commend")

        # ---- the winner logs in and downloads the certificate -----------------------------------------------
        wp = context("chanhe-jinggong", APPLICANT_PASSWORD)
        wp.goto("/apply/")
        awards_table = wp.locator("table", has_text="证书编号").inner_text()
        serial = re.search(r"410304-\d{4}-01-\d{3}", awards_table).group(0)
        assert "瀍河回族区区长质量奖" in awards_table and "有效" in awards_table
        assert "已获奖" in wp.locator("table.my-applications").inner_text()
        shot(wp, "winner-certificate")
        with wp.expect_download() as download:
            wp.get_by_role("link", name="下载证书").click()
        assert download.value.suggested_filename == f"{serial}.pdf"
        assert open(download.value.path(), "rb").read(5) == b"%PDF-"
        # the application's status page links the review feedback report (scores, strengths, opportunities)
        wp.locator("table.my-applications").get_by_role("link").first.click()
        wp.get_by_role("link", name="申报进度").click()
        with wp.expect_download() as report:
            wp.locator("#review-feedback").get_by_role("link", name="下载评审反馈报告（PDF）").click()
        assert open(report.value.path(), "rb").read(5) == b"%PDF-"
        shot(wp, "applicant-status-feedback")

        # ---- anyone verifies the certificate -------------------------------------------------------------
        pub.goto(f"/verify/{serial}/")
        assert pub.locator(".pub-badge").inner_text() == "该证书真实有效"
        facts = pub.locator(".pub-table").inner_text()
        assert WINNER in facts and "瀍河回族区区长质量奖" in facts and f"瀍政〔{today.year}〕30号" in facts
        shot(pub, "public-verify")
