"""二连浩特 第二十六条 two-way supervision feedback pages: the applicant rates each reviewer, the reviewer rates
the applicant, the office reads both; only the applicant's members; only where the ruleset provides it."""
import pytest

from awards.models import ApplicantMember
from review import services
from review.models import FeedbackDirection, SupervisionFeedback

from . import factories as f

pytestmark = pytest.mark.django_db


def _setup(slug="erenhot-mayor"):
    award = f.award(slug)
    cycle = f.cycle(slug)
    office = f.office_user(award)
    applicant = f.applicant(award, "二连浩特市丁公司")
    app = f.application(cycle, applicant)
    e1 = f.expert(award, "郑专家", employer="内蒙古大学")
    e2 = f.expert(award, "冯专家", employer="自治区计量院")
    a1 = services.assignment_create(application=app, expert=e1, stage="material_review", actor=office)
    a2 = services.assignment_create(application=app, expert=e2, stage="material_review", actor=office)
    staff = f.user()
    ApplicantMember.objects.create(applicant=applicant, user=staff)
    return award, cycle, office, app, staff, (a1, a2)


def test_applicant_rates_each_reviewer(client):
    award, cycle, office, app, staff, (a1, a2) = _setup()
    client.force_login(staff)
    url = f"/review/feedback/{app.pk}/"
    html = client.get(url).content.decode()
    assert "郑专家" in html and "冯专家" in html and "第二十六条" in html and html.count("未评价") == 2
    r = client.post(url, {"assignment": a1.pk, "rating": "5", "comment": "未接受宴请"})
    assert r.status_code == 302
    r = client.post(url, {"assignment": a2.pk, "rating": "2", "comment": "迟到"})
    assert r.status_code == 302
    got = {(fb.assignment_id, fb.rating, fb.comment) for fb in SupervisionFeedback.objects.filter(direction=FeedbackDirection.ON_REVIEWER)}
    assert got == {(a1.pk, 5, "未接受宴请"), (a2.pk, 2, "迟到")}
    html = client.post(url, {"assignment": a1.pk, "rating": "9"}).content.decode()
    assert "请选择1至5分的评价。" in html
    assert SupervisionFeedback.objects.get(assignment=a1).rating == 5


def test_reviewer_rates_applicant_and_office_sees_both(client):
    award, cycle, office, app, staff, (a1, a2) = _setup()
    client.force_login(a1.expert.user)
    r = client.post(f"/review/assignments/{a1.pk}/feedback/", {"rating": "4", "comment": "按时提供资料"})
    assert r.status_code == 302
    client.force_login(staff)
    client.post(f"/review/feedback/{app.pk}/", {"assignment": a1.pk, "rating": "1", "comment": "索要礼品"})
    client.force_login(office)
    html = client.get(f"/review/feedback/cycles/{cycle.pk}/").content.decode()
    assert "评审专家 → 受评方" in html and "受评方 → 评审专家" in html
    assert "按时提供资料" in html and "索要礼品" in html and "需关注" in html
    # summary: one rating each way, means 4 and 1
    assert "<td>受评方评价评审人员纪律执行情况</td><td>1</td><td>1.0</td>" in html
    assert "<td>评审人员评价受评方守纪情况</td><td>1</td><td>4.0</td>" in html


def test_only_the_applicants_members(client):
    award, cycle, office, app, staff, (a1, a2) = _setup()
    url = f"/review/feedback/{app.pk}/"
    for user in (f.user(), a1.expert.user, office, f.office_user(f.award("chanhe-head"))):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"assignment": a1.pk, "rating": "1"}).status_code == 404
    assert not SupervisionFeedback.objects.exists()
    client.force_login(f.office_user(f.award("chanhe-head")))
    assert client.get(f"/review/feedback/cycles/{cycle.pk}/").status_code == 404


def test_other_awards_have_no_feedback_pages(client):
    award, cycle, office, app, staff, (a1, a2) = _setup("chanhe-head")
    client.force_login(staff)
    assert client.get(f"/review/feedback/{app.pk}/").status_code == 404
    client.force_login(a1.expert.user)
    assert client.post(f"/review/assignments/{a1.pk}/feedback/", {"rating": "4"}).status_code == 404
    client.force_login(office)
    assert client.get(f"/review/feedback/cycles/{cycle.pk}/").status_code == 404
    assert not SupervisionFeedback.objects.exists()


def test_the_applicants_status_page_links_the_feedback_pages(client):
    """The applicant finds both from the application's status page: the rating page where the ruleset has
    第二十六条 and reviewers were assigned, the feedback report once a stage result exists."""
    from decimal import Decimal

    from review.models import StageResult

    award, cycle, office, app, staff, (a1, a2) = _setup()
    client.force_login(staff)
    page = client.get(f"/apply/{app.pk}/?step=status").content.decode()
    assert f'href="/review/feedback/{app.pk}/"' in page and "第二十六条" in page
    assert "feedback-report.pdf" not in page
    StageResult.objects.create(application=app, stage="material_review", criteria_set=a1.criteria_set, total=Decimal("612.50"),
                               max_points=Decimal("1000"), decided_by=office, decided_at=app.created_at)
    page = client.get(f"/apply/{app.pk}/?step=status").content.decode()
    assert f'href="/review/applications/{app.pk}/feedback-report.pdf"' in page
    # 瀍河 has no 第二十六条: no rating link, but the report
    award, cycle, office, other, staff, _ = _setup("chanhe-head")
    StageResult.objects.create(application=other, stage="material_review", criteria_set=_[0].criteria_set, total=Decimal("500"),
                               max_points=Decimal("1000"), decided_by=office, decided_at=other.created_at)
    client.force_login(staff)
    page = client.get(f"/apply/{other.pk}/?step=status").content.decode()
    assert "/review/feedback/" not in page and f"/review/applications/{other.pk}/feedback-report.pdf" in page


def test_the_score_sheet_offers_the_rating_form_only_under_article_26(client):
    for slug, shown in (("erenhot-mayor", True), ("chanhe-head", False)):
        award, cycle, office, app, staff, (a1, a2) = _setup(slug)
        client.force_login(a1.expert.user)
        page = client.get(f"/review/assignments/{a1.pk}/").content.decode()
        assert ("受评方守纪情况评价" in page) is shown, slug
        assert (f"/review/assignments/{a1.pk}/feedback/" in page) is shown, slug
