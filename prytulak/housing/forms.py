from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prytulak.core.forms import (
    BOOL_CHOICES,
    PLACE_INPUT_ATTRS,
    DateInput,
    PlaceResolvingMixin,
    country_field,
    languages_field,
)
from prytulak.places.countries import COUNTRIES

from .models import MAX_BEDS, Host, HostOffer, OfferStatus


class HostForm(forms.ModelForm):
    class Meta:
        model = Host
        fields = ["kind", "household_type", "name", "email", "phone"]
        widgets = {"kind": forms.RadioSelect, "household_type": forms.RadioSelect}


class OfferForm(PlaceResolvingMixin, forms.ModelForm):
    # Optional: the town usually tells us the country; choosing one settles same-named towns.
    country = country_field(required=False)
    languages = languages_field(_("Languages spoken in the home"))
    beds = forms.IntegerField(
        label=_("Beds"),
        min_value=1,
        max_value=MAX_BEDS,
        help_text=_("How many people can sleep there."),
    )

    class Meta:
        model = HostOffer
        fields = [
            "city",
            "country",
            "address",
            "beds",
            "available_from",
            "available_to",
            "pets_allowed",
            "children_allowed",
            "step_free",
            "languages",
            "is_free",
            "price_note",
            "notes",
        ]
        widgets = {
            "available_from": DateInput(),
            "available_to": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "city": forms.TextInput(attrs=PLACE_INPUT_ATTRS),
        }
        help_texts = {
            "address": _("Kept private: shown only to the organisation that verifies you."),
            "city": _("In any language: Варшава, Warszawa or Warsaw."),
        }

    # The public form refuses start dates in the past; staff may record older offers.
    allow_past_start = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("available_from"), cleaned.get("available_to")
        today = timezone.localdate()
        if start and not self.allow_past_start and start < today:
            self.add_error("available_from", _("This date is in the past."))
        if start and start > today + datetime.timedelta(days=366):
            self.add_error("available_from", _("Choose a date within the next year."))
        if start and end and end < start:
            self.add_error("available_to", _("The end date must be after the start date."))
        if cleaned.get("is_free") is False and not cleaned.get("price_note"):
            self.add_error("price_note", _("Tell us the price, or tick “free of charge”."))
        if self.place is not None:
            self.instance.latitude = self.place.latitude
            self.instance.longitude = self.place.longitude
            self.instance.geonameid = self.place.geonameid
            cleaned["country"] = self.place.country
        return cleaned

    def offer_data(self) -> dict:
        """The cleaned values plus the resolved coordinates, ready for the services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data.update(
            latitude=self.instance.latitude,
            longitude=self.instance.longitude,
            geonameid=self.instance.geonameid,
        )
        return data


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=OfferStatus.choices)


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *OfferStatus.choices]
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("Any")), *COUNTRIES]
    )
    min_beds = forms.IntegerField(
        label=_("At least beds"), required=False, min_value=1, max_value=MAX_BEDS
    )
    pets = forms.ChoiceField(label=_("Pets welcome"), required=False, choices=BOOL_CHOICES)
    children = forms.ChoiceField(label=_("Children welcome"), required=False, choices=BOOL_CHOICES)
    available_on = forms.DateField(label=_("Available on"), required=False, widget=DateInput())
