import datetime as dt
import io

import pytest
from pypdf import PdfReader

from awards import services as aw
from core.clock import frozen_at

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def test_certificate_pdf_small_with_winner_name(tacheng_grant):
    """Render time is measured by `make bench` (100 certificates in one worker), not here."""
    from publicity.certificates import certificate_pdf

    grant = tacheng_grant.grant
    assert grant.serial == "654200-2025-01-001"
    for variant in ("certificate", "plaque"):
        data = certificate_pdf(grant, variant=variant, base_url="https://zlj.example.cn")
        assert len(data) < 300 * 1024  # the CJK fonts are embedded as subsets
        text = _text(data)
        assert "塔城市宏远乳业有限公司" in text and "654200-2025-01-001" in text and "塔行署发〔2025〕12号" in text
        assert "https://zlj.example.cn/verify/654200-2025-01-001/" in text
    assert "第1届" in _text(certificate_pdf(grant))


def test_verify_genuine_forged_and_revoked(client, tacheng_grant):
    grant = tacheng_grant.grant
    html = client.get(f"/verify/{grant.serial}/").content.decode()
    assert "该证书真实有效" in html and "塔城市宏远乳业有限公司" in html
    forged = client.get("/verify/654200-2025-01-999/")
    assert forged.status_code == 404 and "未查询到该证书" in forged.content.decode()
    with frozen_at(at(2026, 3, 2, 10)):
        aw.revoke(grant=grant, actor=tacheng_grant.office, reason="bribery", text="以贿赂手段获奖，撤销奖励。",
                  occurred_on=grant.awarded_on, evidence_ref="纪检监察机关通报")
    html = client.get(f"/verify/{grant.serial}/").content.decode()
    assert "该证书已被撤销（撤销日期：2026年3月2日）" in html and "真实有效" not in html
    winners = client.get("/winners/").content.decode()
    assert "已撤销（2026年3月2日）" in winners


def test_verify_shows_validity(client, tacheng_grant):
    # 二连浩特 第三条 gives a 3-year validity; the page shows whatever valid_until the grant carries.
    grant = tacheng_grant.grant
    type(grant).objects.filter(pk=grant.pk).update(valid_until=dt.date(2028, 11, 20))
    with frozen_at(at(2026, 1, 5)):
        html = client.get(f"/verify/{grant.serial}/").content.decode()
    assert "该证书真实有效" in html and "有效期至</th><td>2028年11月20日" in html
    with frozen_at(at(2029, 1, 5)):
        assert "已超过有效期" in client.get(f"/verify/{grant.serial}/").content.decode()


def test_winners_registry_with_usage_rules(client, tacheng_grant):
    html = client.get("/winners/").content.decode()
    assert "塔城地区政府质量奖" in html and "塔城市宏远乳业有限公司" in html and "2025" in html
    assert "使用政府质量奖称号进行宣传时，必须注明获奖年份（第三十一条）" in html
    assert "可在单位形象宣传中使用获奖称号，并注明获奖年份（第三十条）" in html  # 内蒙古 第三十条


def test_certificate_download_for_members_and_office_only(client, tacheng_grant, make_user):
    grant = tacheng_grant.grant
    url = f"/certificates/{grant.serial}.pdf"
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(tacheng_grant.apps[1].member)  # another applicant
    assert client.get(url).status_code == 404
    client.force_login(tacheng_grant.apps[0].member)
    response = client.get(url)
    assert response.status_code == 200 and "塔城市宏远乳业有限公司" in _text(response.content)
    client.force_login(tacheng_grant.office)
    assert client.get(url + "?variant=plaque").status_code == 200


def test_excel_exports_office_of_jurisdiction_only(client, tacheng_grant, make_user):
    from jurisdictions.models import Award
    from openpyxl import load_workbook

    from core.models import AuditEntry

    cycle = tacheng_grant.cycle
    other = make_user(role="office", body=Award.objects.get(slug="erenhot-mayor").office)
    client.force_login(other)
    assert client.get(f"/office/cycles/{cycle.pk}/export/applications.xlsx").status_code == 404
    assert client.get(f"/office/cycles/{cycle.pk}/export/winners.xlsx").status_code == 404
    client.force_login(tacheng_grant.office)
    wb = load_workbook(io.BytesIO(client.get(f"/office/cycles/{cycle.pk}/export/applications.xlsx").content))
    rows = list(wb["申报明细"].iter_rows(values_only=True))
    assert rows[0][:5] == ("申报编号", "申报单位/个人", "类别", "环节", "状态")
    assert {(r[1], r[3], r[4]) for r in rows[1:]} == {("塔城市宏远乳业有限公司", "表彰", "已获奖"), ("乌苏市天山建材有限责任公司", "材料评审", "未进入下一环节")}
    summary = dict(list(wb["各环节汇总"].iter_rows(values_only=True))[1:])
    assert summary["发布表彰决定，颁发证书或奖牌"] == 1 and summary["材料评审（确定候选名单）"] == 1
    wb = load_workbook(io.BytesIO(client.get(f"/office/cycles/{cycle.pk}/export/winners.xlsx").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][:3] == ("654200-2025-01-001", "塔城市宏远乳业有限公司", "组织")
    assert AuditEntry.objects.filter(action="export", object_id=str(cycle.pk)).count() == 2


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client, tacheng_grant):
    """An applicant registered as =HYPERLINK(…) must not become a live formula in the office's exports (#16 item 10):
    the cell is text, with Excel's quote prefix, in applications.xlsx and winners.xlsx; submission times are in
    Asia/Shanghai."""
    import zipfile

    from openpyxl import load_workbook

    from awards.models import Applicant, Grant
    from core import clock

    formula = '=HYPERLINK("http://evil.example/","点击查看")'
    grant = Grant.objects.get(cycle=tacheng_grant.cycle)
    Applicant.objects.filter(pk=grant.applicant_id).update(name=formula)
    Grant.objects.filter(pk=grant.pk).update(applicant_name="-1+1")
    client.force_login(tacheng_grant.office)
    for what, sheet, column, value in (("applications", "申报明细", 1, formula), ("winners", "获奖名单", 1, "-1+1")):
        data = client.get(f"/office/cycles/{tacheng_grant.cycle.pk}/export/{what}.xlsx").content
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in z.read(n) for n in sheets), f"{what}.xlsx holds a formula"
        cells = [row[column] for row in load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2)]
        hit = next(c for c in cells if c.value == value)
        assert hit.data_type == "s" and hit.quotePrefix
    app = grant.application
    rows = list(load_workbook(io.BytesIO(client.get(f"/office/cycles/{tacheng_grant.cycle.pk}/export/applications.xlsx").content))
                ["申报明细"].iter_rows(values_only=True))
    shown = next(r[6] for r in rows if r[0] == app.reference)
    assert shown == app.submitted_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")
