from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.core.forms import valid_filters, yes_no
from prytulak.core.views import render_list
from prytulak.orgs.scopes import Actor

from . import selectors, services
from .forms import HostForm, OfferFilterForm, OfferForm, OfferStatusForm
from .models import HostOffer


def _get_offer(actor: Actor, pk: int) -> HostOffer:
    try:
        return selectors.offer_get(actor=actor, pk=pk)
    except HostOffer.DoesNotExist as exc:
        raise Http404 from exc


@staff_view(lambda a: selectors.offers_visible(a))
def offer_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = OfferFilterForm(request.GET or None)
    f = valid_filters(form)
    offers = selectors.offer_list(
        actor=actor,
        q=f.get("q", ""),
        status=f.get("status", ""),
        country=f.get("country", ""),
        min_beds=f.get("min_beds"),
        pets=yes_no(f.get("pets")),
        children=yes_no(f.get("children")),
        available_on=f.get("available_on"),
    )
    return render_list(request, "housing/offer_list.html", {"form": form, "object_list": offers})


@staff_view(lambda a: selectors.offers_visible(a))
def offer_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk)
    context = {
        "offer": offer,
        "sees_contact": selectors.offer_sees_contact(actor=actor, offer=offer),
        "status_form": OfferStatusForm(initial={"status": offer.status}),
        "placements": offer.placements.select_related("household").all()[:50],
    }
    return render(request, "housing/offer_detail.html", context)


@staff_view(lambda a: a.edits_housing)
def offer_create(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    host_form = HostForm(request.POST or None)
    offer_form = OfferForm(request.POST or None)
    if request.method == "POST" and host_form.is_valid() and offer_form.is_valid():
        try:
            host = services.host_create(data=host_form.cleaned_data)
            offer = services.offer_create(host=host, data=offer_form.offer_data(), actor=actor)
        except ServiceError as exc:
            offer_form.add_error(None, exc)
        else:
            messages.success(request, _("Offer saved. It now waits for verification."))
            return redirect(offer)
    return render(
        request,
        "housing/offer_form.html",
        {"host_form": host_form, "form": offer_form, "offer": None},
    )


@staff_view(lambda a: a.edits_housing)
def offer_edit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk)
    if not selectors.offer_sees_contact(actor=actor, offer=offer):
        raise Http404
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(offer=offer, actor=actor, data=form.offer_data())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(offer)
    return render(request, "housing/offer_form.html", {"form": form, "offer": offer})


@require_POST
@staff_view(lambda a: a.verifies_offers)
def offer_verify(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk)
    try:
        services.offer_verify(offer=offer, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Offer verified and active."))
    return redirect(offer)


@require_POST
@staff_view(lambda a: a.edits_housing)
def offer_status(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk)
    form = OfferStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status from the list."))
        return redirect(offer)
    try:
        services.offer_set_status(offer=offer, actor=actor, status=form.cleaned_data["status"])
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Status changed."))
    return redirect(offer)
