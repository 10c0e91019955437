"""Forms of the office's expert-pool, manual-assignment, feedback and review-agency pages. They collect input;
services decide. Every object a form offers is scoped to what the user may see, so another tenant's pk is a
form error ("not one of the choices"), never accepted."""
from django import forms
from django.contrib.auth import get_user_model

from awards.selectors import awards_for_office, cycles_for_office
from jurisdictions.models import Jurisdiction

from .models import ConflictRelation
from .selectors import agencies_for_office, contracts_for_office

RATING_CHOICES = [(5, "5 优秀"), (4, "4 良好"), (3, "3 一般"), (2, "2 较差"), (1, "1 差")]


def split_industries(text: str) -> list[str]:
    for sep in ("，", ",", "；", ";", "\n"):
        text = text.replace(sep, "、")
    return [t.strip() for t in text.split("、") if t.strip()]


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=60)
    employer = forms.CharField(label="工作单位", max_length=120, required=False)
    title = forms.CharField(label="职称/职务", max_length=60, required=False)
    industries = forms.CharField(label="擅长行业（以“、”分隔）", max_length=300, required=False)
    contact = forms.CharField(label="联系方式", max_length=120, required=False)
    active = forms.BooleanField(label="在库", required=False, initial=True)
    past_record = forms.CharField(label="既往评审记录（补充说明）", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    username = forms.CharField(label="关联已有登录名（可空）", max_length=150, required=False)
    new_username = forms.CharField(label="或新建登录名（可空）", max_length=150, required=False)
    new_password = forms.CharField(label="新建登录的初始密码", required=False, widget=forms.PasswordInput(render_value=False))

    def clean_industries(self):
        return split_industries(self.cleaned_data.get("industries") or "")

    def clean(self):
        data = super().clean()
        if data.get("username") and data.get("new_username"):
            self.add_error("new_username", "关联已有登录与新建登录只能二选一。")
        return data


class ConflictForm(forms.Form):
    relation = forms.ChoiceField(label="关系", choices=[("", "—")] + list(ConflictRelation.choices))
    organisation_name = forms.CharField(label="单位/个人名称", max_length=120, required=False)
    credit_code = forms.CharField(label="统一社会信用代码（可空）", max_length=18, required=False)
    year_from = forms.IntegerField(label="起始年份", required=False, min_value=1950, max_value=2100)
    year_to = forms.IntegerField(label="结束年份", required=False, min_value=1950, max_value=2100)
    note = forms.CharField(label="说明", max_length=200, required=False)


class ManualAssignForm(forms.Form):
    application = forms.TypedChoiceField(label="申报", coerce=int)
    expert = forms.TypedChoiceField(label="评审专家", coerce=int)
    reason = forms.CharField(label="理由", max_length=200)

    def __init__(self, *args, applications=(), experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "—")] + [(a.pk, f"{a.reference} {a.applicant.name}") for a in applications]
        self.fields["expert"].choices = [("", "—")] + [(e.pk, f"{e.name}（{e.employer or '—'}）") for e in experts]


class RevokeForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="撤销理由", max_length=200)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=RATING_CHOICES)
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------- review agencies
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AGENCY_OUTSIDE = "请从列表中选择评审机构（只能选择本辖区已登记的评审机构）。"


def _choice(label: str, what: str, outside: str, **kwargs) -> forms.ModelChoiceField:
    """A choice among the objects the view's queryset allows; any other pk (another tenant's) is `outside`."""
    return forms.ModelChoiceField(label=label, queryset=None, empty_label="请选择", error_messages={
        "required": f"请选择{what}。", "invalid_choice": outside}, **kwargs)


class AgencyRegisterForm(forms.Form):
    jurisdiction = _choice("所在辖区", "辖区", "只能在本办公室所在辖区登记评审机构。")
    name = forms.CharField(label="机构名称", max_length=120, error_messages={"required": "请填写评审机构名称。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        field.queryset = Jurisdiction.objects.filter(pk__in=awards_for_office(user).values("jurisdiction_id")).order_by("code")
        self.only = field.queryset[0] if len(field.queryset) == 1 else None
        if self.only is not None:  # an office of one jurisdiction registers there, nothing to choose
            field.required, field.widget = False, forms.HiddenInput()

    def clean_jurisdiction(self):
        return self.cleaned_data.get("jurisdiction") or self.only


class AgencyContractForm(forms.Form):
    cycle = _choice("届次", "届次", "请从列表中选择届次（只能选择本办公室奖项的届次）。")
    agency = _choice("评审机构", "评审机构", AGENCY_OUTSIDE)
    procurement_document = forms.CharField(label="政府采购文件编号", max_length=80, required=False)
    signed_on = forms.DateField(label="签订日期", widget=DATE, error_messages={"required": "请填写签订日期。"})
    starts_on = forms.DateField(label="服务开始日期", widget=DATE, error_messages={"required": "请填写服务开始日期。"})
    ends_on = forms.DateField(label="服务结束日期", widget=DATE, error_messages={"required": "请填写服务结束日期。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles_for_office(user)
        self.fields["agency"].queryset = agencies_for_office(user)
        self.fields["agency"].label_from_instance = lambda body: body.name


class AgencyStaffForm(forms.Form):
    agency = _choice("评审机构", "评审机构", AGENCY_OUTSIDE)
    username = forms.CharField(label="用户名", max_length=150, error_messages={"required": "请填写用户名。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for_office(user)
        self.fields["agency"].label_from_instance = lambda body: body.name

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("没有该用户名的账户。")
        return user


class AgencyTerminateForm(forms.Form):
    contract = _choice("委托合同", "委托合同", "请从列表中选择委托合同（只能选择本办公室奖项的委托合同）。", widget=forms.HiddenInput)
    on = forms.DateField(label="终止日期", widget=DATE, error_messages={"required": "请填写终止日期。"})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_for_office(user)
