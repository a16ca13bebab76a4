"""Forms of the proposal campaign: the worker's submission form and the staff's admin forms.

They only collect input; the rules are in ``services`` (the views show a refusal on the field
it names).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AwardLevel, ProposalCampaign, ScoringCriterion


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=100, help_text=_("One line, e.g. “Switch the workshop lights to LED”.")
    )
    department = forms.CharField(
        label=_("Department concerned"), max_length=50, required=False,
        help_text=_("The workshop, team or department the proposal is about."),
    )  # fmt: skip
    problem = forms.CharField(
        label=_("The problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is wrong or could be better now, with facts and figures if you have them."),
    )  # fmt: skip
    suggestion = forms.CharField(
        label=_("Your suggestion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should be done, and how."),
    )  # fmt: skip
    expected_benefit = forms.CharField(
        label=_("Expected benefit"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Money or time saved, safety, quality, workers' well-being."),
    )  # fmt: skip
    co_proposers = forms.CharField(
        label=_("Co-proposers' mobile numbers"), max_length=200, required=False,
        help_text=_("If colleagues worked on it with you: their mobile numbers, separated by commas (at most 5)."),
    )  # fmt: skip
    publish_name = forms.BooleanField(
        label=_("Publish my name (and my co-proposers') with the results"), required=False,
        help_text=_("Leave unticked to stay unnamed: the results then list the proposal without names."),
    )  # fmt: skip

    def co_proposer_mobiles(self) -> list[str]:
        raw = self.cleaned_data.get("co_proposers", "")
        for separator in "，、；;\n ":
            raw = raw.replace(separator, ",")
        return [part for part in (p.strip() for p in raw.split(",")) if part]


class ScreeningForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Screening"),
        choices=(("1", _("Eligible: send it to the panel")), ("0", _("Not accepted"))),
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (the reason, if not accepted)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def score_form_class(campaign: ProposalCampaign, criteria: list[ScoringCriterion]) -> type[forms.Form]:
    """A form with one number field per criterion of ``campaign``, on its scale."""
    fields: dict[str, forms.Field] = {}
    for criterion in criteria:
        fields[f"c{criterion.pk}"] = forms.IntegerField(
            label=f"{criterion.name}（{criterion.weight}%）",
            help_text=criterion.description,
            required=False,
            widget=forms.NumberInput(attrs={"min": 0, "max": campaign.score_max, "step": 1}),
        )
    fields["comment"] = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    return type("ScoreForm", (forms.Form,), fields)


class DecisionForm(forms.Form):
    adopt = forms.TypedChoiceField(
        label=_("Decision"),
        choices=(("1", _("Adopt")), ("0", _("Do not adopt"))),
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    estimated_annual_benefit = forms.CharField(
        label=_("Estimated annual benefit (yuan)"), required=False,
        help_text=_("Needed when adopting; 0 if it brings no money."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when not adopting; the proposer sees them."),
    )  # fmt: skip


class AwardForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Award"), queryset=AwardLevel.objects.none(), empty_label=None)
    annual_benefit = forms.CharField(
        label=_("Measured annual benefit (yuan)"), required=False,
        help_text=_("Leave empty to keep the estimate given at adoption."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, campaign: ProposalCampaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = campaign.award_levels.order_by("sort_order", "pk")  # type: ignore[attr-defined]
