"""What a linked host or household does in Telegram: answer a proposal (accept, or decline
with a reason), re-confirm an offer, answer a welfare check-in, and see where things stand.

Every answer goes through the same services as the signed-link pages, with the chat's party
as the actor on channel "telegram". A button names a record by its number only; the record is
looked up through the chat's own link, so a button for someone else's record (forged, or left
from a link that was since moved) is refused and logged, and nothing is done.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from prytulak.audit.models import AccessLog
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.housing import placements
from prytulak.housing import services as housing_services
from prytulak.housing.models import (
    CheckIn,
    CheckInOutcome,
    Host,
    HostOffer,
    Placement,
    PlacementStatus,
)
from prytulak.housing.selectors import placement_contacts
from prytulak.orgs.scopes import Channel, Party, PartyActor
from prytulak.people.models import Household
from prytulak.selfservice import selectors

from .models import TelegramLink
from .telegram import Buttons, Incoming, Reply

S = PlacementStatus
AFTER_BOTH = (S.CONFIRMED, S.TRAVELLING, S.ARRIVED)
# A decline's reason, chosen with a button (the page has a text box; a button is quicker).
DECLINE_REASONS = {
    "dates": gettext_lazy("The dates do not suit"),
    "room": gettext_lazy("Not enough room for them"),
    "fit": gettext_lazy("The place does not fit"),
    "gone": gettext_lazy("It is not possible any more"),
}
CHECKIN_OUTCOMES = [CheckInOutcome.WELL, CheckInOutcome.CONCERN, CheckInOutcome.PROBLEM]


def actor(link: TelegramLink) -> PartyActor:
    if link.host_id is not None:
        return PartyActor(party=Party.HOST, host_id=link.host_id, channel=Channel.TELEGRAM)
    return PartyActor(
        party=Party.HOUSEHOLD, household_id=link.household_id, channel=Channel.TELEGRAM
    )


def refused_log(incoming: Incoming, why: str) -> None:
    """A button or link refused in the access log (the chat's link, never its number)."""
    AccessLog.objects.create(
        action="telegram.refused",
        object_type="notify.telegramlink",
        object_id=str(incoming.link.pk) if incoming.link else "",
        channel=Channel.TELEGRAM,
        reason=why[:300],
    )


# --- messages with buttons, used by the notices too ------------------------------------


def accept_buttons(placement: Placement, side: str) -> Buttons:
    prefix = "p" if side == Party.HOST else "h"
    return [
        [
            (_("Yes, I accept"), f"{prefix}a:{placement.pk}"),
            (_("Decline"), f"{prefix}d:{placement.pk}"),
        ]
    ]


def proposal_text(placement: Placement, link: str) -> str:
    """A proposal as the host reads it in Telegram: what, where, when; no names."""
    return ngettext(
        "New proposal for your offer in %(city)s: %(people)s person from %(date)s. "
        "See it and answer here: %(link)s",
        "New proposal for your offer in %(city)s: %(people)s people from %(date)s. "
        "See it and answer here: %(link)s",
        placement.beds,
    ) % {
        "city": placement.offer.city,
        "people": placement.beds,
        "date": date_format(placement.start_date, "DATE_FORMAT"),
        "link": link,
    }


def checkin_buttons(checkin: CheckIn) -> Buttons:
    return [[(str(CheckInOutcome(o).label), f"ck:{checkin.pk}:{o}")] for o in CHECKIN_OUTCOMES]


def reconfirm_text(offer: HostOffer) -> str:
    return _(
        "Is your offer of a place in %(city)s still open? Press the button to keep it open."
    ) % {"city": offer.city}


def reconfirm_buttons(offer: HostOffer) -> Buttons:
    return [[(_("Yes, it is still open"), f"or:{offer.pk}")]]


def _contact_lines(person: Host | Household | None, address: str = "") -> str:
    if person is None:
        return ""
    name = person.name if isinstance(person, Host) else person.lead_name
    parts = [name, person.phone or "", person.email or "", person.messenger or "", address]
    return "\n".join(p for p in parts if p)


def _contacts_for(link_actor: PartyActor, placement: Placement) -> str:
    """The other side's contact, once both accepted (each reading in the access log)."""
    host, household = placement_contacts(
        actor=link_actor,
        placement=placement,
        reason=_("Telegram, placement #%(pk)d") % {"pk": placement.pk},
    )
    if link_actor.party == Party.HOST:
        return _contact_lines(household if isinstance(household, Household) else None)
    return _contact_lines(host, placement.offer.address or "")


def _both_accepted(placement: Placement) -> list[Reply]:
    """Both sides said yes: each linked chat of each side gets the other's contact."""
    replies = []
    links = TelegramLink.objects.filter(
        host_id=placement.offer.host_id
    ) | TelegramLink.objects.filter(household_id=placement.household_id)
    for link in links:
        with translation.override(link.language):
            contact = _contacts_for(actor(link), placement)
            text = _(
                "Both sides said yes (%(city)s, from %(date)s). Their contact:\n%(contact)s"
            ) % {
                "city": placement.offer.city,
                "date": date_format(placement.start_date, "DATE_FORMAT"),
                "contact": contact,
            }
        replies.append(Reply(link.chat_id, text))
    return replies


# --- buttons ------------------------------------------------------------------------------


def on_button(incoming: Incoming) -> list[Reply]:
    """A pressed button: the chat's own record only, else refused and logged."""
    from . import telegram_intake

    kind, _colon, rest = incoming.data.partition(":")
    if kind in ("q", "x"):
        return telegram_intake.on_button(incoming, kind, rest)
    link = incoming.link
    if link is None:
        refused_log(incoming, f"button from an unlinked chat: {incoming.data}")
        return [Reply(incoming.chat, _("This button is not for this chat."))]
    pk_text, _colon, arg = rest.partition(":")
    pk = int(pk_text) if pk_text.isdigit() and len(pk_text) < 12 else 0
    link_actor = actor(link)
    try:
        if kind in ("pa", "pd", "pr") and link.host_id is not None:
            placement = _host_placement(link, pk)
            if placement is not None:
                return _answer(incoming, link_actor, placement, kind[1], arg)
        elif kind in ("ha", "hd", "hr") and link.household_id is not None:
            placement = selectors.current_placement(link.household_id)
            if placement is not None and placement.pk == pk:
                return _answer(incoming, link_actor, placement, kind[1], arg)
        elif kind == "ck" and link.host_id is not None:
            checkin = (
                CheckIn.objects.select_related("placement__offer")
                .filter(pk=pk, placement__offer__host_id=link.host_id)
                .first()
            )
            if checkin is not None:
                placements.checkin_record(checkin=checkin, actor=link_actor, outcome=arg)
                return [Reply(incoming.chat, _("Thank you for your answer."))]
        elif kind == "or" and link.host_id is not None:
            offer = HostOffer.objects.filter(pk=pk, host_id=link.host_id).first()
            if offer is not None:
                housing_services.offer_reconfirm_own(offer=offer, actor=link_actor)
                return [Reply(incoming.chat, _("Thank you: your offer stays open."))]
    except NotAllowed:
        pass
    except ServiceError as exc:
        return [Reply(incoming.chat, " ".join(str(m) for m in exc.messages))]
    refused_log(incoming, f"button not for this chat's record: {incoming.data}")
    return [Reply(incoming.chat, _("This button is not for this chat."))]


def _host_placement(link: TelegramLink, pk: int) -> Placement | None:
    assert link.host_id is not None
    return (
        Placement.objects.select_related("offer__host", "household")
        .filter(pk=pk, offer__host_id=link.host_id)
        .first()
    )


def _answer(
    incoming: Incoming, link_actor: PartyActor, placement: Placement, what: str, arg: str
) -> list[Reply]:
    """a: accept; d: ask why (reason buttons); r: decline with the chosen reason."""
    side = link_actor.party
    prefix = "p" if side == Party.HOST else "h"
    if what == "a":
        placement = placements.placement_accept(placement=placement, actor=link_actor, side=side)
        if placement.status == S.CONFIRMED:
            return _both_accepted(placement)
        return [Reply(incoming.chat, _("Thank you: you accepted. We will tell you the answer."))]
    if what == "d":
        if placement.status not in placements.OPEN:
            return [Reply(incoming.chat, _("This proposal is no longer open."))]
        rows = [
            [(str(label), f"{prefix}r:{placement.pk}:{code}")]
            for code, label in DECLINE_REASONS.items()
        ]
        return [
            Reply(incoming.chat, _("Why do you decline? It helps the next proposal fit."), rows)
        ]
    if what == "r" and arg in DECLINE_REASONS:
        placements.placement_decline(
            placement=placement, actor=link_actor, side=side, reason=str(DECLINE_REASONS[arg])
        )
        return [Reply(incoming.chat, _("Thank you: you declined."))]
    raise NotAllowed


# --- /status --------------------------------------------------------------------------------


def status(incoming: Incoming) -> list[Reply]:
    link = incoming.link
    if link is None:
        return [
            Reply(
                incoming.chat,
                _(
                    "This chat is not linked to a request or an offer yet. Open the link from "
                    "our message, or register: /need or /offer."
                ),
            )
        ]
    if link.household_id is not None:
        return _household_status(incoming, link)
    return _host_status(incoming, link)


def _household_status(incoming: Incoming, link: TelegramLink) -> list[Reply]:
    """The same facts as the household's own page."""
    household = link.household
    assert household is not None
    link_actor = actor(link)
    lines = [_("Status: %(status)s") % {"status": household.get_status_display()}]
    buttons: Buttons = ()
    placement = selectors.current_placement(household.pk)
    if placement is None:
        lines.append(
            _("No place has been proposed yet. We will send you a message when there is one.")
        )
    else:
        offer = placement.offer
        lines.append(
            _("The place proposed to you: %(city)s; %(kind)s; beds: %(beds)s; from %(date)s")
            % {
                "city": offer.city,
                "kind": offer.host.get_household_type_display(),
                "beds": offer.beds,
                "date": date_format(placement.start_date, "DATE_FORMAT"),
            }
        )
        lines.append(
            _("Pets welcome.") if offer.pets_allowed else _("Pets are not possible there.")
        )
        if placement.contacts_released_at:
            lines.append(_("Your host:") + "\n" + _contacts_for(link_actor, placement))
        else:
            lines.append(_("Names and contacts are shared when both sides have accepted."))
        if placement.status in placements.OPEN and placement.household_accepted_at is None:
            buttons = accept_buttons(placement, Party.HOUSEHOLD)
    for ride in selectors.rides(household.pk):
        trip = ride["trip"]
        when = date_format(timezone.localtime(trip.depart_earliest), "SHORT_DATETIME_FORMAT")
        line = _("Pickup: %(place)s, %(time)s") % {"place": trip.origin, "time": when}
        if ride["driver"]:
            line += "; " + _("driver: %(name)s") % {"name": ride["driver"]}
        lines.append(line)
    return [Reply(incoming.chat, "\n".join(lines), buttons)]


def _host_status(incoming: Incoming, link: TelegramLink) -> list[Reply]:
    """The host's live proposals and placements: open ones with their buttons."""
    assert link.host_id is not None
    link_actor = actor(link)
    live = (
        Placement.objects.select_related("offer__host", "household")
        .filter(offer__host_id=link.host_id, status__in=placements.LIVE)
        .order_by("start_date", "pk")
    )
    replies = []
    for placement in live[:10]:
        text = _("%(city)s, from %(date)s: %(status)s") % {
            "city": placement.offer.city,
            "date": date_format(placement.start_date, "DATE_FORMAT"),
            "status": placement.get_status_display(),
        }
        buttons: Buttons = ()
        if placement.status in AFTER_BOTH:
            text += "\n" + _contacts_for(link_actor, placement)
        elif placement.status in placements.OPEN and placement.host_accepted_at is None:
            buttons = accept_buttons(placement, Party.HOST)
        replies.append(Reply(incoming.chat, text, buttons))
    if not replies:
        replies.append(Reply(incoming.chat, _("No proposals for your offers now.")))
    return replies
