"""In a real browser, under the site's own Content-Security-Policy: the confirmations on irreversible buttons
(static/js/confirm.js, data-confirm) and the score sheet's autosave (static/js/autosave.js) run. Both were
inline scripts once and never ran under the policy; these tests would have caught that (no dialog, no
"已自动保存", and a CSP violation on the console)."""
import re

import pytest

from review import services
from review.models import Assignment, CommitteeVote, Panel, Score

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Zlj-test-2026!"


@pytest.fixture
def orm_beside_playwright():
    """Playwright's sync API leaves its loop registered as running in this thread; Django's async guard is
    told there is none (this process only), as in tests/awards/test_browser_applicant.py."""
    import django.utils.asyncio as django_asyncio

    def no_running_loop():
        raise RuntimeError("no running event loop")

    django_asyncio.get_running_loop = no_running_loop


class Watched:
    """A logged-in page that records every dialog (answered as told by .answer) and every CSP violation,
    both from the console and from securitypolicyviolation events."""

    def __init__(self, browser, live_server, username):
        self.context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.dialogs, self.violations, self.answer = [], [], "dismiss"
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.violations.append(m.text) if "Content Security Policy" in m.text else None)
        self.page.expose_function("reportCspViolation", lambda text: self.violations.append(text))
        self.page.add_init_script(
            "document.addEventListener('securitypolicyviolation', function (e) {"
            " window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI); });")
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button.primary")
        self.page.get_by_role("button", name=f"退出（{username}）").wait_for()

    def _dialog(self, dialog):
        self.dialogs.append((dialog.type, dialog.message))
        dialog.accept() if self.answer == "accept" else dialog.dismiss()

    def messages(self) -> str:
        box = self.page.locator("ul.messages")
        return box.inner_text() if box.count() else ""


@pytest.fixture
def watched(orm_beside_playwright, browser, live_server):
    opened = []

    def open_as(user):
        w = Watched(browser, live_server, user.username)
        opened.append(w)
        return w

    yield open_as
    for w in opened:
        w.context.close()


def test_closing_the_vote_asks_first_and_dismissing_leaves_it_open(watched):
    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award, "br-xam-office")
    for _ in range(3):
        f.committee_user(award)
    apps = [f.application(cycle, f.applicant(award, name), stage="deliberation") for name in ("兴安盟甲乳业公司", "兴安盟乙水泥公司")]
    vote = services.vote_open(cycle=cycle, applications=apps, actor=office, title="第一次审议表决", seed=3)
    expected = "确认结束“第一次审议表决”并计票？结束后委员不能再投票，计票结果和申报主体名称将揭晓。"

    w = watched(office)
    w.page.goto(f"/review/votes/{vote.pk}/")
    assert "兴安盟甲乳业公司" not in w.page.locator("table.ballot").inner_text()  # blinded while open
    w.page.get_by_role("button", name="结束表决并计票").click()
    assert w.dialogs == [("confirm", expected)]
    vote.refresh_from_db()
    assert vote.closed_at is None  # dismissed: nothing happened
    assert "表决中" in w.page.locator(".lead").inner_text() and w.messages() == ""

    w.answer = "accept"
    w.page.get_by_role("button", name="结束表决并计票").click()
    w.page.locator("ul.messages").wait_for()
    assert "表决已结束，结果与申报主体名称已揭晓" in w.messages()
    assert w.dialogs[1:] == [("confirm", expected)]
    assert CommitteeVote.objects.get(pk=vote.pk).closed_at is not None
    assert "兴安盟甲乳业公司" in w.page.locator("table.ballot").inner_text()
    assert w.violations == []


def test_dissolving_the_panels_asks_first_and_dismissing_keeps_them(watched):
    award = f.award("chanhe-head")
    cycle = f.cycle("chanhe-head")
    office = f.office_user(award, "br-ch-office")
    f.application(cycle, f.applicant(award, "洛阳瀍河华夏轴承有限公司"))
    for name in ("专家甲", "专家乙", "专家丙"):
        f.expert(award, name, employer="洛阳市质量协会")
    panel = services.panel_draw(cycle=cycle, stage="material_review", size=3, seed=7, actor=office)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    expected = f"确认撤销{cycle}的全部评审组？撤销后所有评审专家不再能查看本届申报材料，且不能恢复。"

    w = watched(office)
    w.page.goto(f"/review/cycles/{cycle.pk}/material_review/")
    w.page.get_by_role("button", name="撤销评审组").click()
    assert w.dialogs == [("confirm", expected)]
    assert Panel.objects.get(pk=panel.pk).dissolved_at is None
    assert Assignment.objects.filter(application__cycle=cycle, access_ended_at__isnull=True).count() == 3
    assert w.messages() == ""

    w.answer = "accept"
    w.page.get_by_role("button", name="撤销评审组").click()
    w.page.locator("ul.messages").wait_for()
    assert "已撤销 1 个评审组，专家不再能查看申报材料" in w.messages()
    assert Panel.objects.get(pk=panel.pk).dissolved_at is not None
    assert Assignment.objects.filter(application__cycle=cycle, access_ended_at__isnull=True).count() == 0
    assert w.violations == []


def test_the_score_sheet_autosaves_a_draft_and_asks_before_submitting(watched):
    award = f.award("chanhe-head")
    cycle = f.cycle("chanhe-head")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "洛阳瀍河精工机械有限公司"))
    f.expert(award, "周建国", employer="洛阳市质量协会")
    services.assign_reviewers(cycle=cycle, stage="material_review", k=1, actor=office)
    assignment = Assignment.objects.select_related("expert__user", "criteria_set").get(application=app)
    criteria = list(assignment.criteria_set.criteria.order_by("position"))
    first = criteria[0]

    w = watched(assignment.expert.user)
    page = w.page
    page.goto(f"/review/assignments/{assignment.pk}/")
    status = page.locator("#autosave-status")
    assert status.get_attribute("aria-live") == "polite"
    assert Score.objects.filter(assignment=assignment).count() == 0

    # choosing a percentage saves the draft by itself, without any button
    page.locator(f"[name=p_{first.pk}]").select_option("70")
    page.get_by_text(re.compile(r"^已自动保存 \d{2}:\d{2}$")).wait_for()
    score = Score.objects.get(assignment=assignment, criterion=first)
    assert score.percent == 70
    # typing (no change event yet) is saved too
    with page.expect_response(lambda r: r.url.endswith(f"/api/v1/review/assignments/{assignment.pk}/scores/")
                              and r.request.method == "POST") as saved:
        page.locator(f"[name=s_{first.pk}]").press_sequentially("领导作用突出")
    assert saved.value.status == 200
    assert Score.objects.get(assignment=assignment, criterion=first).strengths == "领导作用突出"
    assert Assignment.objects.get(pk=assignment.pk).submitted_at is None  # a draft, never a submission

    page.reload()
    assert page.locator(f"[name=p_{first.pk}]").input_value() == "70"
    assert page.locator(f"[name=s_{first.pk}]").input_value() == "领导作用突出"

    # the network fails: the reviewer is told, and the draft in the database stays as it was
    page.route("**/api/v1/review/assignments/*/scores/", lambda route: route.abort())
    page.locator(f"[name=p_{first.pk}]").select_option("40")
    page.get_by_text("保存失败，请检查网络").wait_for()
    assert Score.objects.get(assignment=assignment, criterion=first).percent == 70
    page.unroute("**/api/v1/review/assignments/*/scores/")

    for c in criteria:
        page.locator(f"[name=p_{c.pk}]").select_option("60")
    page.get_by_text(re.compile(r"^已自动保存 \d{2}:\d{2}$")).wait_for()
    assert Score.objects.filter(assignment=assignment, percent=60).count() == len(criteria)

    expected = "提交后不能再修改：确认提交对洛阳瀍河精工机械有限公司的材料评审评分？"
    page.get_by_role("button", name="提交评分").click()
    assert w.dialogs == [("confirm", expected)]
    assert Assignment.objects.get(pk=assignment.pk).submitted_at is None
    assert w.messages() == ""
    # 保存草稿 is not irreversible: it posts without asking. Clicked while a draft request is still in flight,
    # the post waits for its answer, so an older draft can never land after the sheet that was posted.
    held = []
    page.route("**/api/v1/review/assignments/*/scores/", lambda route: held.append(route))
    page.locator(f"[name=p_{first.pk}]").select_option("50")
    page.get_by_text("正在保存草稿…").wait_for()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("正在保存草稿，随后提交…").wait_for()
    assert len(held) == 1 and len(w.dialogs) == 1
    assert Score.objects.get(assignment=assignment, criterion=first).percent == 60  # neither has reached the server
    held[0].continue_()
    page.locator("ul.messages").wait_for()
    page.unroute("**/api/v1/review/assignments/*/scores/")
    assert "评分已保存（未提交）" in w.messages() and len(w.dialogs) == 1
    assert Score.objects.get(assignment=assignment, criterion=first).percent == 50
    assert Assignment.objects.get(pk=assignment.pk).submitted_at is None

    w.answer = "accept"
    page.get_by_role("button", name="提交评分").click()
    page.get_by_text("评分已提交。").wait_for()
    assert w.dialogs[1:] == [("confirm", expected)]
    assert Assignment.objects.get(pk=assignment.pk).submitted_at is not None
    assert "已于" in page.locator(".lead").inner_text()
    assert page.locator("#autosave-status").count() == 0  # a submitted sheet is read-only, nothing to autosave
    assert w.violations == []
