from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.csv_export import csv_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.core.views import form_action
from prytulak.orgs.scopes import Actor

from . import selectors, services
from .forms import (
    DeliveryForm,
    DonationForm,
    GoodsFormSet,
    ItemsFormSet,
    RequestForm,
    ShipmentForm,
    WriteOffForm,
    goods_lines,
    item_lines,
)
from .models import RequestStatus, Shipment


def _manages(actor: Actor) -> bool:
    return actor.can("aid.manage")


@staff_view("aid.view")
def aid_home(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    context = {
        "stock": selectors.stock_rows(actor=actor),
        "requests": selectors.requests(actor=actor).exclude(
            status__in=[RequestStatus.FULFILLED, RequestStatus.CANCELLED]
        )[:50],
        "shipments": selectors.shipments(actor=actor)[:30],
        "request_counts": selectors.request_counts(actor=actor),
        "shipment_counts": selectors.shipment_counts(actor=actor),
        "manages": _manages(actor),
        "write_off_form": WriteOffForm(organization=actor.organization),
    }
    return render(request, "aid/home.html", context)


def _lines_page(request, actor, form, formset, template, save):
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            obj = save(form.cleaned_data, formset)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return obj
    return render(request, template, {"form": form, "formset": formset})


@staff_view("aid.manage")
def donation_new(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = DonationForm(request.POST or None, organization=actor.organization)
    formset = GoodsFormSet(request.POST or None, prefix="lines")
    result = _lines_page(
        request, actor, form, formset, "aid/donation_form.html",
        lambda data, fs: services.donation_receive(actor=actor, lines=goods_lines(fs), **data),
    )  # fmt: skip
    return redirect("aid-home") if not isinstance(result, HttpResponse) else result


@staff_view("aid.manage")
def request_new(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = RequestForm(request.POST or None)
    formset = ItemsFormSet(request.POST or None, prefix="lines")
    result = _lines_page(
        request, actor, form, formset, "aid/request_form.html",
        lambda data, fs: services.request_create(actor=actor, lines=item_lines(fs), **data),
    )  # fmt: skip
    return redirect("aid-home") if not isinstance(result, HttpResponse) else result


@staff_view("aid.manage")
def shipment_new(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = ShipmentForm(request.POST or None, organization=actor.organization)
    formset = ItemsFormSet(request.POST or None, prefix="lines")
    result = _lines_page(
        request, actor, form, formset, "aid/shipment_form.html",
        lambda data, fs: services.shipment_pack(actor=actor, lines=item_lines(fs), **data),
    )  # fmt: skip
    if isinstance(result, HttpResponse):
        return result
    return redirect("shipment-detail", pk=result.pk)


def _shipment(actor: Actor, pk: int) -> Shipment:
    shipment = selectors.shipments(actor=actor).filter(pk=pk).first()
    if shipment is None:
        raise Http404
    return shipment


@staff_view("aid.view")
def shipment_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    shipment = _shipment(actor, pk)
    lines = list(shipment.lines.select_related("item"))
    context = {
        "shipment": shipment,
        "lines": lines,
        "manages": _manages(actor),
        "delivery_form": DeliveryForm(lines=lines),
    }
    return render(request, "aid/shipment_detail.html", context)


@staff_view("aid.view")
def shipment_manifest(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    shipment = _shipment(actor, pk)
    lines = shipment.lines.select_related("item")
    return render(request, "aid/manifest.html", {"shipment": shipment, "lines": lines})


@require_POST
@staff_view("aid.manage")
def shipment_step(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    shipment = _shipment(actor, pk)
    back = reverse("shipment-detail", args=[pk])
    try:
        if request.POST.get("step") == "cancel":
            services.shipment_cancel(actor=actor, shipment=shipment)
        else:
            services.shipment_advance(actor=actor, shipment=shipment)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@require_POST
@staff_view("aid.manage")
def shipment_deliver(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    shipment = _shipment(actor, pk)
    form = DeliveryForm(request.POST, lines=list(shipment.lines.select_related("item")))
    return form_action(
        request,
        form,
        lambda data: services.shipment_deliver(
            actor=actor,
            shipment=shipment,
            confirmed_by=data["confirmed_by"],
            delivered=form.delivered(),
            note=data["note"],
        ),  # fmt: skip
        invalid=_("Say who confirmed and how much of each item arrived."),
        done=_("Delivery recorded."),
        back=reverse("shipment-detail", args=[pk]),
    )


@require_POST
@staff_view("aid.manage")
def write_off(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    return form_action(
        request,
        WriteOffForm(request.POST, organization=actor.organization),
        lambda data: services.stock_write_off(actor=actor, **data),
        invalid=_("Choose the warehouse and item, the quantity and the reason."),
        done=_("Written off."),
        back=reverse("aid-home"),
    )


@staff_view("aid.view")
def report_csv(request: HttpRequest, kind: str, *, actor: Actor) -> HttpResponse:
    """Counts and stock for reporting; no personal data (no donors, no contacts)."""
    if kind == "stock":
        rows = [
            [r["warehouse__name"], r["item__name"], r["item__unit"], r["lot"],
             r["expiry"].isoformat() if r["expiry"] else "", r["quantity"],
             "expired" if r["expired"] else ("expiring" if r["expiring"] else "")]
            for r in selectors.stock_rows(actor=actor)
        ]  # fmt: skip
        header = ["warehouse", "item", "unit", "lot", "expiry", "quantity", "expiry_state"]
    elif kind == "requests":
        rows = [
            [r.pk, r.recipient, r.place, r.get_urgency_display(), r.status,
             "; ".join(f"{line.quantity} {line.item.name}" for line in r.lines.all())]
            for r in selectors.requests(actor=actor)
        ]  # fmt: skip
        header = ["request", "recipient", "place", "urgency", "status", "items"]
    elif kind == "shipments":
        rows = [
            [s.pk, s.warehouse.name, s.destination, s.status,
             s.packed_at.date().isoformat(), s.delivered_at.date().isoformat() if s.delivered_at else ""]
            for s in selectors.shipments(actor=actor)
        ]  # fmt: skip
        header = ["shipment", "warehouse", "destination", "status", "packed", "delivered"]
    else:
        raise Http404
    return csv_response(f"aid-{kind}.csv", header, rows)
