"""Every page of the site, built from the URL conf, for the accessibility and layout tests.

Each URL pattern is either a page (public, or staff: read from the authorisation matrix's
ROUTES) or named in NOT_PAGES with the reason it is not one; `test_sitemap.py` fails when a
new pattern is neither. Staff pages are opened as every role, on the first record of the
matrix's World that the role may see (the same records of every relation the matrix uses);
forms are also submitted empty (or emptied) to audit the page that shows their errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from prytulak.housing import services as housing_services
from prytulak.housing.models import OfferStatus
from prytulak.orgs import capabilities
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import actor_for
from prytulak.orgs.tests.test_authorisation_matrix import ROUTES, World

LANGUAGES = ("uk", "en")
PUBLIC = "public"  # a visitor who is not logged in
SETUP = "setup"  # a member who has not set up the second login step yet

# Public pages: URL name → how to build its URL kwargs from the world (None: no kwargs).
PUBLIC_PAGES = {
    "home": None,
    "map": None,
    "login": None,
    "intake:host": None,
    "intake:need": None,
    "intake:thanks-host": None,
    "intake:thanks-household": None,
    "intake:host-confirm": "confirm",
    "intake:host-reconfirm": "reconfirm",
    "intake:thanks-children": None,
    # self-service pages, by signed link (no login): one of each kind below
    "link-page": "link-proposal",
}
# The other self-service pages a signed link opens (same URL name, other records).
LINK_PAGES = ("link-household", "link-released", "link-offers")
# Staff URLs (all in ROUTES) that answer GET with something other than an HTML page.
STAFF_NOT_PAGES = {
    "household-export": "a JSON file (data-access request)",
    "aid-report": "a CSV file",
    "cases-csv": "a CSV file",
    "import-report": "a CSV file",
    "matching-run-csv": "a CSV file (streamed)",
    "export-hsds": "a JSON file (Open Referral HSDS)",
    "export-hxl": "a CSV file (HXL-tagged counts)",
    # a page only with ?with=<another household the role may see>: _staff() adds it that way
    # (two of the organisation's own, with the merge buttons, and one shared by a partner)
    "household-compare": "a page, but only with ?with=<another household> (added below)",
}
# Every other URL pattern, by name (or by path prefix when unnamed/included wholesale).
NOT_PAGES = {
    "set_language": "POST only; redirects back",
    "logout": "POST only; redirects",
    "place-suggest": "an htmx fragment (<option>s) or JSON for a datalist",
    "telegram-webhook": "the Telegram bot's JSON webhook",
    "map-offers": "JSON for the map",
    "map-households": "JSON for the map",
    "map-crossings": "JSON for the map",
    "map-trips": "JSON for the map",
    "map-services": "JSON for the map",
    "map-route": "JSON for the map",
    "map-offer": "JSON for the staff map's offer popup",
    "map-places": "JSON: town names for the offline map",
    "link-action": "POST only: a signed link's answer; redirects back to its page",
    "link-offer-action": "POST only: a host's change to an offer by link; redirects back",
    "two-factor": "audited as the SETUP and PUBLIC-login flows below (needs a login)",
    "favicon.ico": "a redirect to a static file",
    "admin/": "Django's own admin (its templates, not ours)",
    "api/": "the JSON API and django-ninja's generated docs page",
}

# Pages that hold a form posting back to themselves: submitted empty (or with their
# required fields emptied) to audit the re-rendered page with its errors.
FORM_PAGES = {
    "login",
    "intake:host",
    "intake:need",
    "two-factor",
    "offer-create",
    "offer-edit",
    "household-create",
    "household-edit",
    "trip-create",
    "trip-edit",
    "donation-new",
    "aid-request-new",
    "shipment-new",
    "case-new",
    "import-upload",
    "import-detail",
    "api-keys",
    "matching-runs",
}


@dataclass(frozen=True)
class Page:
    name: str  # URL name
    url: str  # path, with its language prefix
    lang: str
    who: str  # PUBLIC, SETUP or a Role
    relation: str = ""  # which record of the world, for a page about one
    errors: bool = False  # submit the page's form empty and audit the answer

    @property
    def label(self) -> str:
        parts = [self.lang, self.who, self.name]
        if self.relation:
            parts.append(f"[{self.relation}]")
        if self.errors:
            parts.append("(form errors)")
        return " ".join(parts)


def url_pattern_names() -> list[str]:
    """Every URL pattern of the site: its name (with namespace), or for unnamed patterns and
    whole included URL confs (admin, API) the path prefix."""
    names: list[str] = []
    for p in get_resolver().url_patterns:
        if isinstance(p, URLResolver) and str(p.pattern) in ("admin/", "api/"):
            names.append(str(p.pattern))
        else:
            _walk(p, "", names)
    return names


def _walk(p: Any, namespace: str, names: list[str]) -> None:
    if isinstance(p, URLResolver):
        ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
        for sub in p.url_patterns:
            _walk(sub, ns, names)
    elif isinstance(p, URLPattern):
        names.append(f"{namespace}{p.name}" if p.name else str(p.pattern))


def staff_pages() -> list[str]:
    return [
        name
        for name, route in ROUTES.items()
        if route.method == "GET" and name not in STAFF_NOT_PAGES
    ]


def _public_kwargs(world: World, how: str | None) -> dict[str, Any]:
    if how == "confirm":
        offer = world.offer(None, OfferStatus.DRAFT)
        return {"token": housing_services.offer_confirmation_token(offer)}
    if how and how.startswith("link-"):
        from prytulak.selfservice.models import LinkPurpose
        from prytulak.selfservice.services import link_create

        placements = world.records["placement"]
        if how == "link-proposal":
            _link, token = link_create(
                purpose=LinkPurpose.PROPOSAL, placement=placements["household-side"]
            )
        elif how == "link-offers":
            _link, token = link_create(
                purpose=LinkPurpose.OFFERS, host=world.records["offer"]["own"].host
            )
        else:  # the household's page: waiting for answers, or with the host's contact
            key = "released-household-side" if how == "link-released" else "household-side"
            _link, token = link_create(
                purpose=LinkPurpose.HOUSEHOLD, household=placements[key].household
            )
        return {"token": token}
    if how == "reconfirm":
        link = housing_services.offer_reconfirm_link(world.records["offer"]["own"])
        return {"token": link.rstrip("/").rsplit("/", 1)[1]}
    return {}


def setup_user(world: World) -> User:
    """A member with no authenticator yet: the two-factor page shows its set-up (QR code)."""
    return world.b_coordinator


def build(world: World) -> list[Page]:
    """The pages of the site for `world`, in every audited language."""
    pages: list[Page] = []
    for lang in LANGUAGES:
        with translation.override(lang):
            for name, how in PUBLIC_PAGES.items():
                url = reverse(name, kwargs=_public_kwargs(world, how))
                pages.append(Page(name, url, lang, PUBLIC))
                if name in FORM_PAGES:
                    pages.append(Page(name, url, lang, PUBLIC, errors=True))
            for how in LINK_PAGES:
                url = reverse("link-page", kwargs=_public_kwargs(world, how))
                pages.append(Page("link-page", url, lang, PUBLIC, relation=how))
            pages.append(Page("two-factor", reverse("two-factor"), lang, SETUP))
            pages.append(Page("two-factor", reverse("two-factor"), lang, SETUP, errors=True))
            pages.append(Page("404", f"/{lang}/staff/offers/999999/", lang, Role.VIEWER))
            pages += _staff(world, lang)
    return pages


def _staff(world: World, lang: str) -> list[Page]:
    pages: list[Page] = []
    refused: Page | None = None
    for role in Role:
        actor = actor_for(world.users[role])
        for name in staff_pages():
            route = ROUTES[name]
            choices = list(world.records[route.kind].items()) if route.kind else [("", None)]
            for relation, record in choices:
                target = world.target(route.kind, record) if route.kind else None
                kwargs = world.url_kwargs(route.kind, record) if route.kind else {}
                url = reverse(name, kwargs=kwargs)
                if not capabilities.can(actor, route.action, target):
                    if route.kind is None:  # refused for the role, not the record: a 403
                        refused = refused or Page("403", url, lang, role, relation)
                    continue
                pages.append(Page(name, url, lang, role, relation))
                if name in FORM_PAGES and role == _form_role(name, world):
                    pages.append(Page(name, url, lang, role, relation, errors=True))
                if role != Role.COORDINATOR:
                    break  # one record per page for the other roles; every one for coordinators
    assert refused is not None
    pages.append(refused)
    # Records that hang off others: an offer and a household with a placement (their pages
    # then show the placements table and its actions).
    placement = world.records["placement"]["released-host-side"]
    pages.append(
        Page("offer-detail", reverse("offer-detail", args=[placement.offer_id]), lang,
             Role.COORDINATOR, "with-placement")
    )  # fmt: skip
    placement = world.records["placement"]["released-household-side"]
    pages.append(
        Page("household-detail", reverse("household-detail", args=[placement.household_id]),
             lang, Role.COORDINATOR, "with-placement")
    )  # fmt: skip
    # Two households side by side (a possible duplicate): two of the organisation's own, which
    # it may merge, and one a partner shares in full, which it may only read.
    own = world.records["household"]["own"]
    for relation, other in (("own", placement.household_id),
                            ("partner-full", world.records["household"]["partner-full"].pk)):  # fmt: skip
        url = reverse("household-compare", args=[own.pk]) + f"?with={other}"
        pages.append(Page("household-compare", url, lang, Role.COORDINATOR, relation))
    return pages


def _form_role(name: str, world: World) -> Role:
    """The role whose form errors are audited: the first that may use the form."""
    route = ROUTES[name]
    for role in Role:
        actor = actor_for(world.users[role])
        records = world.records[route.kind].values() if route.kind else [None]
        targets = [world.target(route.kind, r) if route.kind else None for r in records]
        if any(capabilities.can(actor, route.action, t) for t in targets):
            return role
    raise AssertionError(f"nobody may use {name}")
