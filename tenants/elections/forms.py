"""Admin forms of the elections: the plan, a candidate, the paper count. The rules are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from tenants.committees.models import ROLES_BY_KIND, Committee

from .models import ElectionPlan

SEAT_FIELDS = ("seats_leader", "seats_deputy", "seats_member")


class PlanForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.all())
    term_number = forms.IntegerField(label=_("New term number"), min_value=1, max_value=99)
    term_years = forms.TypedChoiceField(
        label=_("Term length"), choices=[(3, _("Three years")), (5, _("Five years"))], coerce=int, initial=5
    )
    election_date = forms.DateField(label=_("Election date"), widget=AdminDateInput)
    method = forms.ChoiceField(label=_("Voting method"), choices=ElectionPlan.Method.choices)
    opens_at = forms.DateTimeField(label=_("Ballot opens"), widget=AdminDateTimeInput, required=False,
                                   help_text=_("Online ballot only."))  # fmt: skip
    closes_at = forms.DateTimeField(label=_("Ballot closes"), widget=AdminDateTimeInput, required=False,
                                    help_text=_("Online ballot only."))  # fmt: skip
    majority_base = forms.ChoiceField(label=_("Majority rule"), choices=ElectionPlan.MajorityBase.choices)
    seats_leader = forms.IntegerField(label=_("Seats: chairman / head / group leader"), min_value=0,
                                      max_value=1, required=False, initial=1)  # fmt: skip
    seats_deputy = forms.IntegerField(label=_("Seats: vice-chairmen / deputies"), min_value=0, max_value=20,
                                      required=False)  # fmt: skip
    seats_member = forms.IntegerField(label=_("Seats: committee members"), min_value=0, max_value=99,
                                      required=False)  # fmt: skip
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        committee = data.pop("committee")
        roles = ROLES_BY_KIND[committee.kind]
        data["seats"] = {role: data.pop(name) or 0 for role, name in zip(roles, SEAT_FIELDS, strict=True)}
        return {"committee": committee, **data}


def plan_initial(plan: ElectionPlan) -> dict:
    roles = ROLES_BY_KIND[plan.committee.kind]
    seats = {seat.role: seat.seats for seat in plan.seats.all()}
    return {
        "committee": plan.committee_id, "term_number": plan.term_number, "term_years": plan.term_years,
        "election_date": plan.election_date, "method": plan.method, "opens_at": plan.opens_at,
        "closes_at": plan.closes_at, "majority_base": plan.majority_base, "notes": plan.notes,
        **{name: seats.get(role) for role, name in zip(roles, SEAT_FIELDS, strict=True)},
    }  # fmt: skip


class CandidateForm(forms.Form):
    member_mobile = forms.CharField(label=_("Member's mobile number"), max_length=20,
                                    help_text=_("A member on the roster."))  # fmt: skip
    role = forms.ChoiceField(label=_("Stands for"))
    introduction = forms.CharField(label=_("Introduction"), max_length=300, required=False,
                                   help_text=_("Shown on the ballot: department, post, a line about them."))  # fmt: skip

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(roles)


class PaperCountForm(forms.Form):
    ballots_issued = forms.IntegerField(label=_("Ballots issued"), min_value=0)
    ballots_cast = forms.IntegerField(label=_("Ballots returned"), min_value=0)
    ballots_invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0, initial=0)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        for candidate in candidates:
            self.fields[f"votes_{candidate.pk}"] = forms.IntegerField(
                label=f"{candidate.member.name}（{candidate.get_role_label()}）", min_value=0
            )

    def votes(self) -> dict[int, int]:
        return {
            int(name[6:]): value for name, value in self.cleaned_data.items() if name.startswith("votes_")
        }
