"""Upload checks and safe downloads.

`validate_upload` accepts a file only when its extension is on the allow-list AND its content starts
the way that format must (magic bytes; for OOXML the zip must hold [Content_Types].xml and the main part
of that very format). HTML or scripts renamed to .pdf, macro documents, zip bombs and oversize files are
refused with a Chinese DomainError; anything unreadable is a DomainError too, never another exception.

`attachment_response` always serves as a download (Content-Disposition: attachment) with nosniff and a
sandboxing CSP, so a file can never run as a page of this site.
"""
import io
import zipfile
from pathlib import PurePath

from django.http import FileResponse

from .errors import DomainError

OOXML_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
}
OLE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}
PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", *OOXML_TYPES, *OLE_TYPES)
ALLOWED_LABEL = "PDF、PNG、JPEG、Word（.docx/.doc）、Excel（.xlsx/.xls）、PowerPoint（.pptx）"
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_UNCOMPRESSED = 512 * 1024 * 1024


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, code=code, field="file")


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def _check_ooxml(file, ext: str) -> None:
    content_type, main_prefix = OOXML_TYPES[ext]
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or sum(max(i.file_size, 0) for i in infos) > ZIP_MAX_UNCOMPRESSED:
                raise _refuse("文档内部结构异常（解压后过大），已拒收。", "upload_zip_bomb")
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                raise _refuse(f"文件不是有效的 .{ext} 文档（缺少内容类型清单）。", "upload_bad_content")
            if not any(name.startswith(main_prefix) for name in names):
                raise _refuse(f"文件内容与扩展名 .{ext} 不符。", "upload_mismatch")
            manifest = archive.read("[Content_Types].xml")[:1_000_000].lower()
            if any(name.lower().endswith("vbaproject.bin") for name in names) or b"macroenabled" in manifest:
                raise _refuse("不接受含宏的 Office 文档，请另存为不含宏的格式后上传。", "upload_macro")
    except DomainError:
        raise
    except Exception:  # BadZipFile, truncated data, unsupported compression, ...
        raise _refuse(f"文件已损坏或不是有效的 .{ext} 文档。", "upload_bad_content") from None


def validate_upload(file, *, max_bytes: int) -> str:
    """Checks name, size and content; returns the detected content type. Leaves the file at position 0."""
    name = str(getattr(file, "name", "") or "")
    ext = PurePath(name.replace("\\", "/")).suffix.lower().lstrip(".")
    if ext not in ALLOWED_EXTENSIONS:
        raise _refuse(f"不支持的文件类型“.{ext or '（无扩展名）'}”，只接受 {ALLOWED_LABEL}。", "upload_type")
    try:
        size = _size_of(file)
        if size == 0:
            raise _refuse("文件为空，请重新选择。", "upload_empty")
        if size > max_bytes:
            raise _refuse(f"文件大小 {_mb(size)} MB 超过上限 {_mb(max_bytes)} MB。", "upload_too_large")
        file.seek(0)
        head = bytes(file.read(8) or b"")
        if ext == "pdf":
            if not head.startswith(PDF_MAGIC):
                raise _refuse("文件内容不是 PDF（可能是改了扩展名的网页或其他文件），已拒收。", "upload_mismatch")
            return "application/pdf"
        if ext == "png":
            if not head.startswith(PNG_MAGIC):
                raise _refuse("文件内容不是 PNG 图片，已拒收。", "upload_mismatch")
            return "image/png"
        if ext in ("jpg", "jpeg"):
            if not head.startswith(JPEG_MAGIC):
                raise _refuse("文件内容不是 JPEG 图片，已拒收。", "upload_mismatch")
            return "image/jpeg"
        if ext in OLE_TYPES:
            if not head.startswith(OLE_MAGIC):
                raise _refuse(f"文件内容与扩展名 .{ext} 不符，已拒收。", "upload_mismatch")
            return OLE_TYPES[ext]
        if not head.startswith(ZIP_MAGIC):
            raise _refuse(f"文件内容与扩展名 .{ext} 不符，已拒收。", "upload_mismatch")
        _check_ooxml(file, ext)
        return OOXML_TYPES[ext][0]
    except DomainError:
        raise
    except Exception:
        raise _refuse("无法读取上传的文件，请重新上传。", "upload_unreadable") from None
    finally:
        try:
            file.seek(0)
        except Exception:
            pass


def attachment_response(storage_file, filename: str, content_type: str, *, encrypted: bool = False) -> FileResponse:
    """A download, never an inline page. `storage_file` is a FieldFile/File (opened here) or a file object;
    `encrypted=True` decrypts a blob written with core.crypto.encrypt_bytes (trade-secret files)."""
    handle = storage_file.open("rb") if hasattr(storage_file, "open") else storage_file
    if encrypted:
        from .crypto import decrypt_bytes

        try:
            data = decrypt_bytes(handle.read())
        finally:
            handle.close()
        handle = io.BytesIO(data)
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
