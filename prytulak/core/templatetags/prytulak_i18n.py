"""Filters that put codes and counts into the reader's language (see core/i18n.py)."""

from django import template
from django.utils.translation import gettext

from prytulak.core import i18n

register = template.Library()


@register.filter
def country_names(codes: list[str] | None) -> str:
    return i18n.country_names(codes)


@register.filter
def language_names(codes: list[str] | None) -> str:
    return i18n.language_names(codes)


@register.filter
def quantity(n: int, unit: str) -> str:
    return i18n.quantity(n, unit)


@register.filter
def item_name(name: str) -> str:
    """An aid item's name from a values() row, as Item.display_name gives it."""
    return gettext(name) if name else ""


@register.simple_tag
def brand() -> str:
    return i18n.brand()


@register.filter
def country_name(code: str) -> str:
    from prytulak.places.countries import country_name as name

    return name(code) if code else ""
