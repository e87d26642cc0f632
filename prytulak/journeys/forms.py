from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from prytulak.core.forms import PLACE_INPUT_ATTRS
from prytulak.places.geocoder import lookup

from .models import BookingStatus, BorderCrossing, CrossingStatus, Luggage, Trip


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TripForm(forms.ModelForm):
    crossing = forms.ModelChoiceField(
        label=_("Via border crossing"),
        queryset=BorderCrossing.objects.all(),
        to_field_name="code",
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no border crossing “%(value)s”. Choose one from the list."
            )
        },
    )
    luggage = forms.ChoiceField(label=_("Luggage"), choices=Luggage.choices)

    class Meta:
        model = Trip
        fields = [
            "origin",
            "destination",
            "crossing",
            "depart_earliest",
            "depart_latest",
            "arrive_by",
            "seats",
            "child_seats",
            "wheelchair_spaces",
            "pets_allowed",
            "luggage",
            "vehicle",
            "notes",
        ]
        widgets = {
            "origin": forms.TextInput(attrs=PLACE_INPUT_ATTRS),
            "destination": forms.TextInput(attrs=PLACE_INPUT_ATTRS),
            "depart_earliest": DateTimeInput(),
            "depart_latest": DateTimeInput(),
            "arrive_by": DateTimeInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean() or {}
        for field in ("origin", "destination"):
            name = cleaned.get(field)
            if not name:
                continue
            place = lookup(name)
            if place is None:
                self.add_error(
                    field,
                    _(
                        "We could not find “%(name)s”. Check the spelling, or type the nearest "
                        "larger town."
                    )
                    % {"name": name},
                )
            else:
                cleaned[f"{field}_place"] = place
        return cleaned

    def trip_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for field in ("origin", "destination"):
            place = self.cleaned_data[f"{field}_place"]
            data[field] = place.name
            data[f"{field}_latitude"], data[f"{field}_longitude"] = place.latitude, place.longitude
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(BookingStatus.BOOKED, _("Book")), (BookingStatus.DECLINED, _("Decline"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class SeatRequestForm(forms.Form):
    trip = forms.IntegerField(min_value=1)


class CrossingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CrossingStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
