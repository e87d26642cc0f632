from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from prytulak.core.forms import DateInput

from .models import AidRequest, Item, Urgency, Warehouse
from .services import Line

MAX_LINES = 12
UNKNOWN_ITEM = _("There is no such item in the catalogue. Choose one from the list.")


def _item_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Item"),
        queryset=Item.objects.all(),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_ITEM},
    )


def _quantity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Quantity"),
        required=False,
        min_value=1,
        max_value=10_000_000,
        error_messages={"min_value": _("Quantities are whole numbers above zero.")},
    )


class ItemLineForm(forms.Form):
    """One line of a formset: an empty line is skipped, half a line is an error."""

    item = _item_field()
    quantity = _quantity_field()

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("item") and not cleaned.get("quantity") and not self.errors:
            self.add_error("quantity", _("How many?"))
        if cleaned.get("quantity") and not cleaned.get("item") and not self.errors:
            self.add_error("item", _("Which item?"))
        return cleaned


class GoodsLineForm(ItemLineForm):
    lot = forms.CharField(label=_("Lot"), required=False, max_length=60)
    expiry = forms.DateField(label=_("Expiry date"), required=False, widget=DateInput())


GoodsFormSet = forms.formset_factory(GoodsLineForm, extra=4, max_num=MAX_LINES, validate_max=True)
ItemsFormSet = forms.formset_factory(ItemLineForm, extra=4, max_num=MAX_LINES, validate_max=True)


def goods_lines(formset) -> list[Line]:
    return [
        Line(
            f.cleaned_data["item"],
            f.cleaned_data["quantity"],
            f.cleaned_data.get("lot") or "",
            f.cleaned_data.get("expiry"),
        )  # fmt: skip
        for f in formset.forms
        if f.cleaned_data.get("item")
    ]


def item_lines(formset) -> list[tuple[Item, int]]:
    return [
        (f.cleaned_data["item"], f.cleaned_data["quantity"])
        for f in formset.forms
        if f.cleaned_data.get("item")
    ]


class WarehouseChoice(forms.ModelChoiceField):
    def __init__(self, organization, **kwargs):
        super().__init__(
            queryset=Warehouse.objects.filter(organization=organization),
            label=kwargs.pop("label", _("Warehouse")),
            **kwargs,
        )


class DonationForm(forms.Form):
    donor = forms.CharField(label=_("Donor"), max_length=200)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"warehouse": WarehouseChoice(organization), **self.fields}
        self.fields["received_on"].initial = timezone.localdate()


class RequestForm(forms.Form):
    recipient = forms.CharField(
        label=_("Recipient"), max_length=200, help_text=_("Hospital, shelter or volunteer hub.")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    urgency = forms.TypedChoiceField(
        label=_("Urgency"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL
    )


class ShipmentForm(forms.Form):
    destination = forms.CharField(label=_("Destination"), max_length=200)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "warehouse": WarehouseChoice(organization),
            "request": forms.ModelChoiceField(
                label=_("For the request"),
                queryset=AidRequest.objects.filter(organization=organization).exclude(
                    status__in=["fulfilled", "cancelled"]
                ),
                required=False,
            ),
            **self.fields,
        }


class DeliveryForm(forms.Form):
    confirmed_by = forms.CharField(
        label=_("Confirmed by"), max_length=200, help_text=_("Name and role at the destination.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.item.display_name} {line.lot}".strip(),
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
            )

    def delivered(self) -> dict[int, int]:
        return {
            int(name.removeprefix("line_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("line_")
        }


class WriteOffForm(forms.Form):
    item = _item_field()
    lot = forms.CharField(label=_("Lot"), required=False, max_length=60)
    quantity = _quantity_field()
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"warehouse": WarehouseChoice(organization), **self.fields}
        self.fields["item"].required = self.fields["quantity"].required = True
