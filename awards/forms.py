"""Forms for the application pipeline pages and the pages around a cycle (pool, trainings, history import,
prize money). They only shape input: every rule lives in awards.services (and awards.pool, awards.prizes, …),
whose DomainError lands beside its field through `add_domain_error`."""
from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model, password_validation

from core import clock
from core.errors import DomainError, add_domain_error  # noqa: F401  (the pages import it from here)
from jurisdictions.models import Jurisdiction

from .eligibility import DATES_FREE, closed_fiscal_years
from .models import LegalForm, PoolRoute, StageOpinion, TrackingNote

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", "未声明"), ("yes", "是"), ("no", "否")]


class CountyField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(label="所在县（市、区、旗）", **kwargs)

    def _choices_now(self):
        from .selectors import county_choices

        return [("", "请选择"), *county_choices()]

    def clean(self, value):
        self.choices = self._choices_now()
        value = super().clean(value)
        return Jurisdiction.objects.get(pk=int(value))


class AccountForm(forms.Form):
    """A new login for an anonymous visitor registering an applicant (Django's password validators apply)."""

    username = forms.CharField(label="登录用户名", max_length=150, help_text="字母、数字或 @ . + - _")
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput(render_value=True), strip=False)
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput(render_value=True), strip=False)

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[\w.@+-]+", name):
            raise forms.ValidationError("用户名只能包含字母、数字和 @ . + - _。")
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("该用户名已被使用，请换一个。")
        return name

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            user = get_user_model()(username=data.get("username", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data


class OrganizationForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=120)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18位，见营业执照或登记证书")
    county = CountyField()
    legal_form = forms.ChoiceField(label="组织形式", choices=LegalForm.choices)
    parent_credit_code = forms.CharField(label="上级法人/非法人组织的统一社会信用代码", max_length=30, required=False,
                                         help_text="仅分支、内设、派出机构填写；上级组织须已在本平台注册")
    registration_date = forms.DateField(label="登记注册日期", required=False, widget=DATE)
    industry = forms.CharField(label="行业", max_length=60, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = self.fields["county"]._choices_now()


class IndividualForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=120)
    id_number = forms.CharField(label="居民身份证号码", max_length=30)
    county = CountyField()
    employer = forms.CharField(label="工作单位", max_length=120)
    quality_work_years = forms.IntegerField(label="从事质量工作年限", min_value=0, max_value=70)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = self.fields["county"]._choices_now()


# ---- the stepped declaration -------------------------------------------------------------------------------
# "近N年无…": the dates on which it happened (the window is counted back from the submission date).
DATE_LIST_FIELDS = {
    "accident_dates": "发生安全、质量、环境等事故的日期",
    "violation_dates": "有违法违规记录的日期（被查处、认定之日）",
    "tax_violation_dates": "税收、社保存在严重违法行为的日期（被查处、认定之日）",
    "award_fraud_dates": "参加政府奖项评定存在弄虚作假的日期（被认定之日）",
    "complaint_dates": "有重大质量投诉的日期",
    "employer_accident_dates": "任职组织发生重大事故的日期",
}
# "最近N年未发生经营性亏损": fiscal years (calendar years), only those already closed.
FISCAL_YEAR_FIELDS = {
    "loss_years": "出现经营性亏损的会计年度",
}
# Declarations filed before dates were asked listed years under these keys; still shown to staff as written.
LEGACY_YEAR_LABELS = {
    "accident_years": "发生事故的年份（旧版申报，仅填年份）",
    "violation_years": "有违法违规记录的年份（旧版申报，仅填年份）",
    "tax_violation_years": "税收、社保存在严重违法行为的年份（旧版申报，仅填年份）",
    "award_fraud_years": "参加政府奖项评定存在弄虚作假的年份（旧版申报，仅填年份）",
    "complaint_years": "有重大质量投诉的年份（旧版申报，仅填年份）",
    "employer_accident_years": "任职组织发生重大事故的年份（旧版申报，仅填年份）",
}
LEGACY_OF = {dates_key: legacy_key for dates_key, legacy_key, _what in DATES_FREE.values()}
YES_NO_FIELDS = {
    "policy_compliance": "符合国家产业政策、环保政策和质量安全法律法规",
    "licences": "已取得法律法规要求的行政许可（资质）",
    "tax_paid_locally": "在本地依法纳税",
    "good_credit": "信用状况良好",
    "on_abnormal_list": "被列入经营异常名录",
    "on_serious_violation_list": "被列入严重违法失信名单",
    "contains_state_secrets": "申报材料涉及国家秘密",
    "new_economy": "属于新经济、新业态组织",
    "is_top_manager": "申报人是所在组织的最高管理者",
    "new_achievements": "以获奖后取得的新成果申报（曾获本奖项的单位填写）",
    "non_profit": "属于从事非营利性业务的组织（不从事生产、服务经营活动）",
}


_LIST_SEPARATORS = r"[\s,，、;；]+"
_DATE_FORMS = (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
               r"(\d{4})年(\d{1,2})月(\d{1,2})日")


class _ListField(forms.CharField):
    """Several values typed in one box, shown joined by 顿号; optional, with the help text its kind gives."""
    HELP = ""

    def __init__(self, **kwargs):
        super().__init__(required=False, help_text=self.HELP, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "、".join(str(v) for v in value)
        return value


class DateListField(_ListField):
    """Dates typed in one box (2024-06-01、2025-03-15), each a day that has passed; kept as ISO strings."""
    HELP = "如无则留空；填写具体日期（年-月-日），多个日期用逗号或顿号分隔，例如：2024-06-01、2025-03-15"

    def clean(self, value):
        text = super().clean(value) or ""
        today = clock.today()
        dates = set()
        for part in (p for p in re.split(_LIST_SEPARATORS, text) if p):
            if re.fullmatch(r"\d{4}", part):
                raise forms.ValidationError(f"“{part}”只有年份：请填写具体日期（年-月-日），例如 {part}-06-01。")
            match = next((m for m in (re.fullmatch(f, part) for f in _DATE_FORMS) if m), None)
            try:
                day = dt.date(*(int(g) for g in match.groups())) if match else None
            except ValueError:
                day = None
            if day is None:
                raise forms.ValidationError(f"“{part}”不是有效日期，请按 年-月-日 填写，例如 2024-06-01。")
            if day > today:
                raise forms.ValidationError(f"“{part}”晚于今天（{today:%Y-%m-%d}），请填写已经发生的日期。")
            dates.add(day)
        return [d.isoformat() for d in sorted(dates)]


class FiscalYearListField(_ListField):
    """Fiscal years typed in one box (2022、2024); a year not yet closed is refused, as the rule never reads it."""
    HELP = "如无则留空；只填已结束的会计年度（四位年份），多个年份用逗号或顿号分隔，例如：2022、2024"

    def clean(self, value):
        text = super().clean(value) or ""
        today = clock.today()
        last_closed = closed_fiscal_years(1, today)[0]
        years = set()
        for part in (p for p in re.split(_LIST_SEPARATORS, text) if p):
            if not re.fullmatch(r"\d{4}", part) or int(part) < 1949:
                raise forms.ValidationError(f"“{part}”不是有效的会计年度，请填写四位年份，例如 {last_closed}。")
            if int(part) > last_closed:
                raise forms.ValidationError(f"{part} 年度尚未结束，请只填写已结束的会计年度（最近为 {last_closed} 年度）。")
            years.add(int(part))
        return sorted(years)


class FactsForm(forms.Form):
    """申报事实: only the facts the award's eligibility rules read are asked."""

    def __init__(self, *args, keys: list[str], route_bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in keys:
            if key == "quality_system_years":
                self.fields[key] = forms.IntegerField(label="质量管理体系有效运行年限（年）", min_value=0, max_value=100, required=False)
            elif key in DATE_LIST_FIELDS:
                self.fields[key] = DateListField(label=DATE_LIST_FIELDS[key])
                legacy = (kwargs.get("initial") or {}).get(LEGACY_OF.get(key))
                if legacy and key not in (kwargs.get("initial") or {}):
                    self.fields[key].help_text = (f"原申报只填写了年份（{'、'.join(map(str, legacy))}），请改填具体日期；"
                                                  + self.fields[key].help_text)
            elif key in FISCAL_YEAR_FIELDS:
                self.fields[key] = FiscalYearListField(label=FISCAL_YEAR_FIELDS[key])
            elif key in YES_NO_FIELDS:
                self.fields[key] = forms.ChoiceField(label=YES_NO_FIELDS[key], choices=YES_NO, required=False)
        if route_bodies is not None and route_bodies.exists():
            self.fields["route_body_id"] = forms.ChoiceField(
                label="报送单位", required=False,
                choices=[("", "所在县（市）市场监督管理部门"), *[(str(b.pk), b.name) for b in route_bodies]],
                help_text="可报送至本地区行业主管部门，或所在县（市）市场监督管理部门")

    @staticmethod
    def initial_from(declaration: dict) -> dict:
        out = {}
        for key, value in declaration.items():
            if key in YES_NO_FIELDS:
                out[key] = "yes" if value else "no"
            elif key == "route_body_id":
                out[key] = str(value) if value else ""
            else:
                out[key] = value
        return out

    def declaration(self, previous: dict) -> dict:
        """The previous declaration with this form's answers merged in (undeclared yes/no removed)."""
        out = dict(previous)
        for key, value in self.cleaned_data.items():
            if key in YES_NO_FIELDS:
                if value == "":
                    out.pop(key, None)
                else:
                    out[key] = value == "yes"
            elif key == "route_body_id":
                if value:
                    out[key] = int(value)
                else:
                    out.pop(key, None)
            elif key == "quality_system_years":
                if value is None:
                    out.pop(key, None)
                else:
                    out[key] = value
            else:
                out[key] = value
                if key in LEGACY_OF:  # the dates now declared replace the years an older declaration gave
                    out.pop(LEGACY_OF[key], None)
        return out


class SelfEvaluationForm(forms.Form):
    self_evaluation = forms.CharField(label="自我评价报告", widget=forms.Textarea(attrs={"rows": 12}), required=False,
                                      help_text="对照评审标准逐项说明；提交前须填写")


class InternalPublicityForm(forms.Form):
    internal_publicity_from = forms.DateField(label="内部公示开始日期", required=False, widget=DATE)
    internal_publicity_to = forms.DateField(label="内部公示结束日期", required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        a, b = data.get("internal_publicity_from"), data.get("internal_publicity_to")
        if a and b and b < a:
            self.add_error("internal_publicity_to", "结束日期不能早于开始日期。")
        return data


class RecommendationForm(forms.Form):
    """The recommendation as the body that gives it signed it: its scan, and who issued it."""
    issuer = forms.CharField(label="出具推荐意见的单位", max_length=120, error_messages={"required": "请填写出具推荐意见的单位。"})
    file = forms.FileField(label="签署（盖章）的推荐意见扫描件", help_text="PDF、PNG 或 JPEG；须有推荐单位签署或盖章",
                           error_messages={"required": "请上传推荐单位签署的推荐意见。"})


class EncouragedForm(forms.Form):
    encouraged = forms.MultipleChoiceField(label="鼓励申报类型", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["encouraged"].choices = [(o["code"], f"{o['label']}（{o.get('article') or ''}）") for o in options]


class MaterialForm(forms.Form):
    title = forms.CharField(label="材料名称", max_length=120, required=False, help_text="留空时使用文件名")
    file = forms.FileField(label="文件", help_text="PDF、PNG、JPEG、Word、Excel、PowerPoint；单个文件不超过 20 MB")
    trade_secret = forms.BooleanField(label="含商业秘密（仅审查、评审人员可见）", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=300)


class ActionReasonForm(ReasonForm):
    """The review page's one reason box, shared by every action: required only for those that need a reason
    (the view checks), so the browser must not refuse "审查通过" with the box empty. The fraud box goes with
    不予通过 / 未进入下一环节 only."""

    use_required_attribute = False
    fraud = forms.BooleanField(label="查实隐瞒有关情况或提供虚假材料（随“不予通过”“未进入下一环节”办理）", required=False,
                               help_text="管理办法规定在任何环节查实即禁止申报的，同时写入禁止申报记录")


class SupplementAnswerForm(forms.Form):
    answer = forms.CharField(label="补正说明", widget=forms.Textarea(attrs={"rows": 4}))


class PerformanceReportForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=2000, max_value=2100)
    content = forms.CharField(label="绩效报告", widget=forms.Textarea(attrs={"rows": 8}))


class TrackingNoteForm(forms.Form):
    kind = forms.ChoiceField(label="记录类型", choices=TrackingNote.Kind.choices, error_messages={"required": "请选择记录类型。"})
    text = forms.CharField(label="跟踪记录", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000,
                           error_messages={"required": "请填写跟踪记录的内容。"})


# ---- pre-check and office ----------------------------------------------------------------------------------
class OpinionForm(forms.Form):
    kind = forms.ChoiceField(label="意见类型", choices=StageOpinion.Kind.choices)
    body_name = forms.CharField(label="出具单位", max_length=120)
    text = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 4}))


class ConsultationForm(forms.Form):
    departments = forms.CharField(label="征求意见的部门（一行一个）", widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请填写征求意见的部门（一行一个）。"})
    due_on = forms.DateField(label="答复期限", widget=DATE, error_messages={"required": "请填写答复期限。",
                                                                        "invalid": "请输入有效日期（YYYY-MM-DD）。"})

    def department_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["departments"].splitlines() if line.strip()]


class ConsultationAnswerForm(forms.Form):
    consultation = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="部门意见", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "请填写部门意见。"})


class SupplementRequestForm(forms.Form):
    items = forms.CharField(label="需补正事项（一行一项，一次性告知）", widget=forms.Textarea(attrs={"rows": 5}))

    def item_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class CycleOpenForm(forms.Form):
    year = forms.IntegerField(label="评选年度", min_value=2000, max_value=2100)
    filing_deadline = forms.DateField(label="申报截止日期", widget=DATE)
    plan_approval_body = forms.CharField(label="实施方案批准机关", max_length=120, required=False)
    plan_approval_document = forms.CharField(label="批准文号", max_length=80, required=False)
    plan_approval_date = forms.DateField(label="批准日期", required=False, widget=DATE)
    override_reason = forms.CharField(label="非评选年度启动理由", max_length=300, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), help_text="仅在不是评选年度时填写")


class PlannerForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DATE)


class ApprovalForm(forms.Form):
    body = forms.CharField(label="批准机关", max_length=120)
    document = forms.CharField(label="批准文件文号", max_length=80)
    date = forms.DateField(label="批准日期", widget=DATE)


class CommendForm(forms.Form):
    decision_document = forms.CharField(label="表彰决定文号", max_length=80)
    date = forms.DateField(label="表彰日期", widget=DATE)


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(label="撤销情形")
    occurred_on = forms.DateField(label="撤销事由发生日期", widget=DATE,
                                  help_text="事故、违法违规行为或弄虚作假发生的日期（不是撤销决定的日期）；“获奖后N年内发生”的情形按此日期判断")
    evidence = forms.FileField(label="证明材料", required=False,
                               help_text="事故调查报告、行政处罚决定书、核查报告等的扫描件（PDF、图片或 Office 文档）")
    evidence_ref = forms.CharField(label="证明文书文号或名称", max_length=200, required=False,
                                   help_text="未上传材料的，填写已存档文书的文号或名称；两项至少填一项")
    text = forms.CharField(label="撤销理由（将在公告中公开）", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "请选择"), *reasons]


class StageSelectForm(forms.Form):
    cut = forms.IntegerField(label="入围名额（前 N 名）", min_value=0, required=False)
    reason = forms.CharField(label="说明", max_length=300, required=False, initial="按好中选优原则确定进入下一环节的名单")


# ---- cultivation pool, trainings, history import, prize money ------------------------------------------------
# Every object a form offers comes from a selector scoped to the user: another tenant's pk is "not one of the
# choices", a form error beside the field, never accepted.
def _scoped(label: str, what: str, outside: str, **kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=None, empty_label="请选择", error_messages={
        "required": f"请选择{what}。", "invalid_choice": outside}, **kwargs)


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages={
        "required": f"请填写{label}。", "invalid": f"{label}不是有效日期（YYYY-MM-DD）。"}, **kwargs)


def _text(label: str, max_length: int, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           error_messages={"required": f"请填写{label}。"}, **kwargs)


class PoolMemberForm(forms.Form):
    award = _scoped("奖项", "奖项", "只能纳入本办公室奖项的培育库。")
    name = _text("单位名称", 120)
    credit_code = _text("统一社会信用代码", 18)
    county = _scoped("所在县（市、区、旗）", "所在县（市、区、旗）", "请从列表中选择所在县（只能选择本奖项行政区域内的县）。")
    route = forms.ChoiceField(label="入库方式", choices=PoolRoute.choices, error_messages={
        "required": "请选择入库方式。", "invalid_choice": "请选择入库方式。"})
    recommended_by_body = _scoped("推荐单位（推荐入库时填写）", "推荐单位",
                                  "请从列表中选择推荐单位（只能选择本奖项行政区域内的单位）。", required=False)
    recommended_by_person = _text("推荐人", 60, required=False)
    joined_on = _date("入库日期")
    notes = forms.CharField(label="指导帮扶记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, awards, counties, recommenders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards
        self.fields["award"].empty_label = None  # an office usually has one award: it is chosen already
        self.fields["award"].label_from_instance = lambda a: a.name
        self.fields["county"].queryset = counties
        self.fields["county"].label_from_instance = lambda j: f"{j.name}（{j.code}）"
        self.fields["recommended_by_body"].queryset = recommenders
        self.fields["recommended_by_body"].empty_label = "—"
        self.fields["recommended_by_body"].label_from_instance = lambda b: b.name


class PoolMemberUpdateForm(forms.Form):
    notes = forms.CharField(label="指导帮扶记录", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    left_on = _date("出库日期", required=False, help_text="不再培育时填写")


class TrainingForm(forms.Form):
    award = _scoped("奖项", "奖项", "只能为本办公室的奖项登记培训。")
    date = _date("培训日期")
    topic = _text("培训主题", 200)
    trainer = _text("授课人/单位", 120)
    attendees = forms.ModelMultipleChoiceField(
        label="参训单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请从列表中选择参训单位（只能选择本办公室奖项培育库的成员）。",
                        "invalid_pk_value": "请从列表中选择参训单位。"})

    def __init__(self, *args, awards, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards
        self.fields["award"].empty_label = None
        self.fields["award"].label_from_instance = lambda a: a.name
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = lambda m: f"{m.name}（{m.award.name}）"


class HistoryUploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", widget=forms.FileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"required": "请选择要上传的 Excel 文件。", "empty": "上传的文件是空的。"})


class PrizePaymentForm(forms.Form):
    amount = _text("金额（元）", 20)
    paid_on = _date("拨付日期")
    document = _text("拨付文件", 120)


class SpendingItemsInput(forms.Widget):
    """The report's rows of (use, amount), posted as parallel lists `use` and `item_amount`; the page draws them."""

    def value_from_datadict(self, data, files, name):
        return [{"use": u, "amount": a} for u, a in zip(data.getlist("use"), data.getlist("item_amount"))]

    def value_omitted_from_data(self, data, files, name):
        return "use" not in data


class SpendingReportForm(forms.Form):
    ROWS = 4
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100, error_messages={
        "required": "请填写年度。", "invalid": "年度应为数字。", "min_value": "年度不正确。", "max_value": "年度不正确。"})
    items = forms.Field(label="支出明细", required=False, widget=SpendingItemsInput)
    text = forms.CharField(label="使用情况说明", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "请填写使用情况说明。"})

    def item_rows(self) -> list[dict]:
        """The rows to draw: what was posted (kept on an error), padded with empty rows."""
        rows = list(self["items"].value() or []) if self.is_bound else []
        return rows + [{"use": "", "amount": ""}] * max(self.ROWS - len(rows), 0)


class SpendingReviewForm(forms.Form):
    report = _scoped("报告", "报告", "请从列表中选择待审核的报告。", widget=forms.HiddenInput)
    result = forms.ChoiceField(label="审核结论", choices=[("accepted", "合规"), ("rejected", "不合规，须整改")],
                               error_messages={"required": "请选择审核结论。", "invalid_choice": "请选择审核结论。"})
    note = _text("审核意见", 500, required=False)

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports


class RecoveryPaymentForm(forms.Form):
    amount = _text("缴回金额（元）", 20)
    paid_on = _date("缴回日期")
    note = _text("凭证/说明", 200, required=False)


# ---- claims of records no account holds (awards.claims) -------------------------------------------------------
class ClaimEvidenceForm(forms.Form):
    file = forms.FileField(label="营业执照（个人为居民身份证）扫描件或照片",
                           help_text="PDF、PNG 或 JPEG；仅用于办公室核实身份，加密保存。")


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=[("approve", "核实通过"), ("refuse", "不予通过")],
                                 widget=forms.RadioSelect)
    basis = forms.ChoiceField(label="核实依据（通过时）", required=False,
                              choices=[("", "请选择"), ("license", "核验上传的营业执照（身份证明）"),
                                       ("county", "所在县（市、区、旗）主管部门核实")])
    text = forms.CharField(label="核实情况 / 不予通过的理由", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="县级主管部门核实的，写明部门、人员和方式；不予通过的理由申请人可见。")
