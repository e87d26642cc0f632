"""Form pieces shared by the public intake and the staff pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prytulak.core.i18n import country_choices_after, language_choices
from prytulak.places.geocoder import Place, lookup

from .validators import StrOrPromise, validate_place_name

# Suggestions come from /places/suggest/ through static/js/app.js into a shared <datalist>.
PLACE_INPUT_ATTRS = {
    "list": "place-suggestions",
    "autocomplete": "off",
    "data-place-suggest": "/places/suggest/",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def languages_field(
    label: StrOrPromise | None = None, required: bool = True
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label or _("Languages spoken"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chips"}),
        required=required,
        error_messages={"required": _("Choose at least one language.")},
    )


def country_field(label: StrOrPromise | None = None, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label or _("Country"),
        choices=country_choices_after("—"),
        required=required,
    )


class PlaceResolvingMixin:
    """Resolve a typed town name (any script) to coordinates during clean().

    Subclasses name the text field in `place_field` and, optionally, a country field that
    narrows the search. The resolved Place is kept in `self.place`. The typed text is what is
    stored (“Kraków, Poland” stays as typed), so text that is not a place name is refused here:
    the lookup alone would accept “Kraków, <anything>”.
    """

    place_field = "city"
    country_field: str | None = "country"
    place: Place | None = None

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        name = cleaned.get(self.place_field)
        country = cleaned.get(self.country_field) if self.country_field else None
        if name:
            try:
                validate_place_name(name)
            except ValidationError as exc:
                self.add_error(self.place_field, exc)  # type: ignore[attr-defined]
                return cleaned
            place = lookup(name, country or None)
            if place is None:
                if country and lookup(name) is not None:
                    message = _("“%(name)s” is not in the country you chose.")
                else:
                    message = _(
                        "We could not find “%(name)s”. Check the spelling, or type the "
                        "nearest larger town."
                    )
                self.add_error(self.place_field, message % {"name": name})  # type: ignore[attr-defined]
            else:
                self.place = place
        return cleaned


BOOL_CHOICES = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]


def yes_no(value: str | None) -> bool | None:
    """The filter value of a yes/no/any choice."""
    return {"yes": True, "no": False}.get(value or "")


def valid_filters(form: forms.Form) -> dict:
    """The filter values that are valid; a bad one is shown as an error and ignored."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


PHONE_INVALID = _("Enter a phone number, e.g. +380 67 123 4567.")


def clean_phone(value: str | None, *, strict: bool = True) -> str:
    """A phone number typed in a form: empty, or a number `phonenumbers` holds valid (read
    with its country code, or as written in Ukraine); "abc" or "1234567" are refused.

    Not `strict` (a spreadsheet import, whose contact reader has already sent numbers it is
    unsure of to a person's review): only text that cannot be a number at all is refused."""
    from .contact import read_phone

    phone = (value or "").strip()
    if not phone:
        return ""
    if not strict:
        digits = sum(c.isdigit() for c in phone)
        if not 5 <= digits <= 15 or any(c not in "0123456789+-()./ " for c in phone):
            raise forms.ValidationError(PHONE_INVALID, code="phone")
        return phone
    if not any(c.isdigit() for c in phone) or read_phone(phone).check:
        raise forms.ValidationError(PHONE_INVALID, code="phone")
    return phone
