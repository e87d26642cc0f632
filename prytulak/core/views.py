from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from prytulak.housing.models import HostOffer, OfferStatus
from prytulak.housing.selectors import offer_list
from prytulak.orgs.scopes import Actor
from prytulak.people.models import HouseholdStatus
from prytulak.people.selectors import household_list
from prytulak.places.countries import country_name
from prytulak.places.geocoder import gazetteer

from .counts import CachedCountPaginator
from .decorators import staff_view
from .errors import ServiceError


def home(request: HttpRequest) -> HttpResponse:
    """Public landing page: what Prytulak is and the two intake forms. Counts only."""
    totals = HostOffer.objects.filter(status=OfferStatus.ACTIVE).aggregate(
        offers=Count("pk"), beds=Sum("beds"), countries=Count("country", distinct=True)
    )
    return render(request, "core/home.html", {"totals": totals})


@staff_view()
def staff_home(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    households = household_list(actor=actor).aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(status=HouseholdStatus.NEW)),
        waiting=Count("pk", filter=Q(status=HouseholdStatus.WAITING)),
        placed=Count("pk", filter=Q(status=HouseholdStatus.PLACED)),
    )
    offers = offer_list(actor=actor).aggregate(
        total=Count("pk"),
        awaiting=Count("pk", filter=Q(status=OfferStatus.AWAITING)),
        active=Count("pk", filter=Q(status=OfferStatus.ACTIVE)),
        beds=Sum("beds", filter=Q(status=OfferStatus.ACTIVE)),
    )
    return render(request, "core/staff_home.html", {"households": households, "offers": offers})


@cache_control(max_age=3600)
def place_suggest(request: HttpRequest) -> HttpResponse:
    """Town names for the place inputs' datalist (htmx), from the offline gazetteer."""
    query = request.GET.get("q", "")[:100]
    country = request.GET.get("country", "")[:2].upper() or None
    places = gazetteer().suggest(query, country)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"places": [{"name": p.name, "country": p.country, "kind": p.kind} for p in places]}
        )
    options = [(p.name, country_name(p.country)) for p in places]
    return render(request, "core/place_options.html", {"options": options})


def error_404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        # Programs get the API's error shape, in the caller's language, not a page.
        return JsonResponse(
            {"detail": _("Not found, or not yours to see."), "code": "not_found", "errors": {}},
            status=404,
        )
    return render(request, "errors/404.html", status=404)


def error_403(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def render_list(
    request: HttpRequest, template: str, context: dict, per_page: int = 25
) -> HttpResponse:
    """A filtered, paginated list page; htmx requests get only the results block."""
    paginator = CachedCountPaginator(context.pop("object_list"), per_page)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, querystring=query.urlencode())
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, template.replace(".html", "_results.html"), context)
    return render(request, template, context)


def form_action(
    request: HttpRequest,
    form: Form,
    action: Callable[[dict[str, Any]], object],
    *,
    invalid: str,
    done: str,
    back: Any,
) -> HttpResponse:
    """A small POST form on a detail page: validate, call the service with the cleaned data,
    say what happened (or why not) in a message and go back to the page."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect(back)
    try:
        action(form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)
