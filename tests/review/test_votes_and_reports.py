"""Committee votes (quorum, majority, recusal, blinded codes) and the feedback report PDF."""
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from core.errors import DomainError, NotPermitted
from review import reports, scoring, selectors, services
from review.models import Assignment

from . import factories as f
from .test_scoring_and_ranking import score_and_submit

pytestmark = pytest.mark.django_db


@pytest.mark.unit
@pytest.mark.parametrize("choices,recused,quorum_met,passed", [
    (["for"] * 3 + ["against", "abstain"], 0, True, True),  # 5 of 7 present (≥ 14/3), 3 > 5/2
    (["for"] * 4, 0, False, False),  # 4 < 14/3: no quorum
    (["for"] * 3 + ["against"] * 3, 0, True, False),  # 3 is not more than half of 6
    (["for"] * 3 + ["against"], 1, True, True),  # one recused: 6 eligible, 4 ≥ 4 present, 3 > 2
    (["abstain"] * 5, 0, True, False),
])
def test_tally_quorum_and_majority(choices, recused, quorum_met, passed):
    t = scoring.tally(member_count=7, choices=choices, recused=recused, quorum="2/3", majority="1/2")
    assert (t.quorum_met, t.passed) == (quorum_met, passed)


@pytest.mark.unit
def test_two_thirds_majority_includes_the_number_and_member_base():
    # "2/3 以上" includes the number: 4 of 6 present passes
    assert scoring.tally(member_count=6, choices=["for"] * 4 + ["against"] * 2, recused=0, quorum="1/2", majority="2/3").passed
    # base = all eligible members: 4 for of 9 members is not more than half even with quorum met
    assert not scoring.tally(member_count=9, choices=["for"] * 4 + ["abstain"] * 2, recused=0, quorum="2/3",
                             majority="1/2", majority_base="members").passed


def test_vote_through_services_with_blinded_codes(client):
    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award)
    members = [f.committee_user(award) for _ in range(7)]
    a = f.application(cycle, f.applicant(award, "兴安盟甲乳业公司"), stage="deliberation")
    b = f.application(cycle, f.applicant(award, "兴安盟乙水泥公司"), stage="deliberation")
    with pytest.raises(NotPermitted):
        services.vote_open(cycle=cycle, applications=[a, b], actor=members[0])
    vote = services.vote_open(cycle=cycle, applications=[a, b], actor=office, seed=3)
    assert (vote.quorum, vote.majority, vote.member_count, vote.article) == ("2/3", "1/2", 7, "第二十一条")
    items = {i.application_id: i for i in vote.items.all()}
    assert {i.code for i in items.values()} == {"A01", "A02"}

    client.force_login(members[0])
    assert vote.title in client.get("/review/").content.decode()
    page = client.get(f"/review/votes/{vote.pk}/").content.decode()
    assert "A01" in page and "兴安盟甲乳业公司" not in page and "兴安盟乙水泥公司" not in page
    r = client.post(f"/review/votes/{vote.pk}/", {f"v_{items[a.pk].pk}": "for", f"v_{items[b.pk].pk}": "recuse"})
    assert r.status_code == 302
    for m in members[1:5]:
        services.ballot_cast(item=items[a.pk], member=m, choice="for")
        services.ballot_cast(item=items[b.pk], member=m, choice="against" if m != members[1] else "for")
    outsider = f.user()
    with pytest.raises(NotPermitted):
        services.ballot_cast(item=items[a.pk], member=outsider, choice="for")

    closed = {i.application_id: i for i in services.vote_close(vote=vote, actor=office)}
    assert (closed[a.pk].votes_for, closed[a.pk].quorum_met, closed[a.pk].passed) == (5, True, True)
    # b: one recusal → 6 eligible, 4 present ≥ 4, 1 for of 4 → fails
    assert (closed[b.pk].votes_for, closed[b.pk].votes_against, closed[b.pk].recused, closed[b.pk].passed) == (1, 3, 1, False)
    with pytest.raises(DomainError):
        services.ballot_cast(item=items[a.pk], member=members[6], choice="for")
    page = client.get(f"/review/votes/{vote.pk}/").content.decode()
    assert "兴安盟甲乳业公司" in page and "通过" in page and "未通过" in page
    assert client.get(f"/review/votes/{vote.pk}/") .status_code == 200
    client.force_login(outsider)
    assert client.get(f"/review/votes/{vote.pk}/").status_code == 404


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_feedback_report_pdf_has_chinese_name_and_scores(client):
    award = f.award("chanhe-head")
    cycle = f.cycle("chanhe-head")
    office = f.office_user(award)
    app = f.application(cycle, f.applicant(award, "洛阳瀍河回族区华夏轴承有限公司"))
    for n, e in (("专家甲", "河南科技大学"), ("专家乙", "洛阳质量协会"), ("专家丙", "河南省标准化院")):
        f.expert(award, n, employer=e)
    services.assign_reviewers(cycle=cycle, stage="material_review", k=3, actor=office)
    for x in Assignment.objects.filter(application=app).select_related("expert__user", "criteria_set"):
        score_and_submit(x, 65)
    result = services.consensus_record(application=app, stage="material_review",
                                       items={l.criterion.number: l.suggested for l in selectors.consensus_sheet(app, "material_review")},
                                       actor=office)
    assert result.total == Decimal("650.00")
    text = pdf_text(reports.feedback_report_pdf(app))
    compact = re.sub(r"\s+", "", text)
    assert "洛阳瀍河回族区华夏轴承有限公司" in compact
    assert "650.00" in compact and "1000.00" in compact
    assert "高层领导的作用" in compact and "32.50" in compact  # 65% × 50
    assert "50%–65%" in compact and "领导作用突出" in compact and "对比数据不足" in compact

    client.force_login(office)
    r = client.get(f"/review/applications/{app.pk}/feedback-report.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    client.force_login(f.user())
    assert client.get(f"/review/applications/{app.pk}/feedback-report.pdf").status_code == 404


@pytest.mark.unit
def test_report_fetcher_refuses_files_and_network():
    with pytest.raises(Exception):
        reports._fetcher()("file:///etc/passwd")
    with pytest.raises(Exception):
        reports._fetcher()("http://127.0.0.1/")
    pdf = reports.html_to_pdf('<p>测试</p><img src="file:///etc/passwd"><img src="http://169.254.169.254/">')
    assert pdf.startswith(b"%PDF")


def test_office_opens_the_vote_from_the_deliberation_page_and_applies_its_result(client):
    """XAM 第二十一条: the committee votes, 2/3 quorum and more than half; the office opens the vote from the
    deliberation stage page, and after closing it carries the result into the pipeline in one step."""
    from awards.models import Status

    award = f.award("xam-leader")
    cycle = f.cycle("xam-leader")
    office = f.office_user(award)
    members = [f.committee_user(award) for _ in range(3)]
    a = f.application(cycle, f.applicant(award, "兴安盟甲乳业公司"), stage="deliberation")
    b = f.application(cycle, f.applicant(award, "兴安盟乙水泥公司"), stage="deliberation")
    c = f.application(cycle, f.applicant(award, "兴安盟丙木业公司"), stage="deliberation")
    client.force_login(office)
    page = client.get(f"/office/cycles/{cycle.pk}/stage/deliberation/").content.decode()
    assert "发起审议表决" in page and "兴安盟丙木业公司" in page
    r = client.post(f"/office/cycles/{cycle.pk}/stage/deliberation/",
                    {"what": "vote_open", "candidate": [a.pk, b.pk], "title": "第一次审议"})
    vote = cycle.committee_votes.get()
    assert r.status_code == 302 and r["Location"] == f"/review/votes/{vote.pk}/"
    assert set(vote.items.values_list("application_id", flat=True)) == {a.pk, b.pk}  # c was not ticked
    # applying before the vote is closed is refused
    r = client.post(f"/office/cycles/{cycle.pk}/stage/deliberation/", {"what": "vote_apply", "vote": vote.pk}, follow=True)
    assert "表决尚未结束" in r.content.decode()
    items = {i.application_id: i for i in vote.items.all()}
    for m in members:
        services.ballot_cast(item=items[a.pk], member=m, choice="for")
        services.ballot_cast(item=items[b.pk], member=m, choice="against")
    services.vote_close(vote=vote, actor=office)
    r = client.post(f"/office/cycles/{cycle.pk}/stage/deliberation/", {"what": "vote_apply", "vote": vote.pk}, follow=True)
    assert "1 件通过进入下一环节，1 件未通过" in r.content.decode()
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert a.stage != "deliberation"
    assert b.status == Status.NOT_ADVANCED and "反对3" in b.events.last().reason
    assert (c.stage, c.status) == ("deliberation", Status.PENDING)
    # applying again changes nothing
    again = services.vote_apply(vote=vote, actor=office)
    assert (again["advanced"], again["not_advanced"], sorted(again["skipped"])) == ([], [], sorted([a.pk, b.pk]))
    # another jurisdiction's office cannot open or apply a vote here
    other = f.office_user(f.award("erenhot-mayor"))
    client.force_login(other)
    assert client.post(f"/office/cycles/{cycle.pk}/stage/deliberation/", {"what": "vote_open", "candidate": [c.pk]}).status_code == 404
