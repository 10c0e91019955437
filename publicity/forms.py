"""Public and office forms for notices and objections. Forms collect input; services decide."""
from django import forms

from .models import NoticeKind

OPEN_CHOICES = [("", "全部"), ("true", "公示中"), ("false", "已结束")]


class NoticeFilterForm(forms.Form):
    jurisdiction = forms.ChoiceField(label="地区", required=False)
    award = forms.ChoiceField(label="奖项", required=False)
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + list(NoticeKind.choices))
    open = forms.ChoiceField(label="状态", required=False, choices=OPEN_CHOICES)

    def __init__(self, *args, awards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = [("", "全部")] + [(a.slug, a.name) for a in awards]
        seen = {}
        for a in awards:
            seen.setdefault(a.jurisdiction.code, a.jurisdiction.name)
        self.fields["jurisdiction"].choices = [("", "全部")] + sorted(seen.items())


class ObjectionForm(forms.Form):
    objector_kind = forms.ChoiceField(label="异议人类型", choices=[("individual", "个人（署真实姓名）"), ("organization", "单位（加盖公章）")],
                                      widget=forms.RadioSelect, initial="individual")
    name = forms.CharField(label="姓名/单位名称", max_length=120)
    phone = forms.CharField(label="联系电话", max_length=40)
    address = forms.CharField(label="通讯地址", max_length=200)
    id_number = forms.CharField(label="身份证件号码（个人填写）", max_length=40, required=False)
    application = forms.TypedChoiceField(label="异议对象（公示名单中的申报单位）", coerce=int)
    facts = forms.CharField(label="异议事实与理由", widget=forms.Textarea(attrs={"rows": 6}))
    identity_proof = forms.FileField(label="身份证明（个人）或加盖公章的扫描件（单位）", help_text="PDF、JPG 或 PNG")
    evidence = forms.FileField(label="证明材料", required=False, help_text="PDF、JPG 或 PNG")
    website = forms.CharField(label="请勿填写此项", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))  # honeypot

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        apps = list(notice.applications.all()) if notice is not None else []
        self.fields["application"].choices = [("", "请选择")] + [(a.pk, a.applicant.name) for a in apps]


class ReceiptLookupForm(forms.Form):
    receipt_no = forms.CharField(label="受理回执号", max_length=32)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FindingsForm(forms.Form):
    findings = forms.CharField(label="调查核实情况", widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(label="结论", choices=[("1", "异议成立"), ("0", "异议不成立")], coerce=lambda v: v == "1",
                                    widget=forms.RadioSelect)
    text = forms.CharField(label="处理结论（书面）", widget=forms.Textarea(attrs={"rows": 4}))
    fraud = forms.BooleanField(label="查实弄虚作假（记入禁止申报名录）", required=False)


class CorrectionForm(forms.Form):
    title = forms.CharField(label="更正公告标题", max_length=200)
    body = forms.CharField(label="更正内容", widget=forms.Textarea(attrs={"rows": 5}))


class RuleCaseForm(forms.Form):
    body = forms.CharField(label="用例（JSON）", max_length=100_000, widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
                           error_messages={"required": "请粘贴或填写用例的 JSON。", "max_length": "用例过长（最多 10 万个字符），请拆成几个用例。"},
                           help_text="格式见规则用例约定：award（可省略，即本奖项）、name、article、applicants、steps；"
                                     "每步 on、do 及其参数，可选 expect。")
