"""Who may do what: the one capability table.

Every check in the project asks this table: views (through `staff_view(action)` and
`actor.require(action, obj)`), the API, services (which check again, so a new page cannot
forget), background jobs and the admin. A rule is the roles that may do something and,
for actions on one record, a test of that record (owning organisation, sharing level,
unclaimed public registration, the two sides of a placement, child protection).

`can(actor, action)` without an object answers "may this role ever do it" (used to gate a
page before its record is loaded); with the object it answers for that record.
Views turn a refusal into 403 (or 404 where the record must not even be seen to exist).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Role

if TYPE_CHECKING:
    from .scopes import Actor, PartyActor

C, W, D, H, V, P = (
    Role.COORDINATOR,
    Role.CASEWORKER,
    Role.DRIVER,
    Role.WAREHOUSE,
    Role.VIEWER,
    Role.CHILD_PROTECTION,
)
ALL_ROLES = frozenset(Role)
# Roles that may see contact details and exact addresses of people in their scope.
SEES_PERSONAL_DATA = frozenset({C, W, P})
# Roles that list households and the pool of offers.
SEES_HOUSING = frozenset({C, W, V, P})
# Roles that create and change housing records (households, offers, placements, imports).
HOUSING_STAFF = frozenset({C, W})
COORDINATORS = frozenset({C})
TRIP_OFFERERS = frozenset({C, D})
SEES_TRIPS = SEES_HOUSING | {D}
SEES_AID = frozenset({C, H, V})
MANAGES_STOCK = frozenset({C, H})
WORKS_CASES = frozenset({C, W, P})
SEES_CHILD_CASES = frozenset({C, P})
ASSIGNS_CASES = frozenset({C, P})
# Roles that report figures to partners (aggregates only, never a record).
REPORTS = frozenset({C, V})


def _org(obj: Any) -> int | None:
    return obj.organization_id


def _own(actor: Actor, obj: Any) -> bool:
    return _org(obj) == actor.organization.pk


# --- households ------------------------------------------------------------------------


def household_visible(actor: Actor, household: Any) -> bool:
    """In the actor's scope: their organisation's; for coordinators also what was shared to
    the pool (summary or full) and unclaimed public registrations. Mirrors
    `people.selectors.household_scope_q`."""
    if _own(actor, household):
        return True
    if actor.role != C:
        return False
    return household.organization_id is None or household.share_level in ("summary", "full")


def household_contact(actor: Actor, household: Any) -> bool:
    """Contact details, notes and names: the own organisation; a coordinator for an
    unclaimed public registration; partners' coordinators only when shared in full."""
    if household.erased_at is not None:
        return False
    if _own(actor, household):
        return True
    if actor.role != C:
        return False
    return household.organization_id is None or household.share_level == "full"


def household_name(actor: Actor, household: Any) -> bool:
    """Names: whoever reads the contacts, and every role of the household's own organisation
    (viewers see who a household is, never how to reach them)."""
    return _own(actor, household) or (
        actor.role in SEES_PERSONAL_DATA and household_contact(actor, household)
    )


def _own_live_household(actor: Actor, household: Any) -> bool:
    return _own(actor, household) and household.erased_at is None


# --- offers ----------------------------------------------------------------------------


def offer_visible(actor: Actor, offer: Any) -> bool:
    """The pool of offers is shared by all organisations; an unconfirmed draft never leaves
    its organisation (a public draft has none, so no one lists it)."""
    return offer.status != "draft" or _own(actor, offer)


def offer_contact(actor: Actor, offer: Any) -> bool:
    """Host contact and exact address: the verifying organisation, or a coordinator while
    the offer still waits for an organisation to verify it."""
    if offer.organization_id is None:
        return actor.role == C
    return _own(actor, offer)


def offer_manage(actor: Actor, offer: Any) -> bool:
    """Edit or change the status: whoever reads the host's contact, on an offer they see."""
    return offer_visible(actor, offer) and offer_contact(actor, offer)


def offer_verify(actor: Actor, offer: Any) -> bool:
    return offer_visible(actor, offer) and (offer.organization_id is None or _own(actor, offer))


# --- placements ------------------------------------------------------------------------


def placement_household_side(actor: Actor, placement: Any) -> bool:
    return placement.household.organization_id == actor.organization.pk


def placement_host_side(actor: Actor, placement: Any) -> bool:
    return placement.offer.organization_id == actor.organization.pk


def placement_either_side(actor: Actor, placement: Any) -> bool:
    return placement_household_side(actor, placement) or placement_host_side(actor, placement)


def placement_proposed_by_own_run(actor: Actor, placement: Any) -> bool:
    """A coordinator sees what their organisation's matching run proposed, also for a
    partner's household from the shared pool, while it is still shared with them. What the
    page shows of the household (names, contacts) is asked separately."""
    run = placement.run
    return (
        actor.role == C
        and run is not None
        and run.organization_id == actor.organization.pk
        and household_visible(actor, placement.household)
    )


def placement_viewable(actor: Actor, placement: Any) -> bool:
    return placement_either_side(actor, placement) or placement_proposed_by_own_run(
        actor, placement
    )


def placement_host_contact(actor: Actor, placement: Any) -> bool:
    """Each side's organisation sees the other side's contact once both accepted."""
    released = placement.contacts_released_at is not None
    return placement_host_side(actor, placement) or (
        released and placement_household_side(actor, placement)
    )


def placement_household_contact(actor: Actor, placement: Any) -> bool:
    if placement.household.erased_at is not None:
        return False
    released = placement.contacts_released_at is not None
    return placement_household_side(actor, placement) or (
        released and placement_host_side(actor, placement)
    )


# --- journeys, cases, aid --------------------------------------------------------------


def trip_visible(actor: Actor, trip: Any) -> bool:
    """Trips are a shared pool like offers; a driver sees the trips they drive."""
    return trip.driver_id == actor.user.pk if actor.role == D else True


def trip_manage(actor: Actor, trip: Any) -> bool:
    """Edit or cancel: the trip's organisation's coordinators, and the driver of their own."""
    if not _own(actor, trip):
        return False
    return actor.role == C or trip.driver_id == actor.user.pk


def trip_passengers(actor: Actor, trip: Any, now: Any = None) -> bool:
    """Who travels: the trip's organisation (roles that see personal data), and its driver
    only around the time of the trip."""
    if actor.role != D:
        return _own(actor, trip)
    import datetime

    from django.conf import settings
    from django.utils import timezone

    now = now or timezone.now()
    window = datetime.timedelta(hours=settings.DRIVER_SEES_PASSENGERS_HOURS)
    return (
        trip.driver_id == actor.user.pk
        and trip.status in ("planned", "departed")
        and trip.depart_earliest - window <= now <= trip.arrive_by + datetime.timedelta(hours=12)
    )


def journey_side(actor: Actor, journey: Any) -> bool:
    """The household's organisation, or the host's once there is a placement."""
    if journey.household.organization_id == actor.organization.pk:
        return True
    placement = journey.placement
    return placement is not None and placement.offer.organization_id == actor.organization.pk


def case_visible(actor: Actor, case: Any) -> bool:
    """Cases of the actor's organisation; a case about a child only for its assignee,
    coordinators and child-protection officers."""
    if not _own(actor, case):
        return False
    return not case.child or actor.role in SEES_CHILD_CASES or case.assignee_id == actor.user.pk


def referral_incoming(actor: Actor, referral: Any) -> bool:
    return referral.to_organization_id == actor.organization.pk


def warehouse_own(actor: Actor, warehouse: Any) -> bool:
    return _own(actor, warehouse)


def shipment_own(actor: Actor, shipment: Any) -> bool:
    return shipment.warehouse.organization_id == actor.organization.pk


def link_manage(actor: Actor, link: Any) -> bool:
    """A host's or household's own link: the organisation on that side may switch it off."""
    if link.purpose == "proposal":
        return placement_either_side(actor, link.placement)
    if link.purpose == "household":
        return bool(_own(actor, link.household))
    return bool(link.host.offers.filter(organization_id=actor.organization.pk).exists())


def link_send(actor: Actor, obj: Any) -> bool:
    """(Re)send a household's or a host's own link: the household's own organisation, or
    whoever manages the host's offer; never to an erased record."""
    if obj._meta.model_name == "hostoffer":
        return offer_manage(actor, obj) and obj.host.erased_at is None
    return _own_live_household(actor, obj)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    check: Callable[[Actor, Any], bool] | None = None
    doc: str = ""


RULES: dict[str, Rule] = {
    # Households
    "household.list": Rule(SEES_HOUSING),
    "household.view": Rule(SEES_HOUSING, household_visible),
    "household.contact": Rule(SEES_PERSONAL_DATA, household_contact),
    "household.name": Rule(SEES_HOUSING, household_name),
    "household.create": Rule(HOUSING_STAFF),
    "household.edit": Rule(HOUSING_STAFF, _own_live_household),
    "household.share": Rule(HOUSING_STAFF, _own_live_household),
    "household.close": Rule(HOUSING_STAFF, _own),
    "household.claim": Rule(COORDINATORS, lambda a, h: h.organization_id is None),
    "household.export": Rule(COORDINATORS, _own),
    "household.erase": Rule(COORDINATORS, _own),
    "household.request_seats": Rule(HOUSING_STAFF, _own_live_household),
    "household.open_case": Rule(WORKS_CASES, _own_live_household),
    "household.propose": Rule(HOUSING_STAFF, _own_live_household),
    # Offers and hosts
    "offer.list": Rule(SEES_HOUSING),
    "offer.view": Rule(SEES_HOUSING, offer_visible),
    "offer.contact": Rule(SEES_PERSONAL_DATA, offer_manage),
    "offer.create": Rule(HOUSING_STAFF),
    "offer.edit": Rule(HOUSING_STAFF, offer_manage),
    "offer.set_status": Rule(HOUSING_STAFF, offer_manage),
    "offer.verify": Rule(COORDINATORS, offer_verify),
    "offer.visit": Rule(COORDINATORS, _own),
    # Any offer of the pool; whether it is active and fits is the service's ServiceError.
    "offer.propose": Rule(HOUSING_STAFF, offer_visible),
    "host.erase": Rule(COORDINATORS),
    # Placements
    "placement.list": Rule(SEES_HOUSING),
    "placement.view": Rule(SEES_HOUSING, placement_viewable),
    "placement.act": Rule(HOUSING_STAFF, placement_either_side),
    "placement.act_household": Rule(HOUSING_STAFF, placement_household_side),
    "placement.act_host": Rule(HOUSING_STAFF, placement_host_side),
    "placement.host_contact": Rule(SEES_PERSONAL_DATA, placement_host_contact),
    "placement.household_contact": Rule(SEES_PERSONAL_DATA, placement_household_contact),
    "placement.problems": Rule(SEES_PERSONAL_DATA, placement_either_side),
    "placement.route": Rule(SEES_PERSONAL_DATA, placement_either_side),
    "link.revoke": Rule(HOUSING_STAFF, link_manage),
    "link.send": Rule(HOUSING_STAFF, link_send),
    # Matching, imports, API keys
    "matching.run": Rule(COORDINATORS, _own),
    "import.run": Rule(HOUSING_STAFF, _own),
    "apikey.manage": Rule(COORDINATORS, _own),
    # Journeys
    "trip.list": Rule(SEES_TRIPS),
    "trip.view": Rule(SEES_TRIPS, trip_visible),
    "trip.create": Rule(TRIP_OFFERERS),
    "trip.edit": Rule(TRIP_OFFERERS, trip_manage),
    "trip.cancel": Rule(TRIP_OFFERERS, trip_manage),
    "trip.verify": Rule(COORDINATORS, _own),
    "trip.passengers": Rule(SEES_PERSONAL_DATA | {D}, trip_passengers),
    "trip.decide_booking": Rule(COORDINATORS, _own),
    "crossing.list": Rule(SEES_TRIPS),
    "crossing.set_status": Rule(HOUSING_STAFF),
    "journey.act": Rule(HOUSING_STAFF, journey_side),
    # Assistance
    "case.list": Rule(WORKS_CASES),
    "case.view": Rule(WORKS_CASES, case_visible),
    "case.work": Rule(WORKS_CASES, case_visible),
    "case.assign": Rule(ASSIGNS_CASES, case_visible),
    "referral.decide": Rule(COORDINATORS, referral_incoming),
    "provider.list": Rule(ALL_ROLES),
    # Aid
    "aid.view": Rule(SEES_AID),
    "aid.manage": Rule(MANAGES_STOCK),
    "warehouse.manage": Rule(MANAGES_STOCK, warehouse_own),
    "shipment.view": Rule(SEES_AID, shipment_own),
    "shipment.manage": Rule(MANAGES_STOCK, shipment_own),
    # Exports for other systems: the public service directory (HSDS), and aggregate counts of
    # the own organisation with small counts suppressed (HXL)
    "export.directory": Rule(ALL_ROLES),
    "export.statistics": Rule(REPORTS),
    # Anyone in an organisation
    "staff.home": Rule(ALL_ROLES),
}


# --- a host or a household acting on their own record (scopes.PartyActor) ---------------


def _party_host(actor: PartyActor, host_id: Any) -> bool:
    return actor.party == "host" and actor.host_id is not None and host_id == actor.host_id


def _party_household(actor: PartyActor, household_id: Any) -> bool:
    return (
        actor.party == "household"
        and actor.household_id is not None
        and household_id == actor.household_id
    )


def _party_placement_host(actor: PartyActor, placement: Any) -> bool:
    return _party_host(actor, placement.offer.host_id)


def _party_placement_household(actor: PartyActor, placement: Any) -> bool:
    return _party_household(actor, placement.household_id)


def _party_placement(actor: PartyActor, placement: Any) -> bool:
    return _party_placement_host(actor, placement) or _party_placement_household(actor, placement)


def _party_sees_host(actor: PartyActor, placement: Any) -> bool:
    """The household reads the host's contact once both accepted (the host's own contact is
    not "released" to the host, so reading it is not logged as such)."""
    return placement.contacts_released_at is not None and _party_placement_household(
        actor, placement
    )


def _party_sees_household(actor: PartyActor, placement: Any) -> bool:
    """The host reads the household's contact once both accepted, unless it was erased."""
    if placement.household.erased_at is not None:
        return False
    return placement.contacts_released_at is not None and _party_placement_host(actor, placement)


# Actions a party may take, always on one record of their own; every other action is refused.
PARTY_RULES: dict[str, Callable[[Any, Any], bool]] = {
    "placement.view": _party_placement,
    "placement.act": _party_placement,
    "placement.act_host": _party_placement_host,
    "placement.act_household": _party_placement_household,
    "placement.host_contact": _party_sees_host,
    "placement.household_contact": _party_sees_household,
    "offer.view": lambda a, offer: _party_host(a, offer.host_id),
    "offer.edit": lambda a, offer: _party_host(a, offer.host_id),
    "offer.set_status": lambda a, offer: _party_host(a, offer.host_id),
    "household.view": lambda a, household: _party_household(a, household.pk),
}


def can(actor: Actor | PartyActor | None, action: str, obj: Any = None) -> bool:
    """May `actor` do `action` (on `obj`, when given)? Unknown actions raise KeyError, so a
    typo fails loudly instead of refusing or allowing silently. A party (host or household)
    may only act on a record, never "in general", and only by PARTY_RULES."""
    rule = RULES[action]
    if actor is not None and actor.party:
        check = PARTY_RULES.get(action)
        return obj is not None and check is not None and bool(check(actor, obj))
    if actor is None or actor.role not in rule.roles:
        return False
    return obj is None or rule.check is None or bool(rule.check(actor, obj))


def require(actor: Actor | PartyActor | None, action: str, obj: Any = None) -> None:
    """Raise NotAllowed (403) unless `actor` may do `action`."""
    from prytulak.core.errors import NotAllowed

    if not can(actor, action, obj):
        raise NotAllowed
