from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from prytulak.core.contact import normalise_messenger
from prytulak.core.forms import (
    BOOL_CHOICES,
    PLACE_INPUT_ATTRS,
    DateInput,
    PlaceResolvingMixin,
    clean_phone,
    languages_field,
)
from prytulak.core.i18n import country_choices, country_choices_after
from prytulak.housing.services import CONTACT_REQUIRED

from .models import AgeBand, Household, HouseholdStatus, Person, Sex, ShareLevel
from .services import MAX_MEMBERS


class HouseholdForm(PlaceResolvingMixin, forms.ModelForm):
    place_field = "arrival_place"
    country_field = None
    languages = languages_field()
    preferred_countries = forms.MultipleChoiceField(
        label=_("Preferred countries"),
        choices=country_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    # Shown (as a checkbox) only once a possible duplicate has been found.
    register_anyway = forms.BooleanField(
        label=_("It is a different household: save anyway"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Household
        fields = [
            "lead_name",
            "phone",
            "email",
            "messenger",
            "languages",
            "arrival_place",
            "arrival_date",
            "preferred_countries",
            "preferred_cities",
            "pets",
            "pet_notes",
            "needs_step_free",
            "needs",
            "notes",
        ]
        widgets = {
            "arrival_date": DateInput(),
            "needs": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "arrival_place": forms.TextInput(attrs=PLACE_INPUT_ATTRS),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "arrival_place": _("A town or a border crossing, e.g. Przemyśl, Medyka or Перемишль."),
            "phone": _("With country code, e.g. +380 67 123 4567."),
        }

    def clean_messenger(self) -> str:
        return normalise_messenger(self.cleaned_data.get("messenger") or "")

    def __init__(self, *args, strict_phone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.strict_phone = strict_phone  # False for imports: see core.forms.clean_phone

    def clean_phone(self) -> str:
        # Empty is fine: a household reached by e-mail or messenger only.
        return clean_phone(self.cleaned_data["phone"], strict=self.strict_phone)

    def clean_arrival_date(self) -> datetime.date:
        value = self.cleaned_data["arrival_date"]
        today = timezone.localdate()
        if (
            not today - datetime.timedelta(days=365)
            <= value
            <= today + datetime.timedelta(days=180)
        ):
            raise forms.ValidationError(
                _("Choose a date within a year before or six months after today.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(k) for k in ("phone", "email", "messenger")) and not (
            {"phone", "email", "messenger"} & set(self.errors)
        ):
            self.add_error(None, CONTACT_REQUIRED)
        if self.place is not None:
            self.instance.arrival_country = self.place.country
            self.instance.arrival_latitude = self.place.latitude
            self.instance.arrival_longitude = self.place.longitude
            self.instance.arrival_place_key = self.place.key
        return cleaned

    def household_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}  # not register_anyway
        data.update(
            arrival_country=self.instance.arrival_country,
            arrival_latitude=self.instance.arrival_latitude,
            arrival_longitude=self.instance.arrival_longitude,
            arrival_place_key=self.instance.arrival_place_key,
        )
        return data


class MemberCountsForm(forms.Form):
    """The public form asks for numbers, not names: quicker on a phone at a border."""

    women = forms.IntegerField(
        label=_("Women (18–64)"), min_value=0, max_value=MAX_MEMBERS, initial=0
    )
    men = forms.IntegerField(label=_("Men (18–64)"), min_value=0, max_value=MAX_MEMBERS, initial=0)
    infants = forms.IntegerField(
        label=_("Children 0–4"), min_value=0, max_value=MAX_MEMBERS, initial=0
    )
    children = forms.IntegerField(
        label=_("Children 5–13"), min_value=0, max_value=MAX_MEMBERS, initial=0
    )
    teens = forms.IntegerField(
        label=_("Teenagers 14–17"), min_value=0, max_value=MAX_MEMBERS, initial=0
    )
    seniors = forms.IntegerField(
        label=_("People 65 and over"), min_value=0, max_value=MAX_MEMBERS, initial=0
    )

    BANDS = {
        "women": (AgeBand.ADULT, Sex.FEMALE),
        "men": (AgeBand.ADULT, Sex.MALE),
        "infants": (AgeBand.INFANT, Sex.UNSPECIFIED),
        "children": (AgeBand.CHILD, Sex.UNSPECIFIED),
        "teens": (AgeBand.TEEN, Sex.UNSPECIFIED),
        "seniors": (AgeBand.SENIOR, Sex.UNSPECIFIED),
    }

    def clean(self):
        cleaned = super().clean() or {}
        counts = [cleaned.get(name) or 0 for name in self.BANDS]
        total = sum(counts)
        if not self.errors:
            if total == 0:
                raise forms.ValidationError(_("Tell us how many people need a place."))
            if total > MAX_MEMBERS:
                raise forms.ValidationError(
                    ngettext(
                        "A household can have at most %(max)s person.",
                        "A household can have at most %(max)s people.",
                        MAX_MEMBERS,
                    )
                    % {"max": MAX_MEMBERS}
                )
        return cleaned

    @property
    def children_only(self) -> bool:
        """Children without an adult: saved all the same, flagged for child protection."""
        adults = ("women", "men", "seniors")
        return not any(self.cleaned_data.get(name) for name in adults)

    def members(self) -> list[dict]:
        members = []
        for name, (band, sex) in self.BANDS.items():
            members += [{"age_band": band, "sex": sex}] * (self.cleaned_data.get(name) or 0)
        return members


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "age_band", "sex"]


PersonFormSet = forms.modelformset_factory(
    Person, form=PersonForm, extra=2, can_delete=True, max_num=MAX_MEMBERS, validate_max=True
)


def members_from_formset(formset) -> list[dict]:
    return [
        {
            "name": f.cleaned_data["name"],
            "age_band": f.cleaned_data["age_band"],
            "sex": f.cleaned_data["sex"],
        }
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("age_band") and not f.cleaned_data.get("DELETE")
    ]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *HouseholdStatus.choices]
    )
    country = forms.ChoiceField(
        label=_("Preferred country"), required=False, choices=country_choices_after(_("Any"))
    )
    min_size = forms.IntegerField(
        label=_("At least people"), required=False, min_value=1, max_value=MAX_MEMBERS
    )
    children = forms.ChoiceField(label=_("With children"), required=False, choices=BOOL_CHOICES)
    pets = forms.ChoiceField(label=_("With pets"), required=False, choices=BOOL_CHOICES)


class SharingForm(forms.Form):
    level = forms.ChoiceField(label=_("The household agreed to share"), choices=ShareLevel.choices)
    how = forms.CharField(
        label=_("How the household agreed"),
        max_length=300,
        help_text=_("For example: asked in Ukrainian at the reception point, agreed verbally."),
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Household to merge into this one"), min_value=1)


class EraseForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)
