from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.housing.models import HostOffer
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household

from . import services
from .models import AccessLink, LinkPurpose


@require_POST
@staff_view("link.revoke")
def link_revoke(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Switch off a host's or household's link (lost phone, wrong number, misuse)."""
    link = (
        AccessLink.objects.select_related("placement__offer", "placement__household", "household")
        .filter(pk=pk)
        .first()
    )
    if link is None or not actor.can("link.revoke", link):
        raise Http404
    try:
        services.link_revoke(link=link, actor=actor)
        messages.success(request, _("The link no longer works."))
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
    if link.purpose == LinkPurpose.PROPOSAL and link.placement_id:
        return redirect("placement-detail", pk=link.placement_id)
    if link.purpose == LinkPurpose.HOUSEHOLD and link.household_id:
        return redirect("household-detail", pk=link.household_id)
    return redirect("offer-list")


def _send(request: HttpRequest, actor: Actor, **subject: Any) -> None:
    try:
        channel = services.link_send(actor=actor, **subject)
    except ServiceError as exc:
        messages.error(request, exc.messages[0])
        return
    names = {"telegram": _("Telegram"), "email": _("e-mail"), "sms": _("SMS")}
    messages.success(request, _("The link was sent by %(channel)s.") % {"channel": names[channel]})


@require_POST
@staff_view("link.send")
def household_send_link(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """(Re)send the household its own page, by the channel it has."""
    household = Household.objects.filter(pk=pk).first()
    if household is None or not actor.can("household.view", household):
        raise Http404
    if not actor.can("link.send", household):
        raise PermissionDenied
    _send(request, actor, household=household)
    return redirect("household-detail", pk=pk)


@require_POST
@staff_view("link.send")
def offer_send_link(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """(Re)send the host the page for their offers, by the channel they have."""
    offer = HostOffer.objects.select_related("host").filter(pk=pk).first()
    if offer is None or not actor.can("offer.view", offer):
        raise Http404
    if not actor.can("link.send", offer):
        raise PermissionDenied
    _send(request, actor, offer=offer)
    return redirect("offer-detail", pk=pk)
