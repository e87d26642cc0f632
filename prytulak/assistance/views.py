from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.audit.log import log_access
from prytulak.core.csv_export import csv_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.forms import valid_filters
from prytulak.core.views import form_action
from prytulak.orgs.capabilities import WORKS_CASES
from prytulak.orgs.models import Membership
from prytulak.orgs.scopes import Actor
from prytulak.people.models import Household
from prytulak.people.selectors import household_contact, household_get

from . import selectors, services
from .forms import (
    AssignForm,
    CaseForm,
    DecideReferralForm,
    MoveForm,
    ProviderFilterForm,
    ReferralForm,
)
from .models import Case, CaseStatus, Referral


def _case(actor: Actor, pk: int) -> Case:
    case = selectors.case_scope(actor).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@staff_view("case.list")
def dashboard(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    context = selectors.dashboard(actor=actor)
    context["decide_form"] = DecideReferralForm()
    return render(request, "assistance/dashboard.html", context)


@staff_view("case.list")
def dashboard_csv(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    """Counts of cases by type and status, for reporting: no personal data."""
    data = selectors.dashboard(actor=actor)
    header = ["type", *[str(s) for s in CaseStatus.values]]
    rows = [[str(label), *counts] for label, counts in data["table"]]
    return csv_response("cases-by-type-and-status.csv", header, rows)


@staff_view("household.open_case")
def case_new(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    try:
        found = household_get(actor=actor, pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    actor.require("household.open_case", found)
    # The form lists the members by name: read through the selector that logs it.
    household = household_contact(actor=actor, household=found, reason=_("New case"))
    if household is None:
        raise NotAllowed
    form = CaseForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=actor, household=household, **form.case_data())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case opened."))
            return redirect("case-detail", pk=case.pk)
    return render(request, "assistance/case_form.html", {"form": form, "household": household})


@staff_view("case.view")
def case_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    case = _case(actor, pk)
    log_access(
        actor=actor,
        obj=case,
        action="case.viewed",
        fields=["notes", "household"],
        reason=_("Case page"),
    )
    members = Membership.objects.filter(
        organization=actor.organization, role__in=list(WORKS_CASES)
    ).select_related("user")
    context = {
        "case": case,
        "may": actor.may_on(case),
        "events": case.events.select_related("by"),
        "referrals": case.referrals.select_related("to_organization", "from_organization"),
        "move_form": MoveForm(initial={"status": case.status}),
        "assign_form": AssignForm(members=members),
        "referral_form": ReferralForm(),
    }
    return render(request, "assistance/case_detail.html", context)


def _back(pk: int) -> str:
    return reverse("case-detail", args=[pk])


@require_POST
@staff_view("case.work")
def case_move(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    case = _case(actor, pk)
    return form_action(
        request,
        MoveForm(request.POST),
        lambda data: services.case_move(actor=actor, case=case, **data),
        invalid=_("Choose a status from the list."),
        done=_("Saved."),
        back=_back(pk),
    )


@require_POST
@staff_view("case.assign")
def case_assign(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    case = _case(actor, pk)
    members = Membership.objects.filter(organization=actor.organization).select_related("user")
    form = AssignForm(request.POST, members=members)
    return form_action(
        request,
        form,
        lambda data: services.case_assign(
            actor=actor, case=case, user=members.get(user_id=data["user"]).user
        ),
        invalid=_("Choose someone from the list."),
        done=_("Saved."),
        back=_back(pk),
    )


@require_POST
@staff_view("case.work")
def case_checklist(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    case = _case(actor, pk)
    done = [int(v) for v in request.POST.getlist("done") if v.isdigit()]
    services.case_checklist(actor=actor, case=case, done=done)
    return redirect(_back(pk))


@require_POST
@staff_view("case.work")
def case_refer(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    case = _case(actor, pk)
    return form_action(
        request,
        ReferralForm(request.POST),
        lambda data: services.referral_send(actor=actor, case=case, **data),
        invalid=_("Choose an organisation from the list."),
        done=_("Referral sent."),
        back=_back(pk),
    )


@require_POST
@staff_view("referral.decide")
def referral_decide(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    referral = Referral.objects.filter(pk=pk).first()
    if referral is None or not actor.can("referral.decide", referral):
        raise Http404
    return form_action(
        request,
        DecideReferralForm(request.POST),
        lambda data: services.referral_decide(actor=actor, referral=referral, **data),
        invalid=_("Choose to accept or decline."),
        done=_("Saved."),
        back=reverse("cases"),
    )


@staff_view("provider.list")
def provider_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = ProviderFilterForm(request.GET or None)
    f = valid_filters(form)
    providers = selectors.providers(
        q=f.get("q", ""), kind=f.get("kind", ""), country=f.get("country", "")
    )[:200]
    return render(request, "assistance/providers.html", {"form": form, "providers": providers})
