"""Shared builders for the programme tests: data through the real services."""
import datetime as dt
import io
import random

from openpyxl import load_workbook

from awards.history_import import template_workbook
from awards.simulation import _credit_code
from jurisdictions.models import Jurisdiction

PASSWORD = "Zlj-test-2026!"


def credit(county_code: str, seed: int) -> str:
    return _credit_code(random.Random(seed), Jurisdiction.objects.get(code=county_code))


def workbook(rows: list[list]) -> io.BytesIO:
    """The downloaded template with `rows` typed in (as text, the way the template formats its cells)."""
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb["获奖历史"]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "history.xlsx"
    out.size = len(out.getvalue())
    return out


def upload(data: io.BytesIO):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("history.xlsx", data.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def at(day: dt.date, hour: int = 9):
    from core import clock

    return clock.frozen_at(dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI))
