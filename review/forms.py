"""Forms for the review pages. They only collect input; the services decide."""
from django import forms

from jurisdictions.rules import REVIEW_STAGES, STAGE_LABELS

PERCENT_CHOICES = [("", "—")] + [(str(p), f"{p}%") for p in range(0, 101, 5)]


class ScoreSheetForm(forms.Form):
    """One percent/strengths/opportunities triple per item, named by the item's id."""

    def __init__(self, *args, criteria, scores=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        self.criteria = list(criteria)
        for c in self.criteria:
            s = scores.get(c.pk)
            self.fields[f"p_{c.pk}"] = forms.ChoiceField(label=f"{c.number} {c.name}（{c.points}分）", choices=PERCENT_CHOICES,
                                                         required=False, initial=str(int(s.percent)) if s else "",
                                                         disabled=disabled)
            self.fields[f"s_{c.pk}"] = forms.CharField(label="优势", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                                       initial=s.strengths if s else "", disabled=disabled)
            self.fields[f"o_{c.pk}"] = forms.CharField(label="改进机会", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                                       initial=s.opportunities if s else "", disabled=disabled)

    def entries(self):
        return [{"criterion": c.pk, "percent": self.cleaned_data.get(f"p_{c.pk}") or None,
                 "strengths": self.cleaned_data.get(f"s_{c.pk}", ""), "opportunities": self.cleaned_data.get(f"o_{c.pk}", "")}
                for c in self.criteria]

    def rows(self):
        for c in self.criteria:
            yield c, self[f"p_{c.pk}"], self[f"s_{c.pk}"], self[f"o_{c.pk}"]


class PanelDrawForm(forms.Form):
    size = forms.IntegerField(label="评审组人数", min_value=1, max_value=50, initial=5)
    industry = forms.CharField(label="限定行业（可空）", required=False, max_length=60)
    seed = forms.IntegerField(label="随机种子（可空，系统自动生成并记录）", required=False, min_value=0)


class AssignForm(forms.Form):
    k = forms.IntegerField(label="每份申报评审专家人数", min_value=1, max_value=9, initial=3)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=[(5, "5 优秀"), (4, "4 良好"), (3, "3 一般"), (2, "2 较差"), (1, "1 差")])
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage) if stage in REVIEW_STAGES else stage
