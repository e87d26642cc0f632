from django import forms
from django.utils.translation import gettext_lazy as _

from prytulak.core.i18n import country_choices_after

from .models import DEFAULT_MAX_KM, RunScope


class RunForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("What to match"), choices=RunScope.choices, widget=forms.RadioSelect
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices_after("—"), required=False
    )
    # A family at Medyka is better off in Berlin than unplaced: the coordinator sets the reach.
    max_km = forms.IntegerField(
        label=_("Maximum distance (km)"),
        min_value=10,
        max_value=5000,
        initial=DEFAULT_MAX_KM,
        required=False,
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("scope") == RunScope.COUNTRY and not cleaned.get("country"):
            self.add_error("country", _("Choose a country."))
        if cleaned.get("max_km") is None:
            cleaned["max_km"] = DEFAULT_MAX_KM
        return cleaned


class ResultsForm(forms.Form):
    """Filters of a run's results page (and of its CSV download)."""

    PROPOSED, UNPLACED = "proposed", "unplaced"
    show = forms.ChoiceField(
        label=_("Show"),
        choices=[(PROPOSED, _("Proposals")), (UNPLACED, _("Not placed"))],
        required=False,
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    country = forms.ChoiceField(
        label=_("Country of the offer"), choices=country_choices_after("—"), required=False
    )

    def __init__(self, *args, **kwargs):
        from .explain import REASON_TEXT

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (code, text()) for code, text in REASON_TEXT.items()
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid one is dropped; its error shows on the page)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "show": data.get("show") or self.PROPOSED,
            "reason": data.get("reason", ""),
            "country": data.get("country", ""),
        }
