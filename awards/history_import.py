"""Award history from before the platform: an Excel template, a dry run that lists every row's problems in
Chinese, then an all-or-nothing commit creating applicants, grants and bans marked `imported`.

Imported history feeds the eligibility engine exactly like history made here (awards.eligibility.history_results
reads Grant and Ban). A Grant needs an Application and an Application a Cycle, so each imported 届次 becomes a
finished Cycle marked HISTORY_MARK; the platform's own numbering then continues after the imported cycles
(cycle_open takes the highest number + 1) and cycle-counted gaps count the right cycles."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from core import clock
from core.crypto import blind_index
from core.audit import log_action
from core.errors import DomainError, NotPermitted
from jurisdictions.models import Jurisdiction, Role
from jurisdictions.selectors import memberships

from .models import Applicant, ApplicantKind, Application, Ban, Cycle, Grant, HistoryImport, Status
from .selectors import awards_for_office
from .validators import validate_credit_code, validate_id_number

HISTORY_MARK = "历史记录导入（非本平台办理）"
MAX_ROWS = 5000
COLUMNS = [
    ("award", "奖项代码", "奖项代码（slug），如 tacheng-prefecture"),
    ("year", "年度", "评选年度，如 2021"),
    ("number", "届次", "第几届，填数字，如 3"),
    ("category", "类别", "组织 或 个人"),
    ("name", "名称", "单位名称或个人姓名"),
    ("code", "统一社会信用代码/身份证号", "组织填18位统一社会信用代码，个人填18位居民身份证号码"),
    ("county", "所在县代码", "6位行政区划代码（GB/T 2260），如 654201"),
    ("decision", "表彰文号", "表彰决定文号；只登记禁止申报的可留空"),
    ("awarded_on", "表彰日期", "YYYY-MM-DD；只登记禁止申报的可留空"),
    ("revoked_on", "撤销日期", "奖励被撤销的填写，YYYY-MM-DD"),
    ("revoke_reason", "撤销原因", "如：提供虚假材料"),
    ("banned_until", "禁止申报至", "被禁止申报的填写截止日期，YYYY-MM-DD"),
    ("note", "备注", ""),
]
HEADERS = {label: key for key, label, _ in COLUMNS}
CATEGORY_WORDS = {"组织": ApplicantKind.ORGANIZATION, "organization": ApplicantKind.ORGANIZATION,
                  "个人": ApplicantKind.INDIVIDUAL, "individual": ApplicantKind.INDIVIDUAL}


def template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "获奖历史"
    ws.append([label for _, label, _ in COLUMNS])
    for i, (key, _label, _help) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        ws.column_dimensions[letter].width = 26 if key in ("name", "code", "decision", "revoke_reason", "note") else 14
        for row in range(2, 502):  # text format so 18-digit numbers keep every digit
            ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("填写说明")
    guide.append(["列名", "填写要求"])
    for _key, label, help_text in COLUMNS:
        guide.append([label, help_text])
    guide.append([])
    guide.append(["说明", "一行一条记录：获奖（可含撤销）或禁止申报。上传后先预览检查，全部无误才能导入；导入要么全部成功，要么一条也不导入。"])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 90
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_workbook(fileobj) -> list[dict]:
    """Rows of the first sheet as {"row": n, "values": {key: text}}; blank rows skipped."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        raise DomainError("无法读取该文件，请使用下载的 Excel 模板（.xlsx）填写后上传。", field="file") from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [(_cell_text(v)) for v in next(rows, [])]
    index = {HEADERS[h]: i for i, h in enumerate(header) if h in HEADERS}
    missing = [label for key, label, _ in COLUMNS if key not in index]
    if missing:
        raise DomainError(f"模板缺少以下列：{'、'.join(missing)}。请使用下载的模板。", field="file")
    out = []
    for n, raw in enumerate(rows, start=2):
        values = {key: _cell_text(raw[i]) if i < len(raw) else "" for key, i in index.items()}
        if not any(values.values()):
            continue
        out.append({"row": n, "values": values})
        if len(out) > MAX_ROWS:
            raise DomainError(f"一次最多导入 {MAX_ROWS} 行，请分批上传。", field="file")
    wb.close()
    if not out:
        raise DomainError("文件中没有数据行。", field="file")
    return out


def _date(text: str, label: str, errors: list[str]) -> dt.date | None:
    if not text:
        return None
    t = text.strip().replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").replace("日", "")
    t = t.split(" ")[0]
    try:
        y, m, d = (int(p) for p in t.split("-"))
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        pass
    if t.isdigit() and 20000 < int(t) < 80000:  # an Excel serial date typed into a text cell
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(t))
    errors.append(f"{label}“{text}”不是有效日期，请按 YYYY-MM-DD 填写")
    return None


def _int(text: str, label: str, errors: list[str]) -> int | None:
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        errors.append(f"{label}“{text}”应为整数")
        return None
    if value <= 0:
        errors.append(f"{label}应为正整数")
        return None
    return value


@dataclasses.dataclass
class RowCheck:
    row: int
    values: dict
    errors: list[str]
    actions: list[str]
    clean: dict

    @property
    def ok(self) -> bool:
        return not self.errors


def check_rows(rows: list[dict], actor) -> list[RowCheck]:
    """Every row against the database as it is now: what it would create, or every reason it cannot."""
    today = clock.today()
    awards = {a.slug: a for a in awards_for_office(actor)}
    counties = {j.code: j for j in Jurisdiction.objects.filter(code__in={r["values"].get("county", "") for r in rows})}
    seen: dict[tuple, int] = {}
    cycle_years: dict[tuple, tuple[int, int]] = {}
    out = []
    for item in rows:
        v, errors, actions = item["values"], [], []
        clean: dict = {}
        award = awards.get(v.get("award", ""))
        if not v.get("award"):
            errors.append("未填写奖项代码")
        elif award is None:
            errors.append(f"奖项代码“{v['award']}”不存在或不属于您管理的奖项")
        year = _int(v.get("year", ""), "年度", errors)
        if not v.get("year"):
            errors.append("未填写年度")
        if year is not None and not (1949 < year <= today.year):
            errors.append(f"年度 {year} 不在 1950–{today.year} 年之间")
        number = _int(v.get("number", ""), "届次", errors)
        category = CATEGORY_WORDS.get(v.get("category", "").strip())
        if category is None:
            errors.append(f"类别“{v.get('category', '')}”无效，应填“组织”或“个人”")
        name = v.get("name", "").strip()
        if not name:
            errors.append("未填写名称")
        code = ""
        try:
            if category == ApplicantKind.INDIVIDUAL:
                code = validate_id_number(v.get("code", ""))
            elif category == ApplicantKind.ORGANIZATION:
                code = validate_credit_code(v.get("code", ""))
        except DomainError as exc:
            errors.append(exc.message.rstrip("。"))
        county = counties.get(v.get("county", "").strip())
        if not v.get("county"):
            errors.append("未填写所在县代码")
        elif county is None:
            errors.append(f"所在县代码“{v['county']}”不存在（应为6位行政区划代码）")
        elif award is not None and not county.is_within(award.jurisdiction):
            errors.append(f"{county.name}不在{award.jurisdiction.name}行政区域内")
        awarded_on = _date(v.get("awarded_on", ""), "表彰日期", errors)
        revoked_on = _date(v.get("revoked_on", ""), "撤销日期", errors)
        banned_until = _date(v.get("banned_until", ""), "禁止申报至", errors)
        for label, day in (("表彰日期", awarded_on), ("撤销日期", revoked_on)):
            if day and day > today:
                errors.append(f"{label} {day:%Y-%m-%d} 晚于今天，历史记录的日期不能在将来")
        decision = v.get("decision", "").strip()
        is_grant = bool(awarded_on or decision)
        if is_grant:
            if not awarded_on and not any(e.startswith("表彰日期") for e in errors):
                errors.append("填写了表彰文号，请同时填写表彰日期")
            if not decision:
                errors.append("填写了表彰日期，请同时填写表彰文号")
            if number is None and not any(e.startswith("届次") for e in errors):
                errors.append("获奖记录须填写届次")
        if revoked_on and not is_grant:
            errors.append("填写了撤销日期，但没有表彰记录")
        if revoked_on and awarded_on and revoked_on < awarded_on:
            errors.append("撤销日期早于表彰日期")
        if not is_grant and not banned_until:
            errors.append("既没有表彰记录也没有禁止申报日期，本行没有可导入的内容")
        ban_start = revoked_on or awarded_on or (dt.date(year, 1, 1) if year else None)
        if banned_until and ban_start and banned_until < ban_start:
            errors.append("禁止申报至早于禁止开始日期")
        applicant = None
        if code and category:
            applicant = Applicant.objects.filter(credit_code=code).first() if category == ApplicantKind.ORGANIZATION else \
                Applicant.objects.filter(kind=ApplicantKind.INDIVIDUAL, id_number_index=blind_index(code)).first()
            if applicant is not None and applicant.kind != category:
                errors.append("该代码已登记为另一类别的申报主体")
        if award is not None and code and category:
            if is_grant and number:
                key = (award.slug, code, category, number)
                if key in seen:
                    errors.append(f"与第 {seen[key]} 行重复（同一奖项、同一届次、同一主体）")
                seen.setdefault(key, item["row"])
                if applicant is not None and Grant.objects.filter(applicant=applicant, award=award, cycle_number=number,
                                                                  category=category).exists():
                    errors.append(f"重复：{name}第 {number} 届的获奖记录已存在")
                if year:
                    prior = cycle_years.get((award.slug, number))
                    if prior and prior[0] != year:
                        errors.append(f"第 {number} 届在第 {prior[1]} 行填为 {prior[0]} 年，与本行年度 {year} 不一致")
                    cycle_years.setdefault((award.slug, number), (year, item["row"]))
                    existing = Cycle.objects.filter(award=award, number=number).first()
                    if existing is not None and existing.override_reason != HISTORY_MARK:
                        errors.append(f"第 {number} 届（{existing.year}年）已在本平台办理，其获奖记录无需导入")
                    elif existing is not None and existing.year != year:
                        errors.append(f"第 {number} 届已登记为 {existing.year} 年，与本行年度 {year} 不一致")
            elif banned_until:
                key = (award.slug, code, "ban", banned_until)
                if key in seen:
                    errors.append(f"与第 {seen[key]} 行重复")
                seen.setdefault(key, item["row"])
            if banned_until and applicant is not None and Ban.objects.filter(applicant=applicant, award=award,
                                                                             ends_on=banned_until).exists():
                errors.append(f"重复：{name}禁止申报至 {banned_until:%Y-%m-%d} 的记录已存在")
        if not errors:
            actions.append(f"沿用已有申报主体“{applicant.name}”" if applicant else "新建申报主体")
            if is_grant:
                actions.append(f"获奖记录：第 {number} 届（{year}年）{decision}")
                if revoked_on:
                    actions.append(f"撤销（{revoked_on:%Y-%m-%d}）")
            if banned_until:
                actions.append(f"禁止申报至 {banned_until:%Y-%m-%d}")
            clean = {"award": award.slug, "year": year, "number": number, "category": str(category), "name": name, "code": code,
                     "county": county.code, "decision": decision, "awarded_on": awarded_on, "revoked_on": revoked_on,
                     "revoke_reason": v.get("revoke_reason", "").strip(), "banned_until": banned_until, "ban_start": ban_start,
                     "note": v.get("note", "").strip()}
        out.append(RowCheck(item["row"], v, errors, actions, clean))
    return out


def _office_jurisdiction(actor) -> Jurisdiction:
    m = memberships(actor, Role.OFFICE).order_by("body__jurisdiction__code").first()
    if m is None:
        raise NotPermitted("只有质量奖办公室可以导入历史记录。")
    return m.body.jurisdiction


@transaction.atomic
def history_import_upload(*, actor, uploaded_file) -> HistoryImport:
    """The dry run: parse and check every row; nothing is created yet."""
    jurisdiction = _office_jurisdiction(actor)
    if not uploaded_file.name.lower().endswith(".xlsx"):
        raise DomainError("请上传 .xlsx 格式的 Excel 文件（使用下载的模板）。", field="file")
    if uploaded_file.size > 5 * 1024 * 1024:
        raise DomainError("文件不能超过 5 MB。", field="file")
    rows = parse_workbook(uploaded_file)
    checks = check_rows(rows, actor)
    batch = HistoryImport.objects.create(jurisdiction=jurisdiction, file_name=uploaded_file.name[:200], rows=rows,
                                         error_count=sum(1 for c in checks if not c.ok), uploaded_by=actor)
    log_action("history.dry_run", actor=actor, obj=batch, role="office", jurisdiction_code=jurisdiction.code,
               data={"rows": len(rows), "errors": batch.error_count, "file": batch.file_name})
    return batch


def _historical_cycle(award, year: int, number: int, actor) -> Cycle:
    cycle = Cycle.objects.filter(award=award, number=number).first()
    if cycle is not None:
        return cycle
    ruleset = award.rulesets.order_by("version").first()  # the earliest version on file; the old one is not
    return Cycle.objects.create(award=award, ruleset=ruleset, year=year, number=number, status=Cycle.Status.FINISHED,
                                opened_on=dt.date(year, 1, 1), filing_deadline=dt.date(year, 1, 1),
                                override_reason=HISTORY_MARK, opened_by=actor)


@transaction.atomic
def history_import_commit(*, batch: HistoryImport, actor) -> dict:
    """All or nothing: re-checks every row against the database now, then creates everything in one transaction."""
    if not memberships(actor, Role.OFFICE).filter(body__jurisdiction_id=batch.jurisdiction_id).exists():
        raise NotPermitted("只有质量奖办公室可以导入历史记录。")
    awards = {a.slug: a for a in awards_for_office(actor)}
    created = {"applicants": 0, "grants": 0, "bans": 0, "cycles": 0}
    committed_at = HistoryImport.objects.select_for_update().values_list("committed_at", flat=True).get(pk=batch.pk)
    if committed_at:  # read under the lock: two clicks on 确认导入 import once
        raise DomainError(f"该文件已于 {timezone.localtime(committed_at):%Y-%m-%d %H:%M} 导入，不能重复导入。")
    checks = check_rows(batch.rows, actor)
    bad = [c for c in checks if not c.ok]
    if bad:
        raise DomainError(f"有 {len(bad)} 行存在错误（第 {'、'.join(str(c.row) for c in bad[:10])} 行），未导入任何记录。请修改后重新上传。",
                          code="import_errors")
    counties = {j.code: j for j in Jurisdiction.objects.filter(code__in={c.clean["county"] for c in checks})}
    for c in checks:
        d = c.clean
        award = awards[d["award"]]
        if d["category"] == ApplicantKind.ORGANIZATION:
            applicant = Applicant.objects.filter(credit_code=d["code"]).first()
        else:
            applicant = Applicant.objects.filter(kind=ApplicantKind.INDIVIDUAL, id_number_index=blind_index(d["code"])).first()
        if applicant is None:
            applicant = Applicant.objects.create(
                kind=d["category"], name=d["name"], county=counties[d["county"]],
                credit_code=d["code"] if d["category"] == ApplicantKind.ORGANIZATION else None,
                id_number=d["code"] if d["category"] == ApplicantKind.INDIVIDUAL else "",
                id_number_index=blind_index(d["code"]) if d["category"] == ApplicantKind.INDIVIDUAL else "")
            created["applicants"] += 1
        grant = None
        if d["awarded_on"]:
            before = Cycle.objects.filter(award=award, number=d["number"]).exists()
            cycle = _historical_cycle(award, d["year"], d["number"], actor)
            created["cycles"] += 0 if before else 1
            cat = d["category"][:3]
            app = Application.objects.create(
                cycle=cycle, applicant=applicant, category=d["category"], reference=f"HIST-{cycle.pk}-{applicant.pk}-{cat}",
                stage="commendation", status=Status.REVOKED if d["revoked_on"] else Status.AWARDED)
            grant = Grant.objects.create(
                application=app, applicant=applicant, applicant_name=d["name"][:120], award=award, cycle=None, category=d["category"], year=d["year"],
                cycle_number=d["number"], decision_document=d["decision"][:80], awarded_on=d["awarded_on"],
                serial=f"HIST-{award.jurisdiction.code}-{d['year']}-{d['number']:02d}-{applicant.pk}-{cat}", imported=True,
                revoked_on=d["revoked_on"], revoke_reason=(d["revoke_reason"] or ("历史导入" if d["revoked_on"] else ""))[:20],
                revoke_text=d["revoke_reason"])
            created["grants"] += 1
        if d["banned_until"]:
            Ban.objects.create(applicant=applicant, award=award, reason=(d["revoke_reason"] or d["note"] or "历史记录")[:20],
                               starts_on=d["ban_start"], ends_on=d["banned_until"], grant=grant, imported=True,
                               article=f"历史记录导入（{d['decision'] or '无表彰文号'}）"[:60], note=d["note"][:300])
            created["bans"] += 1
    batch.committed_at = clock.now()
    batch.created = created
    batch.error_count = 0
    batch.save(update_fields=["committed_at", "created", "error_count"])
    log_action("history.import", actor=actor, obj=batch, role="office", jurisdiction_code=batch.jurisdiction.code,
               data={**created, "awards": sorted({c.clean["award"] for c in checks}), "file": batch.file_name})
    return created
