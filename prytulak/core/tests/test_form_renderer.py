"""Forms render through the Jinja2 form renderer (settings.FORM_RENDERER) for speed: every
project form, empty and sent back with errors, gives the same HTML as Django's template
renderer, but for whitespace and how a quote is escaped (&#39; for &#x27;, the same
character)."""

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2, get_default_renderer
from django.utils import translation

import prytulak
from prytulak.core.renderers import FormRenderer


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(prytulak.__path__, "prytulak."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("prytulak.") and not cls.__name__.startswith("_"):
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _same(html: str) -> str:
    html = html.replace("&#39;", "&#x27;").replace("&#34;", "&quot;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def test_the_configured_renderer_uses_jinja2_for_django_form_templates():
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert renderer.get_template("django/forms/field.html").backend.__class__.__name__ == "Jinja2"


def test_templates_only_django_has_still_render_there():
    template = get_default_renderer().get_template("admin/widgets/related_widget_wrapper.html")
    assert template.backend.__class__.__name__ == "DjangoTemplates"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "uk"])
def test_every_project_form_renders_the_same_html_as_with_django_templates(language):
    compared = []
    with translation.override(language):
        for cls in _project_forms():
            for data in (None, {}):
                try:
                    django_form = cls(data=data, renderer=DjangoTemplates())
                    jinja_form = cls(data=data, renderer=Jinja2())
                except TypeError:
                    continue  # needs more than data to build (an actor, an instance)
                if data is not None:
                    django_form.is_valid()
                    jinja_form.is_valid()
                assert _same(str(jinja_form)) == _same(str(django_form)), cls
                compared.append(cls)
    assert len(set(compared)) >= 10
