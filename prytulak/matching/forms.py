from django import forms
from django.utils.translation import gettext_lazy as _

from prytulak.places.countries import COUNTRIES

from .models import RunScope


class RunForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What to match"), choices=RunScope.choices, widget=forms.RadioSelect
    )
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *COUNTRIES], required=False)

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("scope") == RunScope.COUNTRY and not cleaned.get("country"):
            self.add_error("country", _("Choose a country."))
        return cleaned
