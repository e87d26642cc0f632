"""Shared pieces of the API's request and answer shapes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, TypeVar

from django import forms
from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import BeforeValidator, Strict
from pydantic_core import PydanticCustomError

from prytulak.core.choices import SPOKEN_LANGUAGES
from prytulak.core.counts import cached_count
from prytulak.places.countries import COUNTRY_CODES

from .errors import ERROR_CODES, ErrorOut, form_error

F = TypeVar("F", bound=forms.BaseForm)


class Page(LimitOffsetPagination):
    """?limit= (at most 100) and ?offset=; the answer has `items` and `count`."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=100, **kwargs)

    def _items_count(self, queryset: Any) -> int:
        # The total like the web lists' (prytulak.core.counts): cached briefly when set up so.
        return cached_count(queryset)


def responses(ok: Any, status: int = 200) -> dict:
    return {status: ok, ERROR_CODES: ErrorOut}


def validated(form: F) -> F:
    """The bound form, cleaned with the web page's own rules, or a 400 with its messages."""
    if not form.is_valid():
        raise form_error(form)
    return form


def form_data(values: dict[str, Any]) -> dict[str, Any]:
    """JSON values as a bound form expects them (None is an empty field)."""
    return {k: ("" if v is None else v) for k, v in values.items()}


# Strict types: the API accepts exactly what its OpenAPI document says (no 0 for a date,
# no "1" for a number in a JSON body, no "yes" for a boolean in a query).
MAX_ID = 2**31 - 1
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?"
)


def _iso(pattern: re.Pattern[str], kind: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None or isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        raise PydanticCustomError(kind, "not an ISO 8601 value")

    return check


def _query_bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise PydanticCustomError("bool_parsing", "true or false")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso(_DATE, "date_parsing"))]
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso(_DATETIME, "datetime_parsing"))]
QueryBool = Annotated[bool | None, BeforeValidator(_query_bool)]
Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Str = Annotated[str, Strict()]
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]


def one_of(values: Iterable[Any]) -> Any:
    """A Literal of the given values: an enum in the OpenAPI document."""
    return Literal[tuple(values)]


LANGUAGES = [code for code, _name in SPOKEN_LANGUAGES]
Language = one_of(LANGUAGES)
Country = one_of(sorted(COUNTRY_CODES))
CountryOrBlank = one_of(["", *sorted(COUNTRY_CODES)])


def path_id() -> Any:
    return Path(..., ge=1, le=MAX_ID)


class LinkSentOut(Schema):
    """What POST .../send-link answers (households and offers alike)."""

    channel: str = Field(description="How the link went: telegram, email or sms.")
