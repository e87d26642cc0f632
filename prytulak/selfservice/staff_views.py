from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

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
