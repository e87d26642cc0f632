"""Text that depends on the reader's language beyond a plain gettext: the brand name, counts
of units, names for codes (countries, languages) and lists sorted the reader's way."""

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils.translation import get_language, gettext, ngettext


def brand() -> str:
    """The platform's name as readers of the active language write it."""
    # Translators: the platform's name; write it in your script (uk "Притулак", be "Прытулак").
    return gettext("Prytulak")


@functools.cache
def _collator() -> Any:
    # pyuca is the Unicode Collation Algorithm in pure Python: Cyrillic and Latin letters with
    # diacritics sort where a reader looks for them, not by code point or by English name.
    from pyuca import Collator

    return Collator()


def collation_key(text: str) -> tuple[int, ...]:
    """A sort key for text in the Unicode collation order (case- and accent-aware)."""
    return tuple(_collator().sort_key(text))


def sorted_by_name(choices: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    """(code, name) pairs with the names in the active language, sorted for its readers."""
    named = [(code, str(name)) for code, name in choices]
    return sorted(named, key=lambda pair: collation_key(pair[1]))


@functools.cache
def _country_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    from prytulak.places.countries import COUNTRIES

    return tuple(sorted_by_name(COUNTRIES))


@functools.cache
def _language_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    from prytulak.core.choices import SPOKEN_LANGUAGES

    return tuple(sorted_by_name(SPOKEN_LANGUAGES))


# The names and their order depend only on the active language and the compiled catalogues
# (fixed while a process runs), so each process sorts them once per language, not per form.
def country_choices() -> list[tuple[str, str]]:
    return list(_country_choices(get_language()))


def language_choices() -> list[tuple[str, str]]:
    return list(_language_choices(get_language()))


def country_names(codes: Sequence[str] | None) -> str:
    """Country codes ("DE, PL") as names ("Німеччина, Польща"): names in the reader's language and order."""
    from prytulak.places.countries import country_name

    return ", ".join(sorted((country_name(c) for c in codes or ()), key=collation_key))


def language_names(codes: Sequence[str] | None) -> str:
    """Language codes ("uk, ru") as names ("російська, українська"): names in the reader's language and order."""
    from prytulak.core.choices import SPOKEN_LANGUAGES

    names = dict(SPOKEN_LANGUAGES)
    return ", ".join(sorted((str(names.get(c, c)) for c in codes or ()), key=collation_key))


def quantity(n: int, unit: str) -> str:
    """A stock quantity with its unit, in the plural form the count needs ("34 коробки")."""
    forms = {
        "pcs": ngettext("%(n)s piece", "%(n)s pieces", n),
        "box": ngettext("%(n)s box", "%(n)s boxes", n),
        "pack": ngettext("%(n)s pack", "%(n)s packs", n),
        "kg": ngettext("%(n)s kg", "%(n)s kg", n),
        "l": ngettext("%(n)s litre", "%(n)s litres", n),
        "pallet": ngettext("%(n)s pallet", "%(n)s pallets", n),
    }
    return forms.get(unit, f"%(n)s {unit}") % {"n": n}


def country_choices_after(blank_label: object) -> Callable[[], list[tuple[str, object]]]:
    """Form choices: a blank entry, then the countries sorted for the reader (evaluated per
    form, so in the language of the request)."""
    return lambda: [("", blank_label), *country_choices()]
