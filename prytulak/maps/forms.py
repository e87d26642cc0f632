from django import forms
from django.utils.translation import gettext_lazy as _

from prytulak.core.i18n import country_choices_after

# Far enough to show all of Europe and the routes to it; the map never needs more.
WORLD = (-180.0, -85.0, 180.0, 85.0)


class MapAreaForm(forms.Form):
    """The part of the map in view: box and zoom."""

    bbox = forms.CharField(max_length=200)
    zoom = forms.IntegerField(min_value=0, max_value=18)

    def clean_bbox(self) -> tuple[float, float, float, float]:
        message = _("The map area must be four numbers: west, south, east, north.")
        try:
            west, south, east, north = (float(v) for v in self.cleaned_data["bbox"].split(","))
        except ValueError as exc:
            raise forms.ValidationError(message, code="bbox") from exc
        values = (west, south, east, north)
        if any(v != v or v in (float("inf"), float("-inf")) for v in values):
            raise forms.ValidationError(message, code="bbox")
        west, south = max(west, WORLD[0]), max(south, WORLD[1])
        east, north = min(east, WORLD[2]), min(north, WORLD[3])
        if west >= east or south >= north:
            raise forms.ValidationError(
                _("The map area is empty: west must be left of east, south below north."),
                code="bbox",
            )
        return west, south, east, north


class MapZoomForm(forms.Form):
    """An optional zoom (the trips layer groups its lines below a zoom level)."""

    zoom = forms.IntegerField(required=False, min_value=0, max_value=18)


class MapQueryForm(MapAreaForm):
    """A map request: box, zoom and the filters of the map page."""

    min_beds = forms.IntegerField(
        label=_("At least beds"), required=False, min_value=1, max_value=500
    )
    pets = forms.BooleanField(label=_("Pets welcome"), required=False)
    children = forms.BooleanField(label=_("Children welcome"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of place"),
        required=False,
        choices=[
            ("", _("Any")),
            ("person", _("Private homes")),
            ("collective", _("Collective centres")),
        ],
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=country_choices_after(_("Any"))
    )
    date = forms.DateField(label=_("Available on"), required=False)
