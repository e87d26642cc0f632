"""Public, mobile-first forms. No account needed; spam is held off by a honeypot field and
a per-address rate limit (django-ratelimit) on accepted submissions."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django_ratelimit.core import get_usage

from prytulak.core.cache import unreachable
from prytulak.core.errors import ServiceError
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm, MemberCountsForm

from .forms import IntakeExtrasForm, PublicOfferForm


def _usage(request: HttpRequest, group: str, *, increment: bool) -> dict[str, Any] | None:
    # key="ip" is the client's address behind the proxy (RATELIMIT_IP_META_KEY).
    return get_usage(
        request,
        group=group,
        key="ip",
        rate=lambda group, request: settings.INTAKE_RATE,
        method="POST",
        increment=increment,
    )


def _at_limit(request: HttpRequest, group: str) -> bool:
    """Whether this address has already had as many submissions accepted as it may."""
    usage = _usage(request, group, increment=False)
    if unreachable(cache):
        # Redis is down and nothing can be counted: RATELIMIT_FAIL_OPEN decides.
        return not settings.RATELIMIT_FAIL_OPEN
    # A cache that cannot count reports limit 0, and the form stays closed (fail closed).
    return usage is not None and usage["count"] >= usage["limit"]


def _accepted(request: HttpRequest, group: str) -> None:
    """Only accepted submissions count: a form sent back with errors costs nothing."""
    _usage(request, group, increment=True)


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, limited: bool
) -> HttpResponse:
    # At the limit the form comes back as typed, with the reason, so nothing is lost.
    return render(
        request, template, {**context, "rate_limited": limited}, status=429 if limited else 200
    )


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """RATELIMIT_VIEW, for any view that blocks with django-ratelimit's decorator."""
    return render(request, "intake/rate_limited.html", status=429)


def host_offer(request: HttpRequest) -> HttpResponse:
    host_form = HostForm(request.POST or None)
    offer_form = PublicOfferForm(request.POST or None)
    extras = IntakeExtrasForm(request.POST or None)
    context = {"host_form": host_form, "form": offer_form, "extras": extras}
    limited = False
    if request.method == "POST":
        if extras.is_spam():
            return redirect("intake:thanks-host")
        limited = _at_limit(request, "intake.host")
        if not limited and all([host_form.is_valid(), offer_form.is_valid(), extras.is_valid()]):
            try:
                housing_services.host_offer_submit(
                    host={**host_form.cleaned_data, "preferred_language": get_language()},
                    offer=offer_form.offer_data(),
                )
            except ServiceError as exc:
                offer_form.add_error(None, exc)
            else:
                _accepted(request, "intake.host")
                return redirect("intake:thanks-host")
    return _form_page(request, "intake/host_offer.html", context, limited=limited)


def need_place(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None)
    counts = MemberCountsForm(request.POST or None)
    extras = IntakeExtrasForm(request.POST or None)
    context = {"form": form, "counts": counts, "extras": extras}
    limited = False
    if request.method == "POST":
        if extras.is_spam():
            return redirect("intake:thanks-household")
        limited = _at_limit(request, "intake.need")
        if not limited and all([form.is_valid(), counts.is_valid(), extras.is_valid()]):
            try:
                people_services.household_register(
                    actor=None, data=form.household_data(), members=counts.members()
                )
            except ServiceError as exc:
                form.add_error(None, exc)
            else:
                _accepted(request, "intake.need")
                if counts.children_only:
                    return redirect("intake:thanks-children")
                return redirect("intake:thanks-household")
    return _form_page(request, "intake/need_place.html", context, limited=limited)


def host_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        offer = housing_services.offer_confirm_email(token=token)
    except ServiceError as exc:
        return render(request, "intake/confirm_failed.html", {"errors": exc.messages}, status=400)
    return render(request, "intake/confirmed.html", {"offer": offer})


def host_reconfirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the “is your offer still open?” e-mail."""
    try:
        offer = housing_services.offer_reconfirm(token=token)
    except ServiceError as exc:
        return render(request, "intake/confirm_failed.html", {"errors": exc.messages}, status=400)
    return render(request, "intake/reconfirmed.html", {"offer": offer})


def thanks_host(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/thanks_host.html")


def thanks_household(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/thanks_household.html")


def thanks_children(request: HttpRequest) -> HttpResponse:
    """After a registration of children alone: the numbers to call now."""
    return render(
        request,
        "intake/thanks_children.html",
        {"helpline": settings.CHILD_HELPLINE, "emergency": settings.EMERGENCY_NUMBER},
    )
