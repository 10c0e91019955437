import datetime as dt

import pytest

from awards.models import Application, Ban, Status
from core.audit import verify_chain
from core.clock import frozen_at
from core.errors import DomainError
from core.models import AuditEntry
from publicity import services
from publicity.models import Objection
from publicity.windows import close_due_windows

from .conftest import at, upload

pytestmark = [pytest.mark.django_db, pytest.mark.integration]
AFTER_CLOSE = at(2025, 10, 14, 0, 5)


def _accept(ns, o):
    with frozen_at(at(2025, 10, 14, 9)):
        return services.objection_accept(objection=o, actor=ns.office)


def test_objection_holds_then_dismissal_releases_to_next_stage(tacheng, file_objection):
    objection = file_objection(tacheng)
    assert objection.review_due == dt.date(2025, 10, 15)  # 第二十四条: 5 working days after 10-09: 10, 11 (调休上班), 13, 14, 15
    result = close_due_windows(now=AFTER_CLOSE)
    assert result == {"closed": 1, "advanced": 1, "held": 1}
    held, other = (Application.objects.get(pk=a.pk) for a in tacheng.apps)
    assert (held.stage, held.status) == ("pre_check", Status.HELD)
    assert (other.stage, other.status) == ("qualification_review", Status.PENDING)
    _accept(tacheng, objection)
    with frozen_at(at(2025, 10, 15, 10)):
        services.objection_record_findings(objection=objection, actor=tacheng.office, findings="经核查，产值数据与统计报表一致。")
        services.objection_decide(objection=objection, actor=tacheng.office, upheld=False, text="经调查核实，异议不成立。")
    app = Application.objects.get(pk=held.pk)
    assert (app.stage, app.status) == ("qualification_review", Status.PENDING)
    o = Objection.objects.get(pk=objection.pk)
    assert o.state == "dismissed" and o.findings == "经核查，产值数据与统计报表一致。"
    actions = list(AuditEntry.objects.filter(object_type="publicity.Objection").order_by("id").values_list("action", flat=True))
    assert actions == ["objection.file", "objection.accept", "objection.findings", "objection.decide"]
    assert verify_chain()[1] is None
    assert not AuditEntry.objects.filter(data__icontains="13812345678").exists()  # the objector's phone is never logged


def test_upholding_removes_and_fraud_writes_ban(tacheng, file_objection):
    objection = file_objection(tacheng)
    close_due_windows(now=AFTER_CLOSE)
    _accept(tacheng, objection)
    with frozen_at(at(2025, 10, 15, 10)):
        services.objection_decide(objection=objection, actor=tacheng.office, upheld=True, text="经查实，申报材料存在虚假数据。", fraud=True)
    app = Application.objects.get(pk=tacheng.apps[0].pk)
    assert app.status == Status.REJECTED
    ban = Ban.objects.get(applicant=app.applicant)
    assert (ban.reason, ban.starts_on, ban.ends_on, ban.article) == ("fraud", dt.date(2025, 10, 15), dt.date(2030, 10, 15), "第三十二条")


def test_second_open_objection_keeps_application_held(tacheng, file_objection):
    first, second = file_objection(tacheng), file_objection(tacheng)
    close_due_windows(now=AFTER_CLOSE)
    _accept(tacheng, first)
    _accept(tacheng, second)
    with frozen_at(at(2025, 10, 15, 10)):
        services.objection_decide(objection=first, actor=tacheng.office, upheld=False, text="不成立。")
    assert Application.objects.get(pk=tacheng.apps[0].pk).status == Status.HELD
    with frozen_at(at(2025, 10, 15, 11)):
        services.objection_decide(objection=second, actor=tacheng.office, upheld=False, text="不成立。")
    assert Application.objects.get(pk=tacheng.apps[0].pk).stage == "qualification_review"


def test_refusal_needs_reasons_and_office_only(tacheng, file_objection, make_user):
    objection = file_objection(tacheng)
    with pytest.raises(DomainError, match="不予受理须写明理由"):
        services.objection_refuse(objection=objection, actor=tacheng.office, reason=" ")
    with pytest.raises(DomainError, match="只有本奖项的办公室"):
        services.objection_accept(objection=objection, actor=tacheng.checker)
    services.objection_refuse(objection=objection, actor=tacheng.office, reason="未提供身份证明原件。")
    assert Objection.objects.get(pk=objection.pk).state == "refused"


def test_filing_after_close_is_refused(tacheng, file_objection, client):
    with pytest.raises(DomainError, match="公示期已于2025年10月13日结束"):
        file_objection(tacheng, when=at(2025, 10, 14, 0, 1))
    with frozen_at(at(2025, 10, 14, 9)):
        html = client.get(f"/objections/new/?notice={tacheng.notice.pk}").content.decode()
    assert "公示期已于2025年10月13日结束，公示期满后提出的异议不予受理。" in html
    assert "<form method=\"post\"" not in html


def _post(client, notice, app, **over):
    data = {"notice": notice.pk, "objector_kind": "organization", "name": "塔城市某建材有限公司", "phone": "0901-6123456",
            "address": "塔城市建设路8号", "application": app.pk, "facts": "该单位近三年发生过安全事故。",
            "identity_proof": upload("seal.pdf"), "website": ""}
    data.update(over)
    return client.post(f"/objections/new/?notice={notice.pk}", data)


def test_public_form_receipt_and_status_lookup(client, tacheng, make_user):
    with frozen_at(at(2025, 10, 10, 9)):
        response = _post(client, tacheng.notice, tacheng.apps[1])
    assert response.status_code == 200
    objection = Objection.objects.get()
    html = response.content.decode()
    assert objection.receipt_no in html and objection.receipt_no.startswith("YY20251010")
    assert objection.review_due == dt.date(2025, 10, 16)
    status = client.get(f"/objections/status/?receipt_no={objection.receipt_no}").content.decode()
    assert "已收到，待审查" in status and "2025年10月10日" in status and "2025年10月16日" in status
    assert "塔城市某建材有限公司" not in status and "0901-6123456" not in status and "建设路" not in status
    assert client.get("/objections/status/?receipt_no=YY00000000XXXXXX").status_code == 404
    # personal data only for the office of the award's jurisdiction
    assert client.get(f"/office/objections/{objection.pk}/").status_code == 302  # login
    other = make_user(role="office", body=__import__("jurisdictions.models", fromlist=["Award"]).Award.objects.get(slug="erenhot-mayor").office)
    client.force_login(other)
    assert client.get(f"/office/objections/{objection.pk}/").status_code == 404
    client.force_login(tacheng.office)
    office_html = client.get(f"/office/objections/{objection.pk}/").content.decode()
    assert "0901-6123456" in office_html and "塔城市某建材有限公司" in office_html


def test_anonymous_and_honeypot_and_rate_limit(client, tacheng):
    with frozen_at(at(2025, 10, 10, 9)):
        response = _post(client, tacheng.notice, tacheng.apps[0], name="", identity_proof="")
        assert response.status_code == 400 and Objection.objects.count() == 0
        response = _post(client, tacheng.notice, tacheng.apps[0], website="http://spam.example")
        assert response.status_code == 400 and Objection.objects.count() == 0
        for _ in range(5):
            assert _post(client, tacheng.notice, tacheng.apps[0]).status_code == 200
        response = _post(client, tacheng.notice, tacheng.apps[0])
    assert response.status_code == 400 and "每小时最多提交 5 份异议" in response.content.decode()
    assert Objection.objects.count() == 5


def test_office_list_flags_overdue_and_letters(client, tacheng, file_objection):
    import io

    from pypdf import PdfReader

    objection = file_objection(tacheng)
    client.force_login(tacheng.office)
    with frozen_at(at(2025, 10, 20, 9)):
        html = client.get("/office/objections/").content.decode()
    assert objection.receipt_no in html and "（已逾期）" in html
    with frozen_at(at(2025, 10, 20, 9)):
        client.post(f"/office/objections/{objection.pk}/", {"op": "refuse", "refuse-reason": "异议材料不全。"})
    assert Objection.objects.get(pk=objection.pk).state == "refused"
    for to, name in (("objector", "张三"), ("applicant", "塔城市宏远乳业有限公司")):
        data = client.get(f"/office/objections/{objection.pk}/letter/{to}.pdf").content
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
        assert "异议处理结果告知书" in text and name in text and "异议材料不全" in text
    applicant_letter = client.get(f"/office/objections/{objection.pk}/letter/applicant.pdf").content
    assert "张三" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(applicant_letter)).pages)


def test_reminder_task_counts_due_objections(tacheng, file_objection):
    from publicity.tasks import remind_objections_due

    file_objection(tacheng)  # review due 2025-10-15
    with frozen_at(at(2025, 10, 14, 9)):
        assert remind_objections_due() == {}
    with frozen_at(at(2025, 10, 16, 9)):
        assert remind_objections_due() == {"654200": 1}
    entry = AuditEntry.objects.filter(action="objection.reminder").get()
    assert entry.data == {"due_or_overdue": 1, "overdue": 1, "on": "2025-10-16"}


def test_disguised_upload_is_refused_beside_the_field(client, tacheng):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("seal.pdf", b"MZ\x90\x00not a pdf at all", content_type="application/pdf")
    with frozen_at(at(2025, 10, 10, 9)):
        response = _post(client, tacheng.notice, tacheng.apps[0], identity_proof=fake)
    assert response.status_code == 400 and Objection.objects.count() == 0
    assert "identity_proof" in response.context["form"].errors


@pytest.mark.django_db
def test_objector_personal_data_is_ciphertext_in_the_database(tacheng, file_objection):
    from django.db import connection

    from publicity.models import Objection

    obj = file_objection(tacheng)
    with connection.cursor() as cur:
        cur.execute("SELECT objector_phone, objector_address FROM publicity_objection WHERE id = %s", [obj.pk])
        raw = cur.fetchone()
    assert "13812345678" not in raw[0] and "光明路" not in raw[1]
    stored = Objection.objects.get(pk=obj.pk)
    assert (stored.objector_phone, stored.objector_address) == ("13812345678", "塔城市光明路5号")
