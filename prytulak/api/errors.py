"""Every refusal the API gives has one shape, {"detail", "code", "errors"}, in the caller's
language (Accept-Language), and a status the OpenAPI document lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from ninja import Schema

# The statuses every operation may answer besides its success.
ERROR_CODES = frozenset({400, 401, 403, 404, 409})


class ErrorOut(Schema):
    detail: str
    code: str = ""
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    def __init__(
        self, status: int, detail: str, code: str = "", errors: dict[str, list[str]] | None = None
    ):
        super().__init__(detail)
        self.status = status
        self.body = {"detail": detail, "code": code, "errors": errors or {}}


def form_error(form: forms.BaseForm) -> ApiError:
    errors = {
        (field if field != "__all__" else "non_field_errors"): [str(e["message"]) for e in items]
        for field, items in form.errors.get_json_data().items()
    }
    return ApiError(400, _("Some values are not valid."), "invalid", errors)


# Pydantic's messages are English; these are Django's own strings, translated in every
# language we ship.
_PYDANTIC = {
    "missing": "This field is required.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "float_parsing": "Enter a number.",
    "float_type": "Enter a number.",
    "date_parsing": "Enter a valid date.",
    "date_from_datetime_parsing": "Enter a valid date.",
    "date_type": "Enter a valid date.",
    "datetime_parsing": "Enter a valid date/time.",
    "datetime_from_date_parsing": "Enter a valid date/time.",
    "datetime_type": "Enter a valid date/time.",
}


def validation_errors(raw: list[dict[str, Any]]) -> dict[str, list[str]]:
    from django.utils.translation import gettext

    errors: dict[str, list[str]] = {}
    for item in raw:
        loc = [str(p) for p in item.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "header"}:
            loc = loc[1:]
        if loc and loc[0] in {"payload", "filters"}:
            loc = loc[1:]
        name = ".".join(loc) or "non_field_errors"
        kind = item.get("type", "")
        if kind in {"bool_parsing", "bool_type"}:
            message = _("Enter true or false.")
        elif kind in _PYDANTIC:
            message = gettext(_PYDANTIC[kind])
        elif kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
            limit = next(iter((item.get("ctx") or {}).values()), "")
            message = _("This number is out of range (limit %(limit)s).") % {"limit": limit}
        elif kind in {"string_too_long", "too_long"}:
            message = _("This value is too long.")
        elif kind == "enum" or kind == "literal_error":
            message = _("Choose one of the listed values.")
        else:
            message = _("This value is not valid.")
        errors.setdefault(name, []).append(message)
    return errors
