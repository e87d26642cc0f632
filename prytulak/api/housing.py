"""/api/v1/offers/: the shared pool of host offers."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from prytulak.housing import selectors, services
from prytulak.housing.forms import HostForm, OfferForm
from prytulak.housing.models import MAX_BEDS, HostHousehold, HostKind, HostOffer, OfferStatus

from .idempotency import idempotent
from .schemas import (
    LANGUAGES,
    Bool,
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

router = Router(tags=["offers"])


class OfferOut(Schema):
    id: int
    status: str
    organization_id: int | None
    city: str
    country: str
    latitude: float
    longitude: float
    beds: int
    available_from: datetime.date
    available_to: datetime.date | None
    pets_allowed: bool
    children_allowed: bool
    step_free: bool
    languages: list[str]
    is_free: bool
    price_note: str
    verification: int
    host_kind: str
    host_household: str
    confirmed_until: datetime.date | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_verification(obj) -> int:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["verification"]
        return obj.host.verification

    @staticmethod
    def resolve_host_kind(obj) -> str:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["host_kind"]
        return obj.host.kind

    @staticmethod
    def resolve_host_household(obj) -> str:  # noqa: ANN001
        if isinstance(obj, dict):
            return obj["host_household"]
        return obj.host.household_type


class HostContactOut(Schema):
    name: str
    email: str
    phone: str
    messenger: str
    address: str


class OfferDetailOut(OfferOut):
    notes: str = Field(
        "", description="The host's own words: only with the contact details, else empty."
    )

    @staticmethod
    def resolve_notes(obj) -> str:  # noqa: ANN001
        # detail() fills them in for a caller who sees the contact details.
        return obj.get("notes", "") if isinstance(obj, dict) else ""

    contact: HostContactOut | None = Field(
        None, description="Only for the organisation that verifies the host; each read is logged."
    )


class OfferFilter(Schema):
    q: str = Field("", max_length=100)
    status: one_of(["", *OfferStatus.values]) = ""  # type: ignore[valid-type]
    country: CountryOrBlank = ""
    min_beds: int | None = Field(None, ge=1, le=1000)
    pets: QueryBool = None
    children: QueryBool = None
    step_free: QueryBool = None
    language: one_of(["", *LANGUAGES]) = ""  # type: ignore[valid-type]
    available_on: IsoDate | None = None


class HostIn(Schema):
    kind: one_of(HostKind.values)  # type: ignore[valid-type]
    household_type: one_of(HostHousehold.values)  # type: ignore[valid-type]
    name: Str = Field(..., min_length=1, max_length=200)
    email: Str = Field("", max_length=254, examples=["host@example.org"])
    phone: Str = Field("", max_length=40)
    messenger: Str = Field("", max_length=200, examples=["telegram @host_name"])


class OfferIn(Schema):
    host: HostIn
    city: Str = Field(..., min_length=1, max_length=200, examples=["Kraków"])
    country: CountryOrBlank = ""
    address: Str = Field("", max_length=300)
    beds: Int = Field(..., ge=1, le=MAX_BEDS)
    available_from: IsoDate
    available_to: IsoDate | None = None
    pets_allowed: Bool = False
    children_allowed: Bool = True
    step_free: Bool = False
    languages: list[Language] = Field(..., min_length=1, max_length=20, examples=[["uk", "pl"]])
    is_free: Bool = True
    price_note: Str = Field("", max_length=200)
    notes: Str = Field("", max_length=2000)


def detail(request: HttpRequest, offer) -> dict:  # noqa: ANN001
    actor = request.actor  # type: ignore[attr-defined]
    out = OfferDetailOut.from_orm(offer).model_dump(mode="json")
    host = selectors.offer_contact(actor=actor, offer=offer, reason=_("API"))
    if host is not None:
        out["notes"] = offer.notes or ""
        out["contact"] = {
            "name": host.name,
            "email": host.email or "",
            "phone": host.phone or "",
            "messenger": host.messenger or "",
            "address": offer.address or "",
        }
    return out


@router.get("", response=responses(list[OfferOut]), summary="List offers")
@paginate(Page)
def offer_list(request: HttpRequest, filters: Query[OfferFilter]):  # noqa: ANN201
    return selectors.offer_list(actor=request.actor, **filters.dict())  # type: ignore[attr-defined]


@router.get("{offer_id}", response=responses(OfferDetailOut), summary="One offer")
def offer_get(request: HttpRequest, offer_id: int = path_id()):  # noqa: ANN201
    return Status(200, detail(request, selectors.offer_get(actor=request.actor, pk=offer_id)))  # type: ignore[attr-defined]


def _answer(request: HttpRequest, pk: int) -> dict:
    return detail(request, selectors.offer_get(actor=request.actor, pk=pk))  # type: ignore[attr-defined]


@router.post("", response=responses(OfferDetailOut, 201), summary="Add an offer")
@idempotent(HostOffer, _answer)
def offer_create(request: HttpRequest, payload: OfferIn):  # noqa: ANN201
    actor = request.actor  # type: ignore[attr-defined]
    actor.require("offer.create")
    values = payload.dict()
    host_form = validated(HostForm(form_data(values.pop("host"))))
    offer_form = validated(OfferForm(form_data(values)))
    offer = services.host_offer_submit(
        host=host_form.cleaned_data, offer=offer_form.offer_data(), actor=actor
    )
    return Status(201, detail(request, offer))


@router.post(
    "{offer_id}/send-link",
    response=responses(LinkSentOut),
    summary="Send the host the page for their offers again",
    description="By the channel the host has: their linked Telegram chat, else e-mail, else "
    "SMS, in their language (as the button on the offer page). 400 when they have none.",
)
def offer_send_link(request: HttpRequest, offer_id: int = path_id()):  # noqa: ANN201
    from prytulak.selfservice.services import link_send

    actor = request.actor  # type: ignore[attr-defined]
    offer = selectors.offer_get(actor=actor, pk=offer_id)
    return Status(200, {"channel": link_send(actor=actor, offer=offer)})
