from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prytulak.core.forms import DateInput
from prytulak.orgs.models import Organization
from prytulak.places.countries import COUNTRIES

from .models import CaseStatus, CaseType, ProviderKind, ServiceProvider


class CaseForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Kind of help"),
        choices=[("", "—"), *CaseType.choices],
        error_messages={"invalid_choice": _("Choose a kind of case from the list.")},
    )
    person = forms.TypedChoiceField(label=_("About"), required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    provider = forms.ModelChoiceField(
        label=_("Service provider"), queryset=ServiceProvider.objects.all(), required=False
    )
    checklist = forms.CharField(
        label=_("Documents needed (one per line)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is needed, never the documents themselves."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        field = self.fields["person"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("The whole household"))] + [
            (m.pk, f"{m.name or ''} {m.get_age_band_display()}".strip())
            for m in household.members.all()
        ]

    def case_data(self) -> dict:
        data = dict(self.cleaned_data)
        pk = data.pop("person")
        data["person"] = self.household.members.filter(pk=pk).first() if pk else None
        data["checklist"] = [line for line in data["checklist"].splitlines() if line.strip()]
        return data


class MoveForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AssignForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(m.user_id, m.user.get_username()) for m in members]


class ReferralForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Organization.objects.filter(is_active=True)
    )
    consent = forms.CharField(
        label=_("How the household agreed"),
        max_length=300,
        required=False,
        help_text=_("For example: asked in Ukrainian at the reception point, agreed verbally."),
    )


class DecideReferralForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ProviderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *ProviderKind.choices]
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("Any")), *COUNTRIES]
    )
