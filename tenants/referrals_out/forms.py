from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stations.models import Difficulty, ReceiverKind

from .models import items_for


class SendForm(forms.Form):
    receiver_kind = forms.ChoiceField(
        label=_("Refer to"),
        choices=ReceiverKind.choices,
        initial=ReceiverKind.STATION,
        widget=forms.RadioSelect,
        required=False,
    )
    sister_union = forms.ChoiceField(
        label=_("Sister union"), required=False, choices=[],
        help_text=_("Only when referring to a sister union."),
    )  # fmt: skip
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.NORMAL
    )
    shared = forms.MultipleChoiceField(
        label=_("Share with the receiver"), choices=[], required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kind of case is always shared; choose what else the receiver may see."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note to the receiver"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_given = forms.BooleanField(
        label=_("The worker agreed, in writing, to share the chosen items with the receiver"),
        required=False,
    )
    consent_renewed = forms.BooleanField(
        label=_(
            "The worker withdrew their consent to referrals earlier and has agreed again, in writing, since"
        ),
        required=False,
    )

    def __init__(self, *args, case_kind: str, sister_unions=(), consent_withdrawn_on=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if consent_withdrawn_on is None:
            del self.fields["consent_renewed"]
        else:
            self.fields["consent_renewed"].help_text = _(
                "They withdrew it on %(date)s: refer nothing about them unless they agreed again."
            ) % {"date": consent_withdrawn_on.isoformat()}
        shared = self.fields["shared"]
        assert isinstance(shared, forms.MultipleChoiceField)
        shared.choices = items_for(case_kind)
        sister = self.fields["sister_union"]
        assert isinstance(sister, forms.ChoiceField)
        sister.choices = [("", "—"), *[(u.schema_name, u.name) for u in sister_unions]]

    def clean_receiver_kind(self) -> str:
        """Unchosen, it is the street's station (the mediation page's button means that)."""
        return self.cleaned_data.get("receiver_kind") or ReceiverKind.STATION


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("The worker's rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )


class HandleForm(forms.Form):
    """A sister union's chairman or officer moves a received referral along."""

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("start", _("Start handling")),
                 ("close", _("Close as resolved"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when declining or closing: why, or how it was resolved."),
    )  # fmt: skip
