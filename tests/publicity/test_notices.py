import datetime as dt

import pytest
from django.core.cache import cache

from core.clock import frozen_at
from publicity.models import Notice

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_notice_window_and_names_on_detail_page(client, tacheng):
    n = tacheng.notice
    assert (n.first_day, n.last_day, n.length, n.unit) == (dt.date(2025, 9, 30), dt.date(2025, 10, 13), 5, "working_days")
    with frozen_at(at(2025, 10, 9)):
        html = client.get(f"/notices/{n.pk}/").content.decode()
    assert "公示期：2025年9月30日至2025年10月13日（5个工作日）" in html
    assert "塔城市宏远乳业有限公司" in html and "乌苏市天山建材有限责任公司" in html
    assert f"/objections/new/?notice={n.pk}" in html
    assert "13900000000" not in html and "91654201MA" not in html  # no phones, no credit codes
    assert "0901-6222222" in html


def test_notice_detail_after_close_has_no_objection_link(client, tacheng):
    with frozen_at(at(2025, 10, 14, 8)):
        html = client.get(f"/notices/{tacheng.notice.pk}/").content.decode()
    assert "/objections/new/" not in html
    assert "公示期已结束" in html


def test_notice_list_filters_and_pagination(client, tacheng):
    with frozen_at(at(2025, 10, 9)):
        assert tacheng.notice.title in client.get("/notices/?award=tacheng-prefecture&open=true").content.decode()
        assert tacheng.notice.title not in client.get("/notices/?open=false").content.decode()
        assert tacheng.notice.title not in client.get("/notices/?award=erenhot-mayor").content.decode()
        assert tacheng.notice.title in client.get("/notices/?jurisdiction=654200&kind=pre_check_list").content.decode()
    assert client.get("/notices/?page=99").status_code == 200


def test_api_notices_public_with_names_only(client, tacheng):
    with frozen_at(at(2025, 10, 9)):
        data = client.get("/api/v1/notices/?award=tacheng-prefecture&open=true").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert item == {"id": tacheng.notice.pk, "title": tacheng.notice.title, "kind": "pre_check_list", "award": "tacheng-prefecture",
                    "first_day": "2025-09-30", "last_day": "2025-10-13", "closes_at": item["closes_at"], "length": 5,
                    "unit": "working_days", "applicants": ["塔城市宏远乳业有限公司", "乌苏市天山建材有限责任公司"]}
    assert item["closes_at"] == "2025-10-14T00:00:00+08:00"  # 24:00 Asia/Shanghai of the last day
    with frozen_at(at(2025, 10, 9)):
        assert client.get("/api/v1/notices/?open=false&award=tacheng-prefecture").json()["count"] == 0


def test_notice_pdf_has_chinese_title_as_text(client, tacheng):
    import io

    from pypdf import PdfReader

    response = client.get(f"/notices/{tacheng.notice.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert tacheng.notice.title in text.replace("\n", "")
    assert "塔城市宏远乳业有限公司" in text


def test_url_fetcher_refuses_local_files():
    from publicity.pdf import RefusedURL, html_to_pdf, safe_url_fetcher

    with pytest.raises(RefusedURL):
        safe_url_fetcher("file:///etc/passwd")
    with pytest.raises(RefusedURL):
        safe_url_fetcher("http://127.0.0.1:8000/admin/")
    assert safe_url_fetcher("data:text/plain;base64,aGk=")  # inline data is allowed
    # A template that tries to embed a local file renders without it.
    import io

    from pypdf import PdfReader

    data = html_to_pdf('<p>x</p><object data="file:///etc/passwd"></object><img src="file:///etc/passwd"><iframe src="file:///etc/passwd"></iframe>')
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "root:" not in text


def test_atom_feed_per_jurisdiction(client, tacheng):
    response = client.get("/notices/feed/654200/")
    assert response.status_code == 200 and "application/atom+xml" in response["Content-Type"]
    body = response.content.decode()
    assert tacheng.notice.title in body and "2025年9月30日至2025年10月13日（5个工作日）" in body
    assert client.get("/notices/feed/999999/").status_code == 404


def test_correction_supersedes_and_banner(client, tacheng):
    from publicity.services import notice_correct

    with frozen_at(at(2025, 10, 9)):
        new = notice_correct(notice=tacheng.notice, actor=tacheng.office, title="更正：塔城地区政府质量奖初审名单公示", body="更正第2项单位名称。")
        html = client.get(f"/notices/{tacheng.notice.pk}/").content.decode()
    assert new.supersedes_id == tacheng.notice.pk and new.kind == "correction"
    assert "本公告更正2025年9月30日发布的" in new.body
    assert "本公告已被更正" in html and f"/notices/{new.pk}/" in html
    assert Notice.objects.get(pk=tacheng.notice.pk).title == tacheng.notice.title  # old one unchanged


def test_office_publishes_correction_from_the_page(client, tacheng, make_user):
    url = f"/notices/{tacheng.notice.pk}/correct/"
    client.force_login(tacheng.checker)  # not the award's office
    assert client.post(url, {"title": "更正", "body": "内容"}).status_code == 404
    client.force_login(tacheng.office)
    assert "发布更正公告" in client.get(f"/notices/{tacheng.notice.pk}/").content.decode()
    with frozen_at(at(2025, 10, 9)):
        response = client.post(url, {"title": "更正：初审名单公示", "body": "更正单位名称。"})
    new = Notice.objects.get(supersedes=tacheng.notice)
    assert response.status_code == 302 and response["Location"] == f"/notices/{new.pk}/"
    with frozen_at(at(2025, 10, 9)):
        html = client.get(f"/notices/{new.pk}/").content.decode()
    assert "更正：初审名单公示" in html and f"/objections/new/?notice={new.pk}" in html  # the window still runs


def test_the_cached_public_list_shows_a_new_and_a_closed_notice_at_once(client, tacheng):
    """Anonymous visitors get the notice list from the cache, but a notice published or closed within the
    same minute shows on the very next request (page and API)."""
    from publicity.windows import close_due_windows, publish_stage_list

    tacheng.make_applications(["塔城市晨光食品有限公司"])  # approved at pre-check, not yet listed
    with frozen_at(at(2025, 10, 9, 10, 0)):
        page = client.get("/notices/?award=tacheng-prefecture").content.decode()
        api = client.get("/api/v1/notices/?award=tacheng-prefecture").json()
        assert page.count("/notices/") and tacheng.notice.title in page
        count_before = len(api["results"]) if isinstance(api, dict) else len(api)
    with frozen_at(at(2025, 10, 9, 10, 0)):  # the same minute
        new = publish_stage_list(cycle=tacheng.cycle, stage_code="pre_check", actor=tacheng.checker, role="precheck",
                                 body=tacheng.precheck_body)
        assert new.pk != tacheng.notice.pk
        page = client.get("/notices/?award=tacheng-prefecture").content.decode()
        api = client.get("/api/v1/notices/?award=tacheng-prefecture").json()
    assert f"/notices/{new.pk}/" in page
    assert (len(api["results"]) if isinstance(api, dict) else len(api)) == count_before + 1
    close_due_windows(now=at(2025, 10, 14, 0, 5))
    with frozen_at(at(2025, 10, 14, 0, 5)):
        closed = client.get("/notices/?award=tacheng-prefecture&open=false").content.decode()
    assert f"/notices/{tacheng.notice.pk}/" in closed


@pytest.mark.parametrize("write", ["save", "update", "bulk_update", "delete"])
def test_every_write_to_a_notice_moves_the_public_list_version(tacheng, write, settings):
    """The cached list is keyed on a version every write bumps (model and queryset paths alike), so the
    anonymous list never answers from a page older than the last write."""
    from core import pagecache
    from publicity import public_cache

    if not pagecache.shared():
        pytest.skip("the version lives in a shared cache (Redis); without it the key is read from the database")
    before = public_cache._version()
    n = Notice.objects.get(pk=tacheng.notice.pk)
    if write == "save":
        n.save(update_fields=["title"])
    elif write == "update":
        Notice.objects.filter(pk=n.pk).update(title=n.title + "（更新）")
    elif write == "bulk_update":
        n.contact = "0901-1111111"
        Notice.objects.bulk_update([n], ["contact"])
    else:
        Notice.objects.filter(pk=n.pk).delete()
    assert public_cache._version() != before
