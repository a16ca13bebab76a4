"""Forms of the mediation admin and the worker's page. They only shape input; the services check
and refuse (amounts stay text here so that the service gives its own clear message)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ClaimKind, Consultation, MediationCase

_DATE = forms.DateInput(attrs={"type": "date"})
_CONSENT_HELP = _(
    "The worker agreed, after being told the purpose: the dispute's facts, amounts, minutes and agreement "
    "are collected to answer and mediate, read only by mediators and the chairman."
)


class AskForm(forms.Form):
    """The worker's own question (mobile page)."""

    claim_kind = forms.ChoiceField(label=_("What is it about?"), choices=ClaimKind.choices)
    question = forms.CharField(
        label=_("Your question"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("What happened, since when, and what you want to know.")}),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_(
            "I agree that the union keeps my question and the details of my dispute to answer and mediate it."
        ),
        required=False,
    )


class ConsultationLogForm(forms.Form):
    mobile = forms.CharField(label=_("Worker's mobile number"), max_length=20)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in Consultation.Channel if c != "online"]
    )
    claim_kind = forms.ChoiceField(label=_("Topic"), choices=ClaimKind.choices)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    law_cited = forms.CharField(label=_("Law cited"), max_length=300, required=False)
    consent_given = forms.BooleanField(
        label=_("The worker consented"), help_text=_CONSENT_HELP, required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    law_cited = forms.CharField(label=_("Law cited"), max_length=300, required=False)


class ApplyForm(forms.Form):
    mobile = forms.CharField(label=_("Applicant's mobile number"), max_length=20)
    respondent_kind = forms.ChoiceField(label=_("Respondent"), choices=MediationCase.RespondentKind.choices)
    respondent_name = forms.CharField(label=_("Respondent's name"), max_length=200)
    claim_kind = forms.ChoiceField(label=_("Claim"), choices=ClaimKind.choices)
    claim = forms.CharField(
        label=_("The dispute and what the worker asks for"), widget=forms.Textarea(attrs={"rows": 5})
    )
    amount_claimed = forms.CharField(label=_("Amount claimed (yuan)"), max_length=30, required=False)
    consultation = forms.IntegerField(label=_("From consultation no."), required=False, min_value=1)
    consent_given = forms.BooleanField(
        label=_("The worker consented"), help_text=_CONSENT_HELP, required=False
    )


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=_DATE)
    place = forms.CharField(label=_("Place"), max_length=200, initial="工会劳动争议调解室")
    attendees = forms.CharField(label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}))


class ExtendForm(forms.Form):
    new_end = forms.DateField(label=_("New end day"), widget=_DATE)
    reason = forms.CharField(
        label=_("Reason agreed by the parties"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SettleForm(forms.Form):
    amount_agreed = forms.CharField(label=_("Amount agreed (yuan)"), max_length=30)
    terms = forms.CharField(label=_("Terms of the agreement"), widget=forms.Textarea(attrs={"rows": 5}))
    signed_on = forms.DateField(label=_("Signed on"), widget=_DATE, required=False)


class FailForm(forms.Form):
    referral_target = forms.ChoiceField(label=_("Refer to"), choices=MediationCase.ReferralTarget.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
