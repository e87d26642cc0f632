from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from prytulak.places.countries import COUNTRY_CODES

from .choices import SPOKEN_LANGUAGE_CODES

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str


def validate_codes(values: object, allowed: Iterable[str], message: StrOrPromise) -> None:
    allowed = frozenset(allowed)
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise ValidationError(message, code="invalid_choice")


def validate_languages(values: object) -> None:
    validate_codes(values, SPOKEN_LANGUAGE_CODES, _("Choose languages from the list."))


def validate_countries(values: object) -> None:
    validate_codes(values, COUNTRY_CODES, _("Choose countries from the list."))


def validate_place_name(value: str) -> None:
    """A town's name never holds “<” or “>”: such text is markup, not a place, and as the typed
    text is what gets stored and shown, it is refused rather than kept beside the town."""
    if "<" in value or ">" in value:
        raise ValidationError(
            _("A town name cannot contain “<” or “>”. Type only the name of the town."),
            code="markup",
        )
