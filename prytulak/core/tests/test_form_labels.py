"""A form field without a label is shown under its Python name ("Step:"), never translated."""

import importlib
import pkgutil

from django import forms

import prytulak


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(prytulak.__path__, "prytulak."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("prytulak."):
                found.append(sub)
    return found


def test_every_visible_form_field_has_a_translated_label():
    classes = _form_classes()
    assert len(classes) > 20
    unlabelled = [
        f"{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if field.label is None and not field.widget.is_hidden
    ]
    # Never shown with a label: the map's box and zoom come from the script; the login form
    # takes the user name's label from the user model when it is built.
    unlabelled = [
        n
        for n in unlabelled
        if n
        not in {
            "MapQueryForm.bbox",
            "MapQueryForm.zoom",
            "MapAreaForm.bbox",
            "MapAreaForm.zoom",
            "MapZoomForm.zoom",
            "LoginForm.username",
        }
    ]
    assert unlabelled == []


def test_the_placement_step_is_labelled_in_ukrainian():
    from django.utils import translation

    from prytulak.housing.forms import PlacementStepForm

    with translation.override("uk"):
        html = str(PlacementStepForm()["step"].label_tag())
    assert "Крок" in html and "Step" not in html
