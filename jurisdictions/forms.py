"""Forms for the ruleset editor and the calendar administration.

The ruleset editor shows the key numbers of the latest version as fields plus the full JSON ("advanced").
On save, the JSON is the base and every field whose value differs from the version being edited is written
into it, so an office can change either (a field's change wins over the same item edited in the JSON)."""
from __future__ import annotations

import copy
import dataclasses
import json
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model

from .calendar import UNIT_LABELS, UNITS
from .rules import BAN_APPLIES_TO, BAN_REASONS, STAGE_CODES, STAGE_LABELS, WINDOW_KEYS, validate_ruleset_data

WINDOW_LABELS = {"publicity": "公示期", "public_comment": "征求意见期", "deadline": "办理时限"}
UNIT_CHOICES = [(u, UNIT_LABELS[u].removeprefix("个")) for u in UNITS]  # 工作日 / 天
PERIOD_CHOICES = [("years", "年"), ("cycles", "届")]
FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

INT_ERRORS = {"invalid": "请输入整数。", "required": "此项必填。", "min_value": "不能小于 %(limit_value)s。",
              "max_value": "不能大于 %(limit_value)s。"}


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One editable number of the ruleset: where it lives in the JSON and how it is shown."""

    name: str
    path: tuple  # keys; a dict {"code": X} inside selects the list item with that code/reason
    group: str
    label: str
    kind: str  # int | optional_int | unit | period_unit | ban_scope | weight | fraction | bool
    hint: str = ""  # text the schema check uses for this item, to put its message beside the field
    min_value: int | None = None
    max_value: int | None = None


class PathMissing(LookupError):
    pass


def _step(node, key):
    if isinstance(key, dict):
        (field, value), = key.items()
        if isinstance(node, list):
            for item in node:
                if isinstance(item, dict) and item.get(field) == value:
                    return item
        raise PathMissing(key)
    if isinstance(node, dict) and key in node:
        return node[key]
    raise PathMissing(key)


def get_path(data, path):
    node = data
    for key in path:
        node = _step(node, key)
    return node


def set_path(data, path, value):
    node = data
    for key in path[:-1]:
        node = _step(node, key)
    if not isinstance(node, dict):
        raise PathMissing(path[-1])
    node[path[-1]] = value


def field_specs(data: dict) -> list[FieldSpec]:
    """The editable key numbers present in this ruleset, grouped as the office reads them."""
    specs = [FieldSpec("cycle_years", ("cycle_years",), "周期与名额", "评选周期（年）", "int", "cycle_years", 1, 20)]
    for cat, label in (("organization", "组织"), ("individual", "个人")):
        specs.append(FieldSpec(f"quota_{cat}", ("quota", cat), "周期与名额", f"每届名额：{label}", "int",
                               f"quota.{cat}", 0, 1000))
    specs.append(FieldSpec("quota_vacancy_allowed", ("quota", "vacancy_allowed"), "周期与名额", "达不到条件的名额可以空缺",
                           "bool", "quota.vacancy_allowed"))
    for stage in data.get("stages") or []:
        code = stage.get("code")
        if not isinstance(code, str):
            continue
        stage_label = stage.get("name") or STAGE_LABELS.get(code, code)
        for key in WINDOW_KEYS:
            if not isinstance(stage.get(key), dict):
                continue
            base = ("stages", {"code": code}, key)
            hint = f"环节 {code} 的 {key}"
            window_label = "公告期" if (code, key) == ("announcement", "publicity") else WINDOW_LABELS[key]
            specs.append(FieldSpec(f"stage__{code}__{key}__length", base + ("length",), "环节期限",
                                   f"{stage_label} · {window_label}长度", "int", f"{hint}.length", 1, 400))
            specs.append(FieldSpec(f"stage__{code}__{key}__unit", base + ("unit",), "环节期限",
                                   f"{stage_label} · {window_label}单位", "unit", f"{hint}.unit"))
    if isinstance(data.get("reapply_after_award"), dict):
        specs.append(FieldSpec("reapply_length", ("reapply_after_award", "length"), "再次申报与禁止申报",
                               "获奖后再次申报间隔", "int", "reapply_after_award.length", 0, 50))
        specs.append(FieldSpec("reapply_unit", ("reapply_after_award", "unit"), "再次申报与禁止申报",
                               "获奖后再次申报间隔单位", "period_unit", "reapply_after_award.unit"))
    for ban in data.get("bans") or []:
        reason = ban.get("reason") if isinstance(ban, dict) else None
        if reason not in BAN_REASONS:
            continue
        base = ("bans", {"reason": reason})
        specs.append(FieldSpec(f"ban__{reason}__length", base + ("length",), "再次申报与禁止申报",
                               f"禁止申报（{BAN_REASONS[reason]}）期限", "int", "", 1, 50))
        specs.append(FieldSpec(f"ban__{reason}__unit", base + ("unit",), "再次申报与禁止申报",
                               f"禁止申报（{BAN_REASONS[reason]}）单位", "period_unit"))
        if "applies_to" in ban:
            specs.append(FieldSpec(f"ban__{reason}__applies_to", base + ("applies_to",), "再次申报与禁止申报",
                                   f"禁止申报（{BAN_REASONS[reason]}）适用于", "ban_scope"))
    for cat, label in (("organization", "组织"), ("individual", "个人")):
        specs.append(FieldSpec(f"prize_{cat}", ("prize", cat), "奖金", f"奖金（元）：{label}（不设奖金请留空）",
                               "optional_int", f"prize.{cat}", 0, 100_000_000))
    weights = data.get("composite_weights") or {}
    for stage_code in STAGE_CODES:  # stage order, not the stored key order (jsonb sorts keys)
        if stage_code in weights:
            specs.append(FieldSpec(f"weight__{stage_code}", ("composite_weights", stage_code), "综合评价权重",
                                   f"{STAGE_LABELS[stage_code]}权重（0–1）", "weight"))
    specs.append(FieldSpec("committee_quorum", ("committee", "quorum"), "审议表决", "法定到会比例（如 2/3）", "fraction"))
    specs.append(FieldSpec("committee_majority", ("committee", "majority"), "审议表决", "通过所需赞成比例（如 1/2）", "fraction"))
    return specs


# PostgreSQL's jsonb stores keys sorted by length; show the JSON in the order the regulation reads.
TOP_LEVEL_ORDER = (
    "schema", "source_file", "award", "document", "cycle_years", "cycle", "quota", "award_validity_years", "categories",
    "applicants", "routing", "recommendation", "eligibility", "encouraged", "stages", "reapply_after_award", "bans",
    "revocation", "post_award", "prize", "objections", "committee", "composite_weights", "criteria",
)
ITEM_ORDER = ("code", "reason", "name", "label", "category", "actor", "length", "unit", "minimum", "text", "article")


def _ordered(value, order=ITEM_ORDER):
    if isinstance(value, dict):
        keys = [k for k in order if k in value] + sorted(k for k in value if k not in order)
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def readable_json(data: dict) -> str:
    return json.dumps(_ordered(data, TOP_LEVEL_ORDER), ensure_ascii=False, indent=2)


def _initial_value(spec: FieldSpec, data: dict):
    try:
        value = get_path(data, spec.path)
    except PathMissing:
        return None
    if spec.kind == "weight" and value is not None:
        return str(value)
    return value


def _same(spec: FieldSpec, a, b) -> bool:
    if spec.kind == "weight":
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except (InvalidOperation, ValueError):
            return False
    return a == b


def _weight_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


class RulesetEditForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="修订说明", max_length=200, error_messages={"required": "请填写修订说明（为什么修改、依据什么文件）。"},
                           help_text="必填，例如：依据某文件调整公示期。")
    document_number = forms.CharField(label="新文号（如有）", max_length=80, required=False,
                                      help_text="依据新文件修订时填写；留空则沿用原文号。")
    effective_from = forms.DateField(label="新施行日期（如有）", required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}),
                                     error_messages={"invalid": "请输入有效日期（YYYY-MM-DD）。"},
                                     help_text="留空则沿用原施行日期；在施行日期之前，原版本继续有效。")
    save_reason = forms.CharField(label="保存理由", required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="保存前会对新版本运行本奖项的全部规则用例；只有新版本使用例不通过时才需要填写，"
                                            "理由和不通过的用例将记录在该版本上。")
    advanced_json = forms.CharField(label="高级：完整规则 JSON", widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
                                    error_messages={"required": "规则 JSON 不能为空。"},
                                    help_text="可修改任何规则；上方字段中的改动优先于此处对同一项的修改。")

    GROUP_ORDER = ("周期与名额", "环节期限", "再次申报与禁止申报", "奖金", "综合评价权重", "审议表决")

    def __init__(self, *args, base_data: dict, base_version: int, **kwargs):
        self.base_data = base_data
        self.specs = field_specs(base_data)
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("base_version", base_version)
        initial.setdefault("advanced_json", readable_json(base_data))
        for spec in self.specs:
            initial.setdefault(spec.name, _initial_value(spec, base_data))
        super().__init__(*args, initial=initial, **kwargs)
        for spec in self.specs:
            self.fields[spec.name] = self._build_field(spec)
        self.new_data: dict | None = None

    def _build_field(self, spec: FieldSpec) -> forms.Field:
        if spec.kind in ("int", "optional_int"):
            return forms.IntegerField(label=spec.label, required=spec.kind == "int", min_value=spec.min_value,
                                      max_value=spec.max_value, error_messages=INT_ERRORS)
        if spec.kind == "unit":
            return forms.ChoiceField(label=spec.label, choices=UNIT_CHOICES,
                                     error_messages={"invalid_choice": "请选择“工作日”或“天”。", "required": "此项必填。"})
        if spec.kind == "period_unit":
            return forms.ChoiceField(label=spec.label, choices=PERIOD_CHOICES,
                                     error_messages={"invalid_choice": "请选择“年”或“届”。", "required": "此项必填。"})
        if spec.kind == "ban_scope":
            return forms.ChoiceField(label=spec.label, choices=list(BAN_APPLIES_TO.items()),
                                     error_messages={"invalid_choice": "请选择“撤销称号的获奖者”或“在任何环节被查实的申报者”。",
                                                     "required": "此项必填。"})
        if spec.kind == "weight":
            return forms.DecimalField(label=spec.label, min_value=Decimal("0"), max_value=Decimal("1"), max_digits=5,
                                      decimal_places=3, error_messages={
                                          "invalid": "请输入 0 到 1 之间的小数，如 0.3。", "required": "此项必填。",
                                          "min_value": "权重不能小于 0。", "max_value": "权重不能大于 1。",
                                          "max_decimal_places": "最多保留 3 位小数。", "max_digits": "数字过长。"})
        if spec.kind == "fraction":
            return forms.CharField(label=spec.label, max_length=10, error_messages={"required": "此项必填。"})
        return forms.BooleanField(label=spec.label, required=False)

    # -- grouping for the template
    def groups(self):
        out = []
        for group in self.GROUP_ORDER:
            fields = [self[spec.name] for spec in self.specs if spec.group == group]
            if fields:
                out.append((group, fields))
        return out

    # -- validation
    def _clean_fraction(self, name):
        value = self.cleaned_data.get(name, "")
        match = FRACTION.match(value or "")
        if not match or int(match[2]) == 0 or not (0 < int(match[1]) <= int(match[2])):
            raise forms.ValidationError("请写成分数形式，如 2/3（分子不大于分母）。")
        return f"{int(match[1])}/{int(match[2])}"

    def clean_committee_quorum(self):
        return self._clean_fraction("committee_quorum")

    def clean_committee_majority(self):
        return self._clean_fraction("committee_majority")

    def clean_advanced_json(self):
        text = self.cleaned_data["advanced_json"]
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"JSON 格式有误：第{exc.lineno}行第{exc.colno}列附近（{exc.msg}）。") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("规则必须是 JSON 对象（以 { 开头）。")
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = copy.deepcopy(cleaned["advanced_json"])
        for spec in self.specs:
            value = cleaned.get(spec.name)
            if _same(spec, value, _initial_value(spec, self.base_data)):
                continue
            if spec.kind == "weight":
                value = _weight_text(value)
            try:
                set_path(data, spec.path, value)
            except PathMissing:
                self.add_error(spec.name, "高级 JSON 中已没有这一项，无法应用此处的修改。")
        weights = data.get("composite_weights")
        if isinstance(weights, dict):
            try:
                total = sum((Decimal(str(v)) for k, v in weights.items() if k in STAGE_LABELS), Decimal(0))
            except (InvalidOperation, ValueError):
                total = None
            if total is not None and total != 1 and any(k in STAGE_LABELS for k in weights):
                message = f"综合评价各环节权重之和必须为 1（现为 {_weight_text(total)}）。"
                weight_fields = [s.name for s in self.specs if s.kind == "weight"]
                if weight_fields:
                    self.add_error(weight_fields[0], message)
                else:
                    self.add_error("advanced_json", message)
        doc = data.get("document")
        if isinstance(doc, dict):
            if cleaned.get("document_number"):
                doc["number"] = cleaned["document_number"].strip()
            if cleaned.get("effective_from"):
                doc["effective_from"] = cleaned["effective_from"].isoformat()
                until = doc.get("effective_until")
                if until and until < doc["effective_from"]:
                    # The old validity end cannot precede the new start: the new document sets its own.
                    doc["effective_until"] = None
        self._place_problems(validate_ruleset_data(data))
        self._keep_regulation_minimums(data)
        if not self.errors:
            self.new_data = data
        return cleaned

    def _keep_regulation_minimums(self, data: dict):
        """A window the regulation gives as a minimum (公示不少于N个工作日: `minimum: true`) cannot be cut or
        removed under the same document: only a new document (a new 文号) can change what its text says."""
        old_doc, new_doc = self.base_data.get("document") or {}, data.get("document") or {}
        if not isinstance(new_doc, dict) or new_doc.get("number") != old_doc.get("number"):
            return
        new_stages = {s.get("code"): s for s in data.get("stages") or [] if isinstance(s, dict)}
        for stage in self.base_data.get("stages") or []:
            for key in ("publicity", "public_comment"):
                old = stage.get(key)
                if not (isinstance(old, dict) and old.get("minimum") is True):
                    continue
                new = (new_stages.get(stage["code"]) or {}).get(key)
                unit_label = UNIT_LABELS.get(old["unit"], old["unit"])
                stated = f"{old.get('article') or '管理办法'}规定{stage.get('name') or STAGE_LABELS.get(stage['code'], stage['code'])}" \
                         f"{WINDOW_LABELS[key]}不少于{old['length']}{unit_label}"
                if not isinstance(new, dict):
                    self.add_error("advanced_json", f"{stated}，同一文件（{old_doc.get('number')}）下不能取消；依据新文件修订的，请填写新文号。")
                    continue
                try:
                    length = int(new.get("length"))
                except (TypeError, ValueError):
                    continue  # the schema check reports it
                shorter = (length < old["length"] if new.get("unit") == old["unit"]
                           else old["unit"] == "working_days" and new.get("unit") == "calendar_days" and length <= old["length"])
                if shorter:
                    field = f"stage__{stage['code']}__{key}__length"
                    self.add_error(field if field in self.fields else "advanced_json",
                                   f"{stated}，同一文件（{old_doc.get('number')}）下不能缩短为{length}{UNIT_LABELS.get(new.get('unit'), '')}；"
                                   "依据新文件修订的，请填写新文号。")

    def _place_problems(self, problems: list[str]):
        """Each schema problem beside the field it concerns, else beside the JSON."""
        for problem in problems:
            target = "advanced_json"
            for spec in self.specs:
                if spec.hint and spec.hint in problem:
                    target = spec.name
                    break
            if "document.number" in problem or "文号" in problem:
                target = "document_number"
            elif "effective_from" in problem:
                target = "effective_from"
            self.add_error(target, problem)


class CalendarOverrideForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "请输入有效日期（YYYY-MM-DD）。", "required": "请填写日期。"})
    is_working = forms.TypedChoiceField(label="当日是否上班", choices=[("1", "工作日（含调休上班）"), ("0", "休息日（节假日）")],
                                        coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                        error_messages={"required": "请选择当日是否上班。"})
    name = forms.CharField(label="说明", max_length=60, required=False, help_text="如：春节、国庆节调休上班")
    source = forms.CharField(label="依据文件", max_length=200, error_messages={"required": "请填写依据文件。"},
                             help_text="如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）")


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={**INT_ERRORS, "required": "请填写年度。"})
    source = forms.CharField(label="依据文件", max_length=200, error_messages={"required": "请填写依据文件。"})


class WindowCalculatorForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "请输入有效日期（YYYY-MM-DD）。", "required": "请填写开始日期。"})
    length = forms.IntegerField(label="期限长度", min_value=1, max_value=400, error_messages=INT_ERRORS)
    unit = forms.ChoiceField(label="单位", choices=UNIT_CHOICES,
                             error_messages={"invalid_choice": "请选择“工作日”或“天”。", "required": "请选择单位。"})


# ---- onboarding a new award ------------------------------------------------------------------------------
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OnboardForm(forms.Form):
    """A new award for a jurisdiction the user administers (or a county under it), from a template's ruleset.
    `parent` offers only the user's own jurisdictions: another tenant's pk is a form error."""

    parent = forms.ModelChoiceField(label="您管理的辖区", queryset=None, empty_label=None, error_messages={
        "required": "请选择您管理的辖区。", "invalid_choice": "请选择您管理的辖区（只能在您担任辖区管理员的辖区设立奖项）。"})
    code = forms.CharField(label="设奖辖区代码", max_length=6, error_messages={"required": "请填写设奖辖区的6位行政区划代码。"},
                           widget=forms.TextInput(attrs={"list": "child-codes"}),
                           help_text="填您管理的辖区本身，或其下辖县（市、区）的6位行政区划代码；尚未录入的县级区划可在此新增。")
    jurisdiction_name = forms.CharField(label="辖区名称（新增区划时填写）", max_length=60, required=False)
    award_name = forms.CharField(label="奖项名称", max_length=120, error_messages={"required": "请填写奖项名称。"})
    slug = forms.SlugField(label="奖项代码", max_length=50, help_text="小写字母、数字和连字符，用于网址和导入模板，如 emin-county。",
                           error_messages={"required": "请填写奖项代码（小写字母、数字和连字符）。",
                                           "invalid": "奖项代码只能包含小写字母、数字和连字符。"})
    template = forms.ModelChoiceField(label="规则模板", queryset=None, to_field_name="slug", empty_label=None,
                                      error_messages={"required": "请选择规则模板。", "invalid_choice": "请从列表中选择规则模板。"})
    office_name = forms.CharField(label="办公室名称", max_length=120, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": "默认：辖区名称+质量奖办公室"}))
    committee_name = forms.CharField(label="评审委员会名称", max_length=120, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": "默认：辖区名称+质量奖评审委员会"}))
    document_number = forms.CharField(label="设立文件文号", max_length=80, error_messages={"required": "请填写设立本奖项的文件文号。"})
    issued = forms.DateField(label="发布日期", required=False, widget=DATE, error_messages={"invalid": "发布日期不是有效日期。"})
    effective_from = forms.DateField(label="施行日期", widget=DATE, error_messages={
        "required": "请填写施行日期。", "invalid": "施行日期不是有效日期。"})

    def __init__(self, *args, parents, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda j: f"{j.name}（{j.code}）"
        self.fields["template"].queryset = templates
        self.fields["template"].label_from_instance = lambda a: f"{a.name}（{a.jurisdiction.name}）"

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()


class AdminGrantForm(forms.Form):
    """A platform superuser makes someone a jurisdiction administrator at one of its bodies."""

    username = forms.CharField(label="用户名", max_length=150, error_messages={"required": "请填写用户名。"})
    body = forms.ModelChoiceField(label="所在机构", queryset=None, error_messages={
        "required": "请选择机构。", "invalid_choice": "请从列表中选择机构。"},
        help_text="辖区管理员可在本辖区或下辖县（市、区）设立新奖项。")

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["body"].label_from_instance = lambda b: f"{b.jurisdiction.name}（{b.jurisdiction.code}）· {b.name}"

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("没有该用户名的账户。")
        return user
