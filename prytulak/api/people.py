"""/api/v1/households/: households in the caller's scope."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.people import selectors, services
from prytulak.people.forms import HouseholdForm, MemberCountsForm
from prytulak.people.models import CHILD_BANDS, Household, HouseholdStatus

from .errors import ApiError
from .idempotency import idempotent
from .schemas import (
    Bool,
    Country,
    CountryOrBlank,
    Int,
    IsoDate,
    Language,
    LinkSentOut,
    Page,
    QueryBool,
    Str,
    form_data,
    one_of,
    path_id,
    responses,
    validated,
)

router = Router(tags=["households"])


class MemberOut(Schema):
    age_band: str
    sex: str


class HouseholdOut(Schema):
    id: int
    organization_id: int | None
    status: str
    source: str
    share_level: str
    arrival_place: str
    arrival_country: str
    arrival_date: datetime.date
    languages: list[str]
    preferred_countries: list[str]
    pets: int
    needs_step_free: bool
    priority: int
    size: int
    children: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_size(obj) -> int:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["size"]
        count = getattr(obj, "member_count", None)
        return count if count is not None else len(obj.members.all())

    @staticmethod
    def resolve_children(obj) -> int:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["children"]
        count = getattr(obj, "child_count", None)
        if count is not None:
            return count
        return sum(m.age_band in CHILD_BANDS for m in obj.members.all())


class ContactOut(Schema):
    lead_name: str
    phone: str
    email: str
    messenger: str
    pet_notes: str
    needs: str
    notes: str
    member_names: list[str]


class HouseholdDetailOut(HouseholdOut):
    preferred_cities: str
    members: list[MemberOut]
    contact: ContactOut | None = Field(
        None,
        description="Only for roles that see personal data, within consent; each read is logged.",
    )


class HouseholdFilter(Schema):
    q: str = Field("", max_length=100)
    status: one_of(["", *HouseholdStatus.values]) = ""  # type: ignore[valid-type]
    country: CountryOrBlank = ""
    min_size: int | None = Field(None, ge=1, le=30)
    with_children: QueryBool = None
    with_pets: QueryBool = None


class PeopleIn(Schema):
    women: Int = Field(0, ge=0, le=30)
    men: Int = Field(0, ge=0, le=30)
    infants: Int = Field(0, ge=0, le=30)
    children: Int = Field(0, ge=0, le=30)
    teens: Int = Field(0, ge=0, le=30)
    seniors: Int = Field(0, ge=0, le=30)


class HouseholdIn(Schema):
    lead_name: Str = Field(..., min_length=1, max_length=200)
    phone: Str = Field("", max_length=40, examples=["+380 67 123 4567"])
    email: Str = Field("", max_length=254)
    messenger: Str = Field("", max_length=200, examples=["telegram @olena_k"])
    languages: list[Language] = Field(..., min_length=1, max_length=20, examples=[["uk"]])
    arrival_place: Str = Field(..., min_length=1, max_length=200, examples=["Przemyśl"])
    arrival_date: IsoDate
    preferred_countries: list[Country] = Field([], max_length=50)
    preferred_cities: Str = Field("", max_length=300)
    pets: Int = Field(0, ge=0, le=20)
    pet_notes: Str = Field("", max_length=200)
    needs_step_free: Bool = False
    needs: Str = Field("", max_length=2000)
    notes: Str = Field("", max_length=5000)
    people: PeopleIn
    register_anyway: Bool = Field(
        False, description="Register although the phone or e-mail matches another household."
    )


def detail(request: HttpRequest, household) -> dict:  # noqa: ANN001
    actor = request.actor  # type: ignore[attr-defined]
    out = HouseholdDetailOut.from_orm(household).model_dump(mode="json")
    if selectors.household_contact(actor=actor, household=household, reason=_("API")):
        members = list(household.members.all())
        out["contact"] = {
            "lead_name": household.lead_name,
            "phone": household.phone or "",
            "email": household.email or "",
            "messenger": household.messenger or "",
            "pet_notes": household.pet_notes or "",
            "needs": household.needs or "",
            "notes": household.notes or "",
            "member_names": [m.name or "" for m in members],
        }
    return out


@router.get("", response=responses(list[HouseholdOut]), summary="List households")
@paginate(Page)
def household_list(request: HttpRequest, filters: Query[HouseholdFilter]):  # noqa: ANN201
    return selectors.household_list(actor=request.actor, **filters.dict())  # type: ignore[attr-defined]


@router.get("{household_id}", response=responses(HouseholdDetailOut), summary="One household")
def household_get(request: HttpRequest, household_id: int = path_id()):  # noqa: ANN201
    household = selectors.household_get(actor=request.actor, pk=household_id)  # type: ignore[attr-defined]
    return Status(200, detail(request, household))


def _answer(request: HttpRequest, pk: int) -> dict:
    return detail(request, selectors.household_get(actor=request.actor, pk=pk))  # type: ignore[attr-defined]


@router.post("", response=responses(HouseholdDetailOut, 201), summary="Register a household")
@idempotent(Household, _answer)
def household_create(request: HttpRequest, payload: HouseholdIn):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    actor.require("household.create")
    values = payload.dict()
    counts = validated(MemberCountsForm(values.pop("people")))
    register_anyway = values.pop("register_anyway")
    form = validated(HouseholdForm(form_data(values)))
    try:
        household = services.household_register(
            actor=actor,
            data=form.household_data(),
            members=counts.members(),
            register_anyway=register_anyway,
        )
    except services.DuplicateHousehold as exc:
        # Only records the caller may see are named; the others are counted.
        named = [f"#{d.pk}" for d in exc.duplicates]
        if exc.hidden:
            named.append(selectors.hidden_duplicates_text(exc.hidden))
        raise ApiError(
            409,
            _(
                "The same phone or e-mail is already registered: %(list)s. Check with that "
                "organisation, or send “register_anyway” if it is a different household."
            )
            % {"list": ", ".join(named)},
            "duplicate",
        ) from exc
    return Status(201, detail(request, household))


@router.post(
    "{household_id}/send-link",
    response=responses(LinkSentOut),
    summary="Send the household its own page again",
    description="By the channel the household has: its linked Telegram chat, else e-mail, "
    "else SMS, in its language (as the button on the household page). 400 when it has none.",
)
def household_send_link(request: HttpRequest, household_id: int = path_id()):  # noqa: ANN201
    from prytulak.selfservice.services import link_send

    actor = request.actor  # type: ignore[attr-defined]
    household = selectors.household_get(actor=actor, pk=household_id)
    return Status(200, {"channel": link_send(actor=actor, household=household)})
