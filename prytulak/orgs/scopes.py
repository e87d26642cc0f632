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
# Roles that may see contact details and exact addresses of people in their scope.
SEES_PERSONAL_DATA = {Role.COORDINATOR, Role.CASEWORKER, Role.CHILD_PROTECTION}
# Roles that may create and edit housing records.
EDITS_HOUSING = {Role.COORDINATOR, Role.CASEWORKER}
# Roles that may verify host offers.
VERIFIES_OFFERS = {Role.COORDINATOR}


@dataclass(frozen=True)
class Actor:
    """A staff user acting for one organisation in one role."""

    user: User
    organization: Organization
    role: Role

    @property
    def household_scope(self) -> Scope:
        return HOUSEHOLD_SCOPE[self.role]

    @property
    def sees_personal_data(self) -> bool:
        return self.role in SEES_PERSONAL_DATA

    @property
    def edits_housing(self) -> bool:
        return self.role in EDITS_HOUSING

    @property
    def verifies_offers(self) -> bool:
        return self.role in VERIFIES_OFFERS


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
