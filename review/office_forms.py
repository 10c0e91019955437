"""Forms of the office's expert-pool, manual-assignment and feedback pages. They collect input; services decide."""
from django import forms

from .models import ConflictRelation

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
