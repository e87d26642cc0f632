from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.csv_export import table_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.core.forms import valid_filters, yes_no
from prytulak.core.views import form_action, render_list
from prytulak.orgs.scopes import Actor
from prytulak.people.models import HouseholdStatus
from prytulak.people.selectors import household_list
from prytulak.selfservice.models import AccessLink, LinkPurpose
from prytulak.selfservice.services import links_for_placement

from . import placements, selectors, services
from .forms import (
    CheckInForm,
    HostCheckForm,
    HostForm,
    OfferFilterForm,
    OfferForm,
    OfferStatusForm,
    PlacementStepForm,
    ProblemForm,
    ProposeForm,
    VerifyForm,
)
from .models import CheckIn, HostOffer, Placement, Verification


def _get_offer(actor: Actor, pk: int, action: str = "offer.view") -> HostOffer:
    """The offer if the actor may see it (404 otherwise), and 403 unless they may do
    `action` on it."""
    try:
        offer = selectors.offer_get(actor=actor, pk=pk)
    except HostOffer.DoesNotExist as exc:
        raise Http404 from exc
    actor.require(action, offer)
    return offer


@staff_view("offer.list")
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
    if request.GET.get("export") in ("csv", "xlsx"):
        # The shared pool without any host's name or contact: safe to pass around.
        header = [_("Offer"), _("Status"), _("Town or city"), _("Country"), _("Beds"),
                  _("Available from"), _("Available until"), _("Pets welcome"),
                  _("Children welcome"), _("Languages")]  # fmt: skip
        rows = (
            [
                o.pk,
                o.get_status_display(),
                o.city,
                o.country,
                o.beds,
                o.available_from,
                o.available_to or "",
                o.pets_allowed,
                o.children_allowed,
                ", ".join(o.languages),
            ]  # fmt: skip
            for o in offers[:20000]
        )
        return table_response(request.GET["export"], "offers", header, rows)
    return render_list(request, "housing/offer_list.html", {"form": form, "object_list": offers})


@staff_view("offer.view")
def offer_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk)
    host = selectors.offer_contact(
        actor=actor, offer=offer, reason=_("Offer page #%(pk)d") % {"pk": offer.pk}
    )
    context = {
        "offer": offer,
        "sees_contact": host is not None,
        "may": actor.may_on(offer),
        "status_form": OfferStatusForm(initial={"status": offer.status}),
        "verify_form": VerifyForm(),
        "check_form": HostCheckForm(),
        "checks": offer.host.verifications.select_related("organization", "checked_by"),
        "response": selectors.host_response(host=offer.host),
        "placements": offer.placements.all()[:50],
    }
    if actor.can("offer.propose", offer):
        waiting = household_list(actor=actor, status=HouseholdStatus.WAITING).filter(
            organization=actor.organization
        )[:200]
        context["propose_form"] = ProposeForm(households=waiting)
    if actor.can("link.send", offer):
        context.update(
            own_links=AccessLink.objects.filter(host=offer.host, purpose=LinkPurpose.OFFERS)[:20],
            send_url=reverse("offer-send-link", args=[offer.pk]),
            can_revoke=actor.can("link.revoke"),
            now=timezone.now(),
        )
    return render(request, "housing/offer_detail.html", context)


@staff_view("offer.create")
def offer_create(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    host_form = HostForm(request.POST or None)
    offer_form = OfferForm(request.POST or None)
    if request.method == "POST" and host_form.is_valid() and offer_form.is_valid():
        try:
            offer = services.host_offer_submit(
                host=host_form.cleaned_data, offer=offer_form.offer_data(), actor=actor
            )
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


@staff_view("offer.edit")
def offer_edit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk, "offer.edit")
    # The form shows the exact address: read through the selector that logs it.
    selectors.offer_contact(actor=actor, offer=offer, reason=_("Offer edit page"))
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
@staff_view("offer.verify")
def offer_verify(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk, "offer.verify")
    return form_action(
        request,
        VerifyForm(request.POST),
        lambda data: services.offer_verify(offer=offer, actor=actor, **data),
        invalid=_("Say which document you checked."),
        done=_("Offer verified and active."),
        back=offer,
    )


@require_POST
@staff_view("offer.visit")
def host_visit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Record a home visit or references for the host of offer `pk`."""
    offer = _get_offer(actor, pk, "offer.visit")
    return form_action(
        request,
        HostCheckForm(request.POST),
        lambda data: services.host_record_check(
            host=offer.host, actor=actor, level=Verification.VISITED, note=data["note"]
        ),
        invalid=_("Describe what you saw."),
        done=_("Home visit recorded."),
        back=offer,
    )


@require_POST
@staff_view("offer.propose")
def offer_propose(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk, "offer.propose")
    waiting = household_list(actor=actor, status=HouseholdStatus.WAITING).filter(
        organization=actor.organization
    )
    form = ProposeForm(request.POST, households=waiting)
    if not form.is_valid():
        messages.error(request, _("Choose a waiting household of your organisation."))
        return redirect(offer)
    household = waiting.get(pk=form.cleaned_data["household"])
    try:
        placement = placements.placement_propose(household=household, offer=offer, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(offer)
    messages.success(request, _("Proposed. Now ask the host and the household."))
    return redirect("placement-detail", pk=placement.pk)


@require_POST
@staff_view("offer.set_status")
def offer_status(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    offer = _get_offer(actor, pk, "offer.set_status")
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


def _get_placement(actor: Actor, pk: int, action: str = "placement.view") -> Placement:
    try:
        placement = selectors.placement_get(actor=actor, pk=pk)
    except Placement.DoesNotExist:
        raise Http404 from None
    actor.require(action, placement)
    return placement


@staff_view("placement.view")
def placement_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    placement = _get_placement(actor, pk)
    # Once both accepted, each side's organisation sees the other side's contact details.
    host, household = selectors.placement_contacts(
        actor=actor, placement=placement, reason=_("Placement #%(pk)d") % {"pk": placement.pk}
    )
    steps = placements.placement_steps(placement=placement, actor=actor)
    context = {
        "placement": placement,
        "show_host": host is not None,
        "show_household": household is not None,
        "household_side": actor.can("placement.act_household", placement),
        "host_side": actor.can("placement.act_host", placement),
        "events": placement.events.select_related("by"),
        "checkins": placement.checkins.all(),
        "problems": placement.problems.all() if actor.can("placement.problems", placement) else [],
        "step_form": PlacementStepForm(steps=steps),
        "steps": steps,
        "problem_form": ProblemForm(),
        "checkin_form": CheckInForm(),
        "links": links_for_placement(placement),
        "can_revoke": actor.can("link.revoke"),
        "now": timezone.now(),
    }
    return render(request, "housing/placement_detail.html", context)


@require_POST
@staff_view("placement.act")
def placement_step(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    placement = _get_placement(actor, pk, "placement.act")
    steps = placements.placement_steps(placement=placement, actor=actor)
    form = PlacementStepForm(request.POST, steps=steps)
    if not form.is_valid():
        messages.error(request, _("Choose a step from the list."))
        return redirect("placement-detail", pk=pk)
    step, reason = form.cleaned_data["step"], form.cleaned_data["reason"]
    try:
        if step.startswith("accept_"):
            placements.placement_accept(
                placement=placement, actor=actor, side=step.removeprefix("accept_"), note=reason
            )
        elif step.startswith("decline_"):
            placements.placement_decline(
                placement=placement, actor=actor, side=step.removeprefix("decline_"), reason=reason
            )
        elif step == "depart":
            placements.placement_depart(placement=placement, actor=actor, note=reason)
        elif step == "arrive":
            placements.placement_arrive(placement=placement, actor=actor, note=reason)
        elif step == "end":
            placements.placement_end(placement=placement, actor=actor, reason=reason)
        elif step == "break_down":
            placements.placement_break_down(placement=placement, actor=actor, reason=reason)
        else:
            placements.placement_cancel(placement=placement, actor=actor, reason=reason)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("placement-detail", pk=pk)


@require_POST
@staff_view("placement.act")
def placement_problem(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    placement = _get_placement(actor, pk, "placement.act")
    return form_action(
        request,
        ProblemForm(request.POST),
        lambda data: placements.placement_report_problem(placement=placement, actor=actor, **data),
        invalid=_("Say who reports it and describe the problem."),
        done=_("Problem recorded."),
        back=reverse("placement-detail", args=[pk]),
    )


@require_POST
@staff_view("placement.act")
def checkin_record(request: HttpRequest, pk: int, checkin: int, *, actor: Actor) -> HttpResponse:
    placement = _get_placement(actor, pk, "placement.act")
    item = CheckIn.objects.filter(pk=checkin, placement=placement).first()
    if item is None:
        raise Http404
    return form_action(
        request,
        CheckInForm(request.POST),
        lambda data: placements.checkin_record(checkin=item, actor=actor, **data),
        invalid=_("Choose how the check-in went."),
        done=_("Check-in recorded."),
        back=reverse("placement-detail", args=[pk]),
    )
