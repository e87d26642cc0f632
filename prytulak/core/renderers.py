"""The form renderer (settings.FORM_RENDERER): Django's Jinja2 copies of its form and widget
templates, which give the same HTML but for whitespace in about half the time (an include per
field and per choice made the public intake form the costliest page under load; see
docs/benchmarks.md). Templates that exist only for Django's engine (the admin's widgets, other
apps' widgets) render as before."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self) -> None:
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
