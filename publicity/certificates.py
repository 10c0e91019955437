"""Certificate and plaque PDFs for a Grant, with a QR code pointing at the public verification page."""
from __future__ import annotations

import segno

from .pdf import render_pdf


def verify_path(serial: str) -> str:
    return f"/verify/{serial}/"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def certificate_pdf(grant, *, variant: str = "certificate", base_url: str = "") -> bytes:
    url = base_url.rstrip("/") + verify_path(grant.serial) if base_url else verify_path(grant.serial)
    template = "publicity/pdf/plaque.html" if variant == "plaque" else "publicity/pdf/certificate.html"
    return render_pdf(template, {"g": grant, "verify_url": url, "qr": qr_data_uri(url)})
