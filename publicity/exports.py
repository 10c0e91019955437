"""Excel exports for the office: a cycle's applications per stage, and its winners."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from awards.models import Status
from core.clock import SHANGHAI
from core.spreadsheets import append_row, workbook_bytes
from jurisdictions.rules import STAGE_LABELS, Rules


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


def _header(ws, cols):
    append_row(ws, cols)
    for cell in ws[1]:
        cell.font = Font(bold=True)


def applications_workbook(cycle) -> bytes:
    rules = Rules(cycle.ruleset.data)
    apps = list(cycle.applications.select_related("applicant", "route_body").order_by("reference"))
    wb = Workbook()
    summary = wb.active
    summary.title = "各环节汇总"
    _header(summary, ["环节", "申报数"])
    for stage in rules.application_stages():
        append_row(summary, [stage.label, sum(1 for a in apps if a.stage == stage.code)])
    ws = wb.create_sheet("申报明细")
    _header(ws, ["申报编号", "申报单位/个人", "类别", "环节", "状态", "受理/初审机构", "提交时间", "办理期限"])
    for a in apps:
        append_row(ws, [a.reference, a.applicant.name, a.get_category_display(), STAGE_LABELS.get(a.stage, a.stage), Status(a.status).label,
                   a.route_body.name if a.route_body else "", a.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                   a.stage_due.isoformat() if a.stage_due else ""])
    return _save(wb)


def winners_workbook(cycle) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "获奖名单"
    _header(ws, ["证书编号", "获奖者", "类别", "年度", "届次", "表彰决定文号", "表彰日期", "有效期至", "奖金（元）", "撤销日期"])
    for g in cycle.grants.select_related("applicant").order_by("serial"):
        append_row(ws, [g.serial, g.applicant_name, g.get_category_display(), g.year, g.cycle_number, g.decision_document, g.awarded_on.isoformat(),
                   g.valid_until.isoformat() if g.valid_until else "", float(g.prize_amount) if g.prize_amount is not None else "",
                   g.revoked_on.isoformat() if g.revoked_on else ""])
    return _save(wb)
