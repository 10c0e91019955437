"""Uploads (item 6): allow-list by extension AND content, Chinese messages, safe attachment downloads."""
import functools
import io
import zipfile

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, example, given, settings as hsettings, strategies as st

from core.crypto import encrypt_bytes
from core.errors import DomainError
from core.uploads import ALLOWED_EXTENSIONS, attachment_response, validate_upload

MB = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def ooxml(main_part, *, content_types=True, extra=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if content_types:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="x"/>')
        z.writestr(main_part, "<doc/>")
        for name in extra:
            z.writestr(name, b"\0")
    return buf.getvalue()


@functools.lru_cache(maxsize=1)
def xlsx_bytes():  # once: openpyxl stamps the time, and hypothesis needs the same bytes every run
    wb = openpyxl.Workbook()
    wb.active["A1"] = "营业收入"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refused(name, data, max_bytes=20 * MB):
    with pytest.raises(DomainError) as exc:
        validate_upload(upload(name, data), max_bytes=max_bytes)
    assert exc.value.field == "file"
    return exc.value.message


def test_accepted_formats_report_their_content_type():
    cases = {
        "自评报告.pdf": (PDF, "application/pdf"),
        "证书.PNG": (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        "现场.jpeg": (b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        "报告.docx": (ooxml("word/document.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "财务.xlsx": (xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "汇报.pptx": (ooxml("ppt/presentation.xml"),
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        "旧版.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/msword"),
        "旧表.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "application/vnd.ms-excel"),
    }
    for name, (data, expected) in cases.items():
        f = upload(name, data)
        assert validate_upload(f, max_bytes=20 * MB) == expected, name
        assert f.tell() == 0 and f.read() == data  # left ready for saving


def test_disguised_and_dangerous_files_are_refused_in_chinese():
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    assert refused("报告.pdf", html) == "文件内容不是 PDF（可能是改了扩展名的网页或其他文件），已拒收。"
    assert refused("报告.pdf", b"   " + PDF) == "文件内容不是 PDF（可能是改了扩展名的网页或其他文件），已拒收。"
    assert refused("x.html", html).startswith("不支持的文件类型“.html”，只接受 PDF、PNG、JPEG")
    assert refused("x.js", b"alert(1)").startswith("不支持的文件类型“.js”")
    assert refused("x.pdf.exe", b"MZ\x90\x00").startswith("不支持的文件类型“.exe”")
    assert refused("无扩展名", PDF).startswith("不支持的文件类型“.（无扩展名）”")
    assert refused("a.png", PDF) == "文件内容不是 PNG 图片，已拒收。"
    assert refused("a.docx", ooxml("xl/workbook.xml")) == "文件内容与扩展名 .docx 不符。"
    assert refused("a.xlsx", ooxml("xl/workbook.xml", content_types=False)) == "文件不是有效的 .xlsx 文档（缺少内容类型清单）。"
    assert refused("a.docx", ooxml("word/document.xml", extra=["word/vbaProject.bin"])) == \
        "不接受含宏的 Office 文档，请另存为不含宏的格式后上传。"
    assert refused("a.docx", b"PK\x03\x04garbage") == "文件已损坏或不是有效的 .docx 文档。"
    assert refused("a.doc", PDF) == "文件内容与扩展名 .doc 不符，已拒收。"
    assert refused("空.pdf", b"") == "文件为空，请重新选择。"


def test_oversize_is_refused_with_both_sizes():
    data = PDF + b"\0" * (int(2.5 * MB) - len(PDF))
    assert refused("大.pdf", data, max_bytes=2 * MB) == "文件大小 2.5 MB 超过上限 2 MB。"
    assert validate_upload(upload("大.pdf", data), max_bytes=3 * MB) == "application/pdf"


def test_zip_bomb_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\0" * (600 * MB // 10))
        for i in range(10):
            z.writestr(f"word/media/pad{i}.bin", b"\0" * (600 * MB // 10))
    assert len(buf.getvalue()) < 5 * MB
    assert refused("炸弹.docx", buf.getvalue()) == "文档内部结构异常（解压后过大），已拒收。"


@hsettings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=64))
def test_random_bytes_are_a_pdf_only_when_they_start_with_the_pdf_magic(data):
    try:
        accepted = validate_upload(upload("x.pdf", data), max_bytes=MB)
    except DomainError:
        accepted = None
    assert (accepted == "application/pdf") == (data.startswith(b"%PDF-"))


@hsettings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(ext=st.sampled_from([*ALLOWED_EXTENSIONS, "html", "svg", "exe", ""]),
       prefix=st.sampled_from([b"", b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x89PNG\r\n\x1a\n"]),
       data=st.binary(max_size=256), name=st.text(max_size=20))
@example(ext="", prefix=b"", data=b"", name="/")
@example(ext="pdf", prefix=b"%PDF-", data=b"", name="../..")
def test_arbitrary_input_only_ever_raises_domain_error(ext, prefix, data, name):
    from django.core.exceptions import SuspiciousFileOperation

    try:  # names Django itself refuses to make an upload of ("..", "/") never reach the validator
        file = upload((name.replace("\0", "") or "f") + (f".{ext}" if ext else ""), prefix + data)
    except SuspiciousFileOperation:
        assume(False)
    try:
        validate_upload(file, max_bytes=200)
    except DomainError:
        pass


@hsettings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corrupted_office_files_only_raise_domain_error(draw):
    data = bytearray(xlsx_bytes())
    for _ in range(draw.draw(st.integers(1, 20))):
        data[draw.draw(st.integers(0, len(data) - 1))] = draw.draw(st.integers(0, 255))
    try:
        validate_upload(upload("x.xlsx", bytes(data)), max_bytes=MB)
    except DomainError:
        pass


def _body(response):
    return b"".join(response.streaming_content)


def test_attachment_response_is_a_nosniff_download(settings, tmp_path):
    name = default_storage.save("materials/report.pdf", ContentFile(PDF))
    response = attachment_response(default_storage.open(name), "企业自评报告.pdf", "application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BC%81%E4%B8%9A" in response["Content-Disposition"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _body(response) == PDF


def test_attachment_response_decrypts_trade_secret_files():
    name = default_storage.save("materials/secret.bin", ContentFile(encrypt_bytes(PDF)))
    response = attachment_response(default_storage.open(name), "商业秘密.pdf", "application/pdf", encrypted=True)
    assert _body(response) == PDF
