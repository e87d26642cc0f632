"""Who may see what. Every staff query goes through these scopes.

Each role has a scope:
- OWN: only records the user created or is assigned to;
- ORG: every record of the user's own organisation;
- POOL: the organisation's records plus those shared to the common pool (with the
  household's consent) and unclaimed public intake waiting for triage.
`Scope.NONE` roles (drivers, warehouse staff) never list households.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import capabilities
from .models import Membership, Organization, Role


class Scope(enum.IntEnum):
    NONE = 0
    OWN = 1
    ORG = 2
    POOL = 3


HOUSEHOLD_SCOPE = {
    Role.COORDINATOR: Scope.POOL,
    Role.CASEWORKER: Scope.ORG,
    Role.VIEWER: Scope.ORG,
    Role.CHILD_PROTECTION: Scope.ORG,
    Role.DRIVER: Scope.NONE,
    Role.WAREHOUSE: Scope.NONE,
}


class May:
    """`actor.may.offer_create` in templates: the capability table asked by attribute
    (the first underscore stands for the dot), for the actor alone or for one record."""

    def __init__(self, actor: Actor, obj: object = None):
        self._actor, self._obj = actor, obj

    def __getitem__(self, name: str) -> bool:
        return capabilities.can(self._actor, name.replace("_", ".", 1), self._obj)

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


@dataclass(frozen=True)
class Actor:
    """A staff user acting for one organisation in one role. What they may do is asked of
    the capability table (`prytulak.orgs.capabilities`): `actor.can("offer.set_status",
    offer)`, or `actor.require(...)`, which raises NotAllowed."""

    user: User
    organization: Organization
    role: Role

    # A staff member acts for the organisation, not for either side of a placement.
    party = ""
    channel = "staff"

    @property
    def household_scope(self) -> Scope:
        return HOUSEHOLD_SCOPE[self.role]

    def can(self, action: str, obj: object = None) -> bool:
        return capabilities.can(self, action, obj)

    def require(self, action: str, obj: object = None) -> None:
        capabilities.require(self, action, obj)

    @property
    def may(self) -> May:
        return May(self)

    def may_on(self, obj: object) -> May:
        return May(self, obj)


class Party(models.TextChoices):
    """Who acted on their own record, when it was not staff."""

    HOST = "host", _("the host")
    HOUSEHOLD = "household", _("the household")


class Channel(models.TextChoices):
    """How an answer reached us."""

    STAFF = "staff", _("typed by staff")
    LINK = "link", _("own link")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")


@dataclass(frozen=True)
class PartyActor:
    """A host or a household acting on their own record, reached by a signed link (or later
    Telegram or SMS). No user, organisation or role: the capability table has its own rules
    for them (`capabilities.PARTY_RULES`), each limited to the party's own records."""

    party: str  # Party.HOST or Party.HOUSEHOLD
    host_id: int | None = None
    household_id: int | None = None
    channel: str = Channel.LINK
    user: None = None
    organization: None = None
    role: None = None

    def can(self, action: str, obj: object = None) -> bool:
        return capabilities.can(self, action, obj)

    def require(self, action: str, obj: object = None) -> None:
        capabilities.require(self, action, obj)


AnyActor = Actor | PartyActor


def actor_for(user: AbstractBaseUser | AnonymousUser) -> Actor | None:
    if not isinstance(user, User):
        return None
    """The user's first active membership as an Actor, or None for outsiders."""
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=user, organization__is_active=True)
        .order_by("created_at", "pk")
        .first()
    )
    if membership is None:
        return None
    return Actor(user=user, organization=membership.organization, role=Role(membership.role))
