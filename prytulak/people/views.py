from django.contrib import messages
from django.forms import CheckboxInput
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.assistance.services import unaccompanied
from prytulak.audit import services as audit_services
from prytulak.core.csv_export import table_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.forms import valid_filters, yes_no
from prytulak.core.views import form_action, render_list
from prytulak.journeys.selectors import journeys_of, trip_suggestions
from prytulak.orgs.scopes import Actor
from prytulak.selfservice.models import AccessLink

from . import selectors, services
from .forms import (
    EraseForm,
    HouseholdFilterForm,
    HouseholdForm,
    MergeForm,
    PersonFormSet,
    SharingForm,
    members_from_formset,
)
from .models import ENCRYPTED_HOUSEHOLD_FIELDS, Household, Person


def _get_household(actor: Actor, pk: int, action: str = "household.view") -> Household:
    """The household in the actor's scope (404 otherwise), and 403 unless they may do
    `action` on it."""
    try:
        household = selectors.household_get(actor=actor, pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    actor.require(action, household)
    return household


@staff_view("household.list")
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
    if request.GET.get("export") in ("csv", "xlsx"):
        # Needs and sizes for planning; names and contacts stay in the system.
        header = [_("Household"), _("Status"), _("People"), _("Children"), _("Pets"),
                  _("Arrival place"), _("Arrival date"), _("Languages"), _("Priority")]  # fmt: skip
        rows = (
            [
                h.pk,
                h.get_status_display(),
                h.member_count,  # type: ignore[attr-defined]
                h.child_count,  # type: ignore[attr-defined]
                h.pets,
                h.arrival_place,
                h.arrival_date,
                ", ".join(h.languages),
                h.priority,
            ]  # fmt: skip
            for h in households.defer(*ENCRYPTED_HOUSEHOLD_FIELDS)[:20000]
        )
        return table_response(request.GET["export"], "households", header, rows)
    return render_list(
        request, "people/household_list.html", {"form": form, "object_list": households}
    )


@staff_view("household.view")
def household_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk)
    contact = selectors.household_contact(
        actor=actor, household=household, reason=_("Household page")
    )
    own = household.organization_id == actor.organization.pk
    duplicates, hidden = (
        selectors.duplicates_for(
            actor=actor,
            phone=contact.phone,
            email=contact.email,
            messenger=contact.messenger,
            exclude_pk=household.pk,
        )
        if contact
        else ([], 0)
    )
    context = {
        "household": household,
        "children_alone": unaccompanied(household),
        "contact": contact,
        "shows_name": actor.can("household.name", household),
        "own": own,
        "may": actor.may_on(household),
        "placements": household.placements.select_related("offer").all(),
        "duplicates": duplicates,
        "hidden_duplicates": selectors.hidden_duplicates_text(hidden) if hidden else "",
        "consents": household.consents.select_related("recorded_by")[:20] if own else [],
        "sharing_form": SharingForm(initial={"level": household.share_level}),
        "journeys": journeys_of(household)[:5] if own else [],
        "trip_suggestions": trip_suggestions(household=household)
        if actor.can("household.request_seats", household)
        else [],
        "erase_form": EraseForm(),
    }
    if actor.can("link.send", household):
        context.update(
            own_links=AccessLink.objects.filter(household=household)[:20],
            send_url=reverse("household-send-link", args=[household.pk]),
            can_revoke=actor.can("link.revoke"),
            now=timezone.now(),
        )
    return render(request, "people/household_detail.html", context)


@require_POST
@staff_view("household.share")
def household_sharing(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk, "household.share")
    return form_action(
        request,
        SharingForm(request.POST),
        lambda data: services.household_set_sharing(household=household, actor=actor, **data),
        invalid=_("Choose what the household agreed to and say how."),
        done=_("Consent recorded."),
        back=household,
    )


@staff_view("household.export")
def household_export(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Everything stored about the household, as a JSON file (a data-access request)."""
    household = _get_household(actor, pk, "household.export")
    data = audit_services.household_export(actor=actor, household=household)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="household-{household.pk}.json"'
    return response


@require_POST
@staff_view("household.erase")
def household_erase(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk, "household.erase")
    return form_action(
        request,
        EraseForm(request.POST),
        lambda data: audit_services.household_erase(
            actor=actor, household=household, reason=data["reason"]
        ),
        invalid=_("Give a reason and tick the box to confirm."),
        done=_("Personal data erased."),
        back=household,
    )


def _household_form(
    request: HttpRequest, actor: Actor, household: Household | None
) -> HttpResponse:
    if household is not None:
        # The edit form shows names, contacts and notes: read them through the selector that
        # logs the access (the edit right implies the right to read them).
        household = selectors.household_contact(
            actor=actor, household=household, reason=_("Household edit page")
        )
        if household is None:
            raise NotAllowed
    form = HouseholdForm(request.POST or None, instance=household)
    members = Person.objects.filter(household=household) if household else Person.objects.none()
    formset = PersonFormSet(request.POST or None, queryset=members, prefix="members")
    if household is not None and request.method == "POST" and form.is_valid():
        # New households are checked by the service; an edit may take another's contact.
        duplicates, hidden = selectors.duplicates_for(
            actor=actor,
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            messenger=form.cleaned_data["messenger"],
            exclude_pk=household.pk,
        )
        if duplicates or hidden:
            form.fields["register_anyway"].widget = CheckboxInput()
        if (duplicates or hidden) and not form.cleaned_data.get("register_anyway"):
            form.add_error(None, _duplicate_message(duplicates, hidden))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            if household is None:
                household = services.household_register(
                    actor=actor,
                    data=form.household_data(),
                    members=members_from_formset(formset),
                    register_anyway=form.cleaned_data.get("register_anyway", False),
                )
            else:
                services.household_update(
                    household=household,
                    actor=actor,
                    data=form.household_data(),
                    members=members_from_formset(formset),
                )
        except services.DuplicateHousehold as exc:
            form.fields["register_anyway"].widget = CheckboxInput()
            form.add_error(None, _duplicate_message(exc.duplicates, exc.hidden))
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


def _duplicate_message(duplicates: list[Household], hidden: int) -> str:
    """Link the duplicates the actor may see (`duplicates_for` gives only those); only count
    those of other organisations, never naming or linking them."""
    parts = [
        format_html(
            '<a href="{}">#{}</a> ({})',
            d.get_absolute_url(),
            d.pk,
            d.organization or _("unassigned"),
        )
        for d in duplicates
    ]
    if hidden:
        parts.append(conditional_escape(selectors.hidden_duplicates_text(hidden)))
    text = conditional_escape(
        _(
            "The same phone or e-mail is already registered: %(list)s. Check with "
            "that organisation, or tick “save anyway” if it is a different household."
        )
    )
    return mark_safe(text % {"list": mark_safe(", ".join(parts))})  # noqa: S308 - escaped above


@staff_view("household.view")
def household_compare(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Two households side by side (a possible duplicate), with the merge buttons where the
    actor may edit both. The other one must be in the actor's scope too, or it is a 404."""
    household = _get_household(actor, pk)
    other_pk = request.GET.get("with", "")
    if not selectors.RECORD_NUMBER.fullmatch(other_pk) or int(other_pk) == household.pk:
        messages.error(request, _("Choose another household to compare with."))
        return redirect(household)
    other = _get_household(actor, int(other_pk))
    reason = _("Comparing households #%(a)d and #%(b)d") % {"a": household.pk, "b": other.pk}
    sides = []
    for h in (household, other):
        contact = selectors.household_contact(actor=actor, household=h, reason=reason)
        sides.append(
            {
                "household": h,
                "contact": contact,
                "shows_name": actor.can("household.name", h),
                "placements": h.placements.select_related("offer"),
                "cases": h.cases.count(),
            }
        )
    may_merge = actor.can("household.edit", household) and actor.can("household.edit", other)
    return render(
        request,
        "people/household_compare.html",
        {"sides": sides, "household": household, "other": other, "may_merge": may_merge},
    )


@require_POST
@staff_view("household.edit")
def household_merge(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Merge household `other` (from the form) into `pk`."""
    household = _get_household(actor, pk, "household.edit")
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose another household to merge."))
        return redirect(household)
    try:
        other = selectors.household_get(actor=actor, pk=form.cleaned_data["other"])
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.household_merge(keep=household, drop=other, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Household #%(drop)d merged into this one.") % {"drop": other.pk},
        )
    return redirect(household)


@staff_view("household.create")
def household_create(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    return _household_form(request, actor, None)


@staff_view("household.edit")
def household_edit(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    return _household_form(request, actor, _get_household(actor, pk, "household.edit"))


@require_POST
@staff_view("household.claim")
def household_claim(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    household = _get_household(actor, pk, "household.claim")
    try:
        services.household_claim(household=household, actor=actor)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The household is now in your organisation."))
    return redirect(household)
