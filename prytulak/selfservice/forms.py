from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from prytulak.housing.models import MAX_BEDS, CheckInOutcome, HostOffer


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProblemForm(forms.Form):
    description = forms.CharField(
        label=_("What happened?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How is it going?"),
        choices=[c for c in CheckInOutcome.choices if c[0] != CheckInOutcome.UNREACHABLE],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OfferChangeForm(forms.ModelForm):
    """What a host may change on their own page: dates, beds, pets."""

    class Meta:
        model = HostOffer
        fields = ["available_from", "available_to", "beds", "pets_allowed"]
        widgets = {
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "beds": forms.NumberInput(attrs={"min": 1, "max": MAX_BEDS}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's field allows 0 (its form field says min 0 in the page, then the model
        # refuses 0): one limit, said once, in the page and on the server.
        beds = self.fields["beds"]
        assert isinstance(beds, forms.IntegerField)
        beds.min_value = 1
        beds.widget.attrs["min"] = 1
        beds.validators.append(MinValueValidator(1))

    def clean(self):  # noqa: ANN201 - Django's signature
        data = super().clean() or {}
        start, end = data.get("available_from"), data.get("available_to")
        if start and end and end < start:
            self.add_error("available_to", _("The end date is before the start date."))
        return data
