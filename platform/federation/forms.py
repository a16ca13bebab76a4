"""Forms of the federation portal's admin: creating a union, suspending or reinstating one."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.registry.models import Union
from tenants.registry.validators import normalize_credit_code, validate_credit_code, validate_union_slug
from workershome.errors import ServiceError

from .models import District, Street


class ServiceErrorFormMixin:
    def add_service_error(self, error: ServiceError) -> None:
        """Show a service's refusal on the field it names, or above the form."""
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, str(error.message))  # type: ignore[attr-defined]


class UnionCreateForm(ServiceErrorFormMixin, forms.Form):
    """What the federation knows when a workplace union joins (新建基层工会).

    Identifiers (address, credit code) and the first officer are checked by
    ``union_provision`` itself, so the portal, the API and the command agree on the rules.
    """

    name = forms.CharField(label=_("Union name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    slug = forms.CharField(label=pgettext_lazy("web address", "Address"), max_length=40)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        help_text=_("18 characters, as on the union's certificate of legal person status."),
    )
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", "---------"), *Union.Industry.choices], required=False
    )
    member_count = forms.IntegerField(label=_("Members"), min_value=0, max_value=1_000_000, initial=0)
    officer_name = forms.CharField(label=_("First officer's name"), max_length=50)
    officer_mobile = forms.CharField(
        label=_("First officer's mobile number"),
        max_length=20,
        help_text=_("The officer signs in with this number; a text message tells them how."),
    )
    officer_email = forms.EmailField(label=_("First officer's email"), required=False)

    def __init__(self, *args: Any, allowed_districts: set[int] | None, **kwargs: Any):
        """``allowed_districts``: ids a district administrator may create in; ``None`` for the city."""
        super().__init__(*args, **kwargs)
        districts = District.objects.all()
        streets = Street.objects.select_related("district")
        if allowed_districts is not None:
            districts = districts.filter(pk__in=allowed_districts)
            streets = streets.filter(district_id__in=allowed_districts)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts
        cast(forms.ModelChoiceField, self.fields["street"]).queryset = streets
        self.fields["slug"].help_text = _(
            "Lowercase letters, digits and hyphens. The union's site will be at this address "
            "followed by “.%(domain)s”."
        ) % {"domain": settings.BASE_DOMAIN}

    # The registry's own validators, so that every mistake shows at once; ``union_provision``
    # checks again and also refuses what only the registry knows (an address already taken).
    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        validate_union_slug(slug)
        # This form only creates. ``union_provision`` would "complete" an existing union with the
        # same address and credit code, seeding the officer given here as its chairman: from
        # this form, that would let anyone who knows those two make themselves chairman of a
        # union outside their district.
        if Union.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("The address “%(slug)s” is already taken."), code="slug_taken", params={"slug": slug}
            )
        return slug

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def provision_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``union_provision``."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "short_name": data["short_name"],
            "slug": data["slug"],
            "credit_code": data["credit_code"],
            "employer": data["employer"],
            "district": data["district"],
            "street": data["street"],
            "industry": data["industry"],
            "member_count": data["member_count"] or 0,
            "officer_name": data["officer_name"],
            "officer_mobile": data["officer_mobile"],
            "officer_email": data["officer_email"],
        }


class UnionStatusForm(ServiceErrorFormMixin, forms.Form):
    """The reason for suspending or reinstating a union; shown on the union's notice page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, suspending: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.required = suspending
        if suspending:
            reason.help_text = _("Shown to visitors of the union's site while it is suspended.")
        else:
            reason.help_text = _("Optional: kept in the registry with the union's status.")
