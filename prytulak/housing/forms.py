from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prytulak.core.contact import normalise_messenger
from prytulak.core.forms import (
    BOOL_CHOICES,
    PLACE_INPUT_ATTRS,
    DateInput,
    PlaceResolvingMixin,
    clean_phone,
    country_field,
    languages_field,
)
from prytulak.core.i18n import country_choices_after

from .models import (
    MAX_BEDS,
    CheckInOutcome,
    DocumentType,
    Host,
    HostHousehold,
    HostKind,
    HostOffer,
    OfferStatus,
    Side,
)
from .services import CONTACT_REQUIRED


class HostForm(forms.ModelForm):
    class Meta:
        model = Host
        fields = ["kind", "household_type", "name", "email", "phone", "messenger"]
        widgets = {"kind": forms.RadioSelect, "household_type": forms.RadioSelect}
        error_messages = {
            "kind": {"required": _("Say who offers the place.")},
            "household_type": {"required": _("Say who lives in the home.")},
        }
        help_texts = {"phone": _("With country code, e.g. +48 601 234 567.")}

    def __init__(self, *args, strict_phone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.strict_phone = strict_phone  # False for imports: see core.forms.clean_phone
        # Both questions must be answered: no empty "---------" radio, and no answer picked
        # for the host ("Nobody else" would hide a family with children, or a single man).
        for name in ("kind", "household_type"):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            choices = HostKind.choices if name == "kind" else HostHousehold.choices
            field.choices = choices
            field.required = True
            if not self.is_bound and self.instance.pk is None:
                self.initial[name] = None

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone"), strict=self.strict_phone)

    def clean_messenger(self) -> str:
        return normalise_messenger(self.cleaned_data.get("messenger") or "")

    def clean(self):
        cleaned = super().clean() or {}
        contact = ("email", "phone", "messenger")
        if not any(cleaned.get(k) for k in contact) and not set(contact) & set(self.errors):
            raise forms.ValidationError(CONTACT_REQUIRED)
        return cleaned


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
            self.instance.place_key = self.place.key
            cleaned["country"] = self.place.country
        return cleaned

    def offer_data(self) -> dict:
        """The cleaned values plus the resolved coordinates, ready for the services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data.update(
            latitude=self.instance.latitude,
            longitude=self.instance.longitude,
            geonameid=self.instance.geonameid,
            place_key=self.instance.place_key,
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
        label=_("Country"), required=False, choices=country_choices_after(_("Any"))
    )
    min_beds = forms.IntegerField(
        label=_("At least beds"), required=False, min_value=1, max_value=MAX_BEDS
    )
    pets = forms.ChoiceField(label=_("Pets welcome"), required=False, choices=BOOL_CHOICES)
    children = forms.ChoiceField(label=_("Children welcome"), required=False, choices=BOOL_CHOICES)
    available_on = forms.DateField(label=_("Available on"), required=False, widget=DateInput())


class VerifyForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Document you checked"),
        choices=[("", "—"), *DocumentType.choices],
        help_text=_("Record which document you saw, never a copy of it."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class HostCheckForm(forms.Form):
    note = forms.CharField(
        label=_("What you saw (home visit or references)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposeForm(forms.Form):
    household = forms.TypedChoiceField(label=_("Household"), coerce=int, choices=[])

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["household"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [
            (h.pk, f"#{h.pk} {h.lead_name} ({h.member_count})") for h in households
        ]


class PlacementStepForm(forms.Form):
    STEPS = [
        ("accept_host", _("The host accepted")),
        ("accept_household", _("The household accepted")),
        ("decline_host", _("The host declined")),
        ("decline_household", _("The household declined")),
        ("depart", _("They are on their way")),
        ("arrive", _("They arrived")),
        ("end", _("The stay ended")),
        ("break_down", _("The placement broke down")),
        ("cancel", _("Cancel")),
    ]
    step = forms.ChoiceField(label=_("Step"), choices=STEPS)
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=300)

    def __init__(self, *args, steps: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if steps is not None:  # only the steps possible from the placement's status
            step = self.fields["step"]
            assert isinstance(step, forms.ChoiceField)
            step.choices = [(value, label) for value, label in self.STEPS if value in steps]


class ProblemForm(forms.Form):
    side = forms.ChoiceField(label=_("Who reports it"), choices=Side.choices)
    description = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInForm(forms.Form):
    outcome = forms.ChoiceField(label=_("How it went"), choices=CheckInOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
