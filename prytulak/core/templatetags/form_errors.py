"""The error summary at the top of every page whose forms came back with errors.

It finds the bound forms and formsets in the template context itself, so a new form gets the
summary without its template having to ask for it (base.html includes it once)."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet
from django.utils.html import format_html

register = template.Library()


def _forms_in(value: Any) -> list[BaseForm]:
    if isinstance(value, BaseFormSet):
        if not value.is_bound:
            return []
        return [value.management_form, *value.forms]
    if isinstance(value, BaseForm):
        return [value]
    return []


def _field_href(form: BaseForm, name: str) -> str:
    bound = form[name]
    target = bound.id_for_label or bound.auto_id  # a radio list links to its first choice
    return f"#{target}" if target else ""


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict[str, Any]:
    """Every error of every bound form in the page: field errors as links to the field,
    the other errors (a whole form's, a formset's) as plain text."""
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        forms = _forms_in(value)
        if isinstance(value, BaseFormSet) and value.is_bound:
            items += [{"href": "", "text": e} for e in value.non_form_errors()]
        for form in forms:
            if id(form) in seen or not form.is_bound:
                continue
            seen.add(id(form))
            for name, errors in form.errors.items():
                if name == "__all__" or name not in form.fields:
                    items += [{"href": "", "text": e} for e in errors]
                    continue
                bound = form[name]
                href = "" if bound.is_hidden else _field_href(form, name)
                label = str(bound.label or "") if href else ""
                for error in errors:
                    text = format_html("{}: {}", label, error) if label else error
                    items.append({"href": href, "text": text})
    return {"items": items}
