"""The own pages of hosts and households, opened by a signed link: no login, no JavaScript,
small plain forms that work on a cheap phone over a slow connection.

Every request is rate-limited per address; an address that keeps presenting bad tokens is
turned away altogether. A refused link shows nothing but "not valid" and is logged. Every
action goes through the same services staff use, with the host or household as the actor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.housing import placements
from prytulak.housing import services as housing_services
from prytulak.housing.models import CheckIn, HostOffer, OfferStatus, Placement, PlacementStatus
from prytulak.housing.selectors import placement_contacts
from prytulak.notify import telegram
from prytulak.orgs.scopes import PartyActor
from prytulak.people.models import AgeBand

from . import selectors, services
from .forms import CheckInAnswerForm, OfferChangeForm, ProblemForm, ReasonForm
from .models import AccessLink, LinkPurpose

S = PlacementStatus
AFTER_BOTH = [S.CONFIRMED, S.TRAVELLING, S.ARRIVED]


def _usage(request: HttpRequest, group: str, rate: str, *, increment: bool) -> bool:
    """Whether this address has used up `rate` for `group`: counting this request when
    `increment`, else before it. A cache that cannot count answers limit 0: refused."""
    usage = get_usage(
        request,
        group=group,
        key="ip",
        rate=lambda group, request: rate,
        method=["GET", "POST"],
        increment=increment,
    )
    if usage is None:
        return False
    return usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/refused.html", {"limited": True}, status=429)


def _refuse(
    request: HttpRequest, why: str, link: AccessLink | None = None, *, guess: bool = True
) -> HttpResponse:
    """Nothing shown but "not valid"; the reason goes to the access log and, when it may be
    a guess (an unknown token, another record's id), to the address's count of refusals. A
    real link that has ended (answered, expired, switched off) is not a guess: many families
    share one address (a shelter's Wi-Fi), and their old links must not lock the others out.
    The page is in the link's language when the link is known."""
    if settings.RATELIMIT_ENABLE and guess:
        _usage(request, "link.refused", settings.LINK_REFUSED_RATE, increment=True)
    # PostgreSQL text holds no NUL: a path like /l/%00/ is logged without it
    services.link_refused_log(why=why, link=link, path=request.path[:120].replace("\x00", ""))
    with translation.override(link.language if link is not None else None):
        return render(request, "selfservice/refused.html", {"limited": False}, status=404)


def _open(request: HttpRequest, token: str) -> tuple[AccessLink, PartyActor] | HttpResponse:
    if settings.RATELIMIT_ENABLE:
        if _usage(request, "link.refused", settings.LINK_REFUSED_RATE, increment=False):
            return _too_many(request)
        if _usage(request, "link", settings.LINK_RATE, increment=True):
            return _too_many(request)
    try:
        link = services.link_resolve(token=token)
    except services.LinkRefused as exc:
        return _refuse(request, exc.why, exc.link, guess=exc.link is None)
    return link, services.party_for(link)


@never_cache
@require_GET
def link_page(request: HttpRequest, token: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    link, actor = opened
    services.link_opened_log(link=link, actor=actor)
    with translation.override(link.language):
        if link.purpose == LinkPurpose.PROPOSAL:
            assert link.placement is not None
            response = _proposal_page(request, link, actor, link.placement)
        elif link.purpose == LinkPurpose.OFFERS:
            response = _offers_page(request, link, actor)
        else:
            response = _household_page(request, link, actor)
        assert response.context_data is not None
        response.context_data["token"] = token
        if link.purpose == LinkPurpose.HOUSEHOLD and telegram.enabled():
            # The family links its Telegram chat with this page's own token.
            response.context_data["telegram"] = telegram.household_link_for(token)
        response.render()  # inside the link's language
    return response


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    return TemplateResponse(request, template, context)


def _household_summary(placement: Placement) -> dict[str, Any]:
    """What the host may know before both accept: no name, no contact."""
    household = placement.household
    bands = dict(AgeBand.choices)
    ages = [bands.get(p.age_band, p.age_band) for p in household.members.all()]
    return {
        "size": len(ages),
        "ages": ages,
        "pets": household.pets,
        "languages": household.languages,
        "arrival_date": household.arrival_date,
        "arrival_place": household.arrival_place,
        "needs_step_free": household.needs_step_free,
    }


def _proposal_page(
    request: HttpRequest, link: AccessLink, actor: PartyActor, placement: Placement
) -> TemplateResponse:
    _host, household = placement_contacts(
        actor=actor,
        placement=placement,
        reason=_("Host's own page, placement #%(pk)d") % {"pk": placement.pk},
    )
    today = timezone.localdate()
    context = {
        "link": link,
        "placement": placement,
        "offer": placement.offer,
        "summary": _household_summary(placement),
        "household": household,
        "can_answer": placement.status in placements.OPEN and placement.host_accepted_at is None,
        "after_both": placement.status in AFTER_BOTH,
        "checkins": placement.checkins.filter(done_at__isnull=True, due_on__lte=today)
        if placement.status == S.ARRIVED
        else [],
        "events": placement.events.all(),
        "reason_form": ReasonForm(),
        "problem_form": ProblemForm(),
        "checkin_form": CheckInAnswerForm(),
    }
    return _page(request, "selfservice/proposal.html", context)


def _offers_page(request: HttpRequest, link: AccessLink, actor: PartyActor) -> TemplateResponse:
    offers = HostOffer.objects.filter(host=link.host).exclude(status=OfferStatus.WITHDRAWN)
    rows = [(offer, OfferChangeForm(instance=offer, prefix=f"o{offer.pk}")) for offer in offers]
    return _page(request, "selfservice/offers.html", {"link": link, "rows": rows})


_current_placement = selectors.current_placement
_rides = selectors.rides


def _household_page(request: HttpRequest, link: AccessLink, actor: PartyActor) -> TemplateResponse:
    assert link.household is not None
    placement = _current_placement(link.household_id)
    host = None
    if placement is not None:
        host, _household = placement_contacts(
            actor=actor,
            placement=placement,
            reason=_("Household's own page, placement #%(pk)d") % {"pk": placement.pk},
        )
    context = {
        "link": link,
        "household": link.household,
        "placement": placement,
        "offer": placement.offer if placement else None,
        "host_kind": placement.offer.host if placement else None,
        "host": host if placement and placement.contacts_released_at else None,
        "can_answer": placement is not None
        and placement.status in placements.OPEN
        and placement.household_accepted_at is None,
        "after_both": placement is not None and placement.status in AFTER_BOTH,
        "rides": _rides(link.household_id),
        "reason_form": ReasonForm(),
        "problem_form": ProblemForm(),
    }
    return _page(request, "selfservice/household.html", context)


# --- actions ---------------------------------------------------------------------------


def _done(request: HttpRequest, token: str, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("link-page", token=token)


def _failed(request: HttpRequest, token: str, exc: ServiceError | str) -> HttpResponse:
    for text in exc.messages if isinstance(exc, ServiceError) else [exc]:
        messages.error(request, text)
    return redirect("link-page", token=token)


@require_POST
def link_action(request: HttpRequest, token: str, action: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    link, actor = opened
    with translation.override(link.language):
        try:
            if link.purpose == LinkPurpose.PROPOSAL:
                assert link.placement is not None
                return _proposal_action(request, token, link.placement, actor, action)
            if link.purpose == LinkPurpose.HOUSEHOLD:
                return _household_action(request, token, link, actor, action)
            return _refuse(request, "no such action", link)
        except NotAllowed:
            return _refuse(request, f"not allowed: {action}", link)
        except ServiceError as exc:
            return _failed(request, token, exc)


def _proposal_action(
    request: HttpRequest, token: str, placement: Placement, actor: PartyActor, action: str
) -> HttpResponse:
    side = actor.party
    if action == "accept":
        placements.placement_accept(placement=placement, actor=actor, side=side)
        return _done(request, token, _("Thank you: you accepted."))
    if action == "decline":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _failed(request, token, _("Give a reason, so the next proposal fits better."))
        placements.placement_decline(
            placement=placement, actor=actor, side=side, reason=form.cleaned_data["reason"]
        )
        return _done(request, token, _("Thank you: you declined."))
    if action == "problem":
        return _problem(request, token, placement, actor)
    if action == "checkin":
        checkin = CheckIn.objects.filter(
            pk=_int(request.POST.get("checkin")) or 0, placement=placement
        ).first()
        if checkin is None:  # another placement's check-in, or none
            return _refuse(request, "check-in of another record", None)
        answer = CheckInAnswerForm(request.POST)
        if not answer.is_valid():
            return _failed(request, token, _("Choose how it is going."))
        placements.checkin_record(
            checkin=checkin,
            actor=actor,
            outcome=answer.cleaned_data["outcome"],
            note=answer.cleaned_data["note"],
        )
        return _done(request, token, _("Thank you for your answer."))
    return _refuse(request, f"no such action: {action}", None)


def _problem(
    request: HttpRequest, token: str, placement: Placement, actor: PartyActor
) -> HttpResponse:
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _failed(request, token, _("Describe the problem."))
    placements.placement_report_problem(
        placement=placement,
        actor=actor,
        side=actor.party,
        description=form.cleaned_data["description"],
    )
    return _done(request, token, _("Your organisation has your message and will contact you."))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _household_action(
    request: HttpRequest, token: str, link: AccessLink, actor: PartyActor, action: str
) -> HttpResponse:
    placement = _current_placement(link.household_id)
    # The form names the proposal it answers: anything but the current one is refused.
    if placement is None or _int(request.POST.get("placement")) != placement.pk:
        return _refuse(request, f"placement not current: {action}", link)
    if action == "accept":
        placements.placement_accept(placement=placement, actor=actor, side=actor.party)
        return _done(request, token, _("Thank you: you accepted."))
    if action in ("decline", "rematch"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _failed(request, token, _("Tell us why, so the next place fits better."))
        reason = form.cleaned_data["reason"]
        if action == "decline":
            placements.placement_decline(
                placement=placement, actor=actor, side=actor.party, reason=reason
            )
            return _done(request, token, _("Thank you: you declined."))
        placements.placement_rematch_request(placement=placement, actor=actor, reason=reason)
        return _done(request, token, _("Your organisation will look for another place."))
    if action == "problem":
        return _problem(request, token, placement, actor)
    return _refuse(request, f"no such action: {action}", link)


@require_POST
def offer_action(request: HttpRequest, token: str, offer_id: int, action: str) -> HttpResponse:
    opened = _open(request, token)
    if isinstance(opened, HttpResponse):
        return opened
    link, actor = opened
    if link.purpose != LinkPurpose.OFFERS:
        return _refuse(request, "offer action on another kind of link", link)
    offer = HostOffer.objects.filter(pk=offer_id, host=link.host).first()
    if offer is None:  # another host's offer, or none: nothing to show
        return _refuse(request, f"offer of another host: {offer_id}", link)
    with translation.override(link.language):
        try:
            if action == "change":
                form = OfferChangeForm(request.POST, instance=offer, prefix=f"o{offer.pk}")
                if not form.is_valid():
                    errors = [str(e) for field in form.errors.values() for e in field]
                    return _failed(request, token, "; ".join(errors))
                data = {name: form.cleaned_data[name] for name in OfferChangeForm.Meta.fields}
                offer.refresh_from_db()
                housing_services.offer_update(offer=offer, actor=actor, data=data)
                return _done(request, token, _("Your offer is updated."))
            if action == "reconfirm":
                housing_services.offer_reconfirm_own(offer=offer, actor=actor)
                return _done(request, token, _("Thank you: your offer stays open."))
            moves = {
                "pause": OfferStatus.PAUSED,
                "withdraw": OfferStatus.WITHDRAWN,
                "reopen": OfferStatus.ACTIVE,
            }
            if action in moves:
                housing_services.offer_set_status(offer=offer, actor=actor, status=moves[action])
                return _done(request, token, _("Your offer is updated."))
        except NotAllowed:
            return _refuse(request, f"not allowed: {action}", link)
        except ServiceError as exc:
            return _failed(request, token, exc)
    return _refuse(request, f"no such action: {action}", link)
