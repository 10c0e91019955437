"""Every PDF of the platform is rendered here (the only module that imports WeasyPrint).

Templates are trusted, but their data is not: the url_fetcher refuses everything except data: URIs, so a
rendered document can never read local files or reach internal URLs. Fonts come from the system
(Noto Sans CJK SC) and WeasyPrint embeds only the glyphs used (subset), which keeps files small.
"""
from __future__ import annotations

from django.template.loader import render_to_string

PDF_FONT = "Noto Sans CJK SC"


class RefusedURL(ValueError):
    pass


def _safe_fetcher_class():
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        """Only inline data: URIs (QR codes, images generated in memory); file:, http(s): and the rest refused."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise RefusedURL(f"refused to fetch {url[:80]}")
            return super().fetch(url, headers)

    return SafeURLFetcher


def safe_url_fetcher(url: str):
    return _safe_fetcher_class()()(url)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML(string=html, url_fetcher=_safe_fetcher_class()(), base_url=None).write_pdf(
        font_config=FontConfiguration(), full_fonts=False, hinting=False)


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template, {**context, "PDF_FONT": PDF_FONT}))


def notice_pdf(notice, applicants: list[str]) -> bytes:
    from .presenters import window_label

    return render_pdf("publicity/pdf/notice.html", {"notice": notice, "applicants": applicants, "window_label": window_label(notice)})


def objection_letter_pdf(objection, *, to: str) -> bytes:
    return render_pdf("publicity/pdf/objection_letter.html", {"o": objection, "to": to})
