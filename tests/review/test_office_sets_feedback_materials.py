"""Office-defined criteria sets, the applicant's rating of reviewers (二连浩特 第二十六条), and trade-secret
materials visible to a reviewer only while assigned."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import ApplicantMember, Material
from core.errors import DomainError, NotPermitted
from review import selectors, services
from review.models import FeedbackDirection

from . import factories as f

pytestmark = pytest.mark.django_db


def test_office_defines_its_own_sheet(client):
    award = f.award("chanhe-head")
    office = f.office_user(award)
    cs = services.criteria_set_create(
        jurisdiction=award.jurisdiction, code="chanhe-onsite-2026", name="瀍河现场评审简表", actor=office,
        categories=[{"number": "1", "name": "领导与战略", "items": [{"number": "1.1", "name": "领导", "points": 30, "kind": "process"},
                                                                {"number": "1.2", "name": "战略", "points": 20, "kind": "process"}]},
                    {"number": "2", "name": "结果", "items": [{"number": "2.1", "name": "经营结果", "points": 50, "kind": "result"}]}])
    assert cs.total_points == Decimal("100") and not cs.builtin and set(cs.bands) == {"process", "result"}
    assert [c.points for c in cs.categories.all()] == [Decimal("50"), Decimal("50")]
    r = client.get("/api/v1/criteria/chanhe-onsite-2026/").json()
    assert r["categories"][1]["items"][0]["kind"] == "result"
    with pytest.raises(DomainError):
        services.criteria_set_create(jurisdiction=award.jurisdiction, code="chanhe-onsite-2026", name="重复", categories=[], actor=office)
    with pytest.raises(NotPermitted):
        services.criteria_set_create(jurisdiction=award.jurisdiction, code="x", name="x", categories=[], actor=f.office_user(f.award("nm-chairman")))


def test_two_way_supervision_feedback():
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    applicant = f.applicant(award, "二连浩特市丁公司")
    app = f.application(cycle, applicant, stage="on_site_review")
    e = f.expert(award, "郑专家", employer="内蒙古大学")
    a = services.assignment_create(application=app, expert=e, stage="on_site_review", actor=office)
    staff = f.user()
    ApplicantMember.objects.create(applicant=applicant, user=staff)
    services.feedback_record(assignment=a, direction=FeedbackDirection.ON_APPLICANT, rating=4, comment="按时提供资料", actor=e.user)
    services.feedback_record(assignment=a, direction=FeedbackDirection.ON_REVIEWER, rating=5, comment="未接受宴请", actor=staff)
    assert {(fb.direction, fb.rating) for fb in a.feedback.all()} == {("on_applicant", 4), ("on_reviewer", 5)}
    with pytest.raises(NotPermitted):
        services.feedback_record(assignment=a, direction=FeedbackDirection.ON_REVIEWER, rating=1, actor=e.user)
    with pytest.raises(NotPermitted):
        services.feedback_record(assignment=a, direction=FeedbackDirection.ON_APPLICANT, rating=1, actor=staff)
    with pytest.raises(DomainError):
        services.feedback_record(assignment=a, direction=FeedbackDirection.ON_REVIEWER, rating=9, actor=staff)


def test_trade_secret_materials_only_while_assigned(client):
    award = f.award("erenhot-mayor")
    cycle = f.cycle("erenhot-mayor")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "二连浩特市戊公司"))
    public = Material.objects.create(application=app, title="自评报告", file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 a"), original_name="自评报告.pdf")
    secret = Material.objects.create(application=app, title="工艺配方", file=SimpleUploadedFile("b.pdf", b"%PDF-1.4 b"),
                                     original_name="工艺配方.pdf", trade_secret=True)
    e = f.expert(award, "冯专家", employer="内蒙古大学")
    stranger = f.expert(award, "陈专家", employer="自治区标准化院")
    services.panel_draw(cycle=cycle, stage="material_review", size=2, seed=1, actor=office)
    a = services.assignment_create(application=app, expert=e, stage="material_review", actor=office)
    assert set(selectors.materials_for_reviewer(e.user, app)) == {public, secret}
    assert set(selectors.materials_for_reviewer(stranger.user, app)) == {public}
    client.force_login(e.user)
    page = client.get(f"/review/assignments/{a.pk}/").content.decode()
    assert "工艺配方" in page and "商业秘密" in page
    r = client.get(f"/review/assignments/{a.pk}/materials/{secret.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 b"
    services.panels_dissolve(cycle=cycle, actor=office)
    assert not selectors.can_see_trade_secrets(e.user, app)
    assert client.get(f"/review/assignments/{a.pk}/materials/{secret.pk}/").status_code == 404
