"""Public, mobile-first forms. No account needed; spam is held off by a honeypot field and
a per-address rate limit (django-ratelimit)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django_ratelimit.decorators import ratelimit

from prytulak.core.errors import ServiceError
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm, MemberCountsForm

from .forms import IntakeExtrasForm, PublicOfferForm


def _rate() -> str:
    return settings.INTAKE_RATE


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "intake/rate_limited.html", status=429)


@ratelimit(key="ip", rate=lambda group, request: _rate(), method="POST", block=True)
def host_offer(request: HttpRequest) -> HttpResponse:
    host_form = HostForm(request.POST or None)
    offer_form = PublicOfferForm(request.POST or None)
    extras = IntakeExtrasForm(request.POST or None)
    if request.method == "POST":
        if extras.is_spam():
            return redirect("intake:thanks-host")
        if all([host_form.is_valid(), offer_form.is_valid(), extras.is_valid()]):
            try:
                host = housing_services.host_create(
                    data={**host_form.cleaned_data, "preferred_language": get_language()}
                )
                housing_services.offer_create(host=host, data=offer_form.offer_data())
            except ServiceError as exc:
                offer_form.add_error(None, exc)
            else:
                return redirect("intake:thanks-host")
    return render(
        request,
        "intake/host_offer.html",
        {"host_form": host_form, "form": offer_form, "extras": extras},
    )


@ratelimit(key="ip", rate=lambda group, request: _rate(), method="POST", block=True)
def need_place(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None)
    counts = MemberCountsForm(request.POST or None)
    extras = IntakeExtrasForm(request.POST or None)
    if request.method == "POST":
        if extras.is_spam():
            return redirect("intake:thanks-household")
        if all([form.is_valid(), counts.is_valid(), extras.is_valid()]):
            try:
                people_services.household_register(
                    actor=None, data=form.household_data(), members=counts.members()
                )
            except ServiceError as exc:
                form.add_error(None, exc)
            else:
                return redirect("intake:thanks-household")
    return render(
        request, "intake/need_place.html", {"form": form, "counts": counts, "extras": extras}
    )


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
