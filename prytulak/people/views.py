from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.core.forms import valid_filters, yes_no
from prytulak.core.views import render_list
from prytulak.orgs.scopes import Actor, Scope

from . import selectors, services
from .forms import HouseholdFilterForm, HouseholdForm, PersonFormSet, members_from_formset
from .models import Household, Person


def _sees_households(actor: Actor) -> bool:
    return actor.household_scope != Scope.NONE


def _get_household(actor: Actor, pk: int) -> Household:
    try:
        return selectors.household_get(actor=actor, pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


@staff_view(_sees_households)
def household_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None)
    f = valid_filters(form)
    households = selectors.household_list(
        actor=actor,
        q=f.get("q", ""),
        status=f.get("status", ""),
        country=f.get("country", ""),
        min_size=f.get("min_size"),
        with_children=yes_no(f.get("children")),
        with_pets=yes_no(f.get("pets")),
    )
    return render_list(
        request, "people/household_list.html", {"form": form, "object_list": households}
    )


@staff_view(_sees_households)
def household_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk)
    context = {
        "household": household,
        "sees_contact": actor.sees_personal_data,
        "placements": household.placements.select_related("offer").all(),
    }
    return render(request, "people/household_detail.html", context)


def _household_form(
    request: HttpRequest, actor: Actor, household: Household | None
) -> HttpResponse:
    form = HouseholdForm(request.POST or None, instance=household)
    members = Person.objects.filter(household=household) if household else Person.objects.none()
    formset = PersonFormSet(request.POST or None, queryset=members, prefix="members")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if household is None:
                household = services.household_register(
                    actor=actor, data=form.household_data(), members=members_from_formset(formset)
                )
            else:
                services.household_update(
                    household=household,
                    actor=actor,
                    data=form.household_data(),
                    members=members_from_formset(formset),
                )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Household saved."))
            return redirect(household)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "formset": formset, "household": household},
    )


@staff_view(lambda a: a.edits_housing)
def household_create(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    return _household_form(request, actor, None)


@staff_view(lambda a: a.edits_housing)
def household_edit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    return _household_form(request, actor, _get_household(actor, pk))


@require_POST
@staff_view(lambda a: a.verifies_offers)
def household_claim(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk)
    try:
        services.household_claim(household=household, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The household is now in your organisation."))
    return redirect(household)
