"""Assistance cases: lifecycle, referrals with consent, children's cases, dashboard."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from prytulak.assistance import selectors, services
from prytulak.assistance.models import Case, CaseStatus, ReferralStatus
from prytulak.audit.models import AccessLog
from prytulak.conftest import make_household, make_member
from prytulak.core.errors import ServiceError
from prytulak.orgs.models import Role
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Person

S = CaseStatus


@pytest.fixture
def a(caseworker_a):
    return actor_for(caseworker_a)


@pytest.fixture
def officer_a(org_a):
    return make_member(org_a, Role.CHILD_PROTECTION, "olha_child_protection")


def test_a_case_goes_from_new_to_closed_with_its_history(a, coordinator_a, caseworker_a, org_a):
    household = make_household(org_a)
    case = services.case_open(
        actor=a, household=household, type="legal_status",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        checklist=["Passport", "Proof of address", " "],
    )  # fmt: skip
    assert [e["item"] for e in case.checklist] == ["Passport", "Proof of address"]
    services.case_move(actor=a, case=case, status=S.TRIAGED)
    with pytest.raises(ServiceError, match="Assign the case to someone first"):
        services.case_move(actor=a, case=case, status=S.ASSIGNED)
    services.case_assign(actor=actor_for(coordinator_a), case=case, user=caseworker_a)
    services.case_move(actor=a, case=case, status=S.IN_PROGRESS)
    with pytest.raises(ServiceError, match="cannot move from “In progress” to “New”"):
        services.case_move(actor=a, case=case, status=S.NEW)
    services.case_checklist(actor=a, case=case, done=[0])
    services.case_move(actor=a, case=case, status=S.RESOLVED, note="status granted")
    services.case_move(actor=a, case=case, status=S.CLOSED)
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.checklist[0]["done"]
    assert len(case.events.all()) == 6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "astrology"}, "Choose a kind of case"),
        ({"due_on": datetime.date(2020, 1, 1)}, "cannot be due in the past"),
    ],
)
def test_bad_cases_are_refused_with_the_reason(a, org_a, kwargs, message):
    with pytest.raises(ServiceError, match=message):
        services.case_open(
            actor=a, household=make_household(org_a), **{"type": "medical", **kwargs}
        )
    assert not Case.objects.exists()


def test_a_referral_needs_consent_and_another_organisation(a, coordinator_a, org_a, org_b):
    case = services.case_open(actor=a, household=make_household(org_a), type="psychological")
    with pytest.raises(ServiceError, match="without consent, do not refer"):
        services.referral_send(actor=a, case=case, to_organization=org_b, consent="  ")
    with pytest.raises(ServiceError, match="cannot be referred to your own organisation"):
        services.referral_send(actor=a, case=case, to_organization=org_a, consent="agreed")
    assert not case.referrals.exists()


def test_a_referral_is_accepted_or_declined_by_the_receiving_organisation(
    a, coordinator_a, coordinator_b, caseworker_b, org_a, org_b
):
    case = services.case_open(actor=a, household=make_household(org_a), type="school")
    referral = services.referral_send(
        actor=a,
        case=case,
        to_organization=org_b,
        consent="Mother agreed on the phone, in Ukrainian",
    )
    assert not selectors.case_scope(actor_for(caseworker_b)).exists()  # not theirs yet
    with pytest.raises(PermissionDenied):
        services.referral_decide(actor=actor_for(coordinator_a), referral=referral, accept=True)
    with pytest.raises(ServiceError, match="Give a reason"):
        services.referral_decide(actor=actor_for(coordinator_b), referral=referral, accept=False)
    services.referral_decide(actor=actor_for(coordinator_b), referral=referral, accept=True)
    case.refresh_from_db()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.decided_by == coordinator_b
    assert (case.organization, case.status) == (org_b, S.TRIAGED)
    assert list(selectors.case_scope(actor_for(caseworker_b))) == [case]
    assert not selectors.case_scope(a).exists()
    assert "Referral accepted by" in case.events.last().what
    with pytest.raises(ServiceError, match="already been answered"):
        services.referral_decide(
            actor=actor_for(coordinator_b), referral=referral, accept=False, reason="x"
        )


def test_a_childs_case_is_seen_by_the_assignee_coordinators_and_child_protection_only(
    a, caseworker_a, coordinator_a, officer_a, viewer_a, org_a
):
    other = actor_for(make_member(org_a, Role.CASEWORKER, "second_caseworker"))
    household = make_household(org_a, people=2)  # an adult and a child of 5–13
    child = household.members.get(age_band="5-13")
    case = services.case_open(actor=a, household=household, person=child, type="school")
    adult_case = services.case_open(actor=a, household=household, type="employment")
    assert case.child and not adult_case.child
    assert list(selectors.case_scope(other)) == [adult_case]
    for user in (coordinator_a, officer_a):
        assert set(selectors.case_scope(actor_for(user))) == {case, adult_case}
    assert not selectors.case_scope(actor_for(viewer_a)).exists()
    services.case_assign(actor=actor_for(coordinator_a), case=case, user=other.user)
    assert case in selectors.case_scope(other)


def test_an_unaccompanied_minor_is_flagged_and_routed_to_child_protection(a, officer_a, org_a):
    household = make_household(org_a, people=0)
    Person.objects.create(household=household, age_band="14-17")
    Person.objects.create(household=household, age_band="5-13")
    case = services.case_open(actor=a, household=household, type="documents")
    assert case.unaccompanied_minor and case.child
    assert (case.assignee, case.status) == (officer_a, S.ASSIGNED)
    assert "routed to child protection" in case.events.last().what
    assert case not in selectors.case_scope(a)  # the caseworker who opened it no longer sees it


def test_the_dashboard_counts_and_its_csv(client, a, caseworker_a, org_a):
    household = make_household(org_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    first = services.case_open(actor=a, household=household, type="medical")
    services.case_open(actor=a, household=household, type="medical")
    services.case_open(actor=a, household=household, type="legal_status")
    Case.objects.filter(pk=first.pk).update(due_on=yesterday, assignee=caseworker_a)
    data = selectors.dashboard(actor=a)
    assert list(data["overdue"]) == [Case.objects.get(pk=first.pk)]
    assert list(data["mine"]) == [Case.objects.get(pk=first.pk)]
    table = dict(data["table"])
    assert table["Medical"][0] == 2 and table["Legal status / temporary protection"][0] == 1
    client.force_login(caseworker_a)
    response = client.get(reverse("cases-csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["type", "new", "triaged", "assigned", "in_progress", "resolved", "closed"]
    assert ["Medical", "2", "0", "0", "0", "0", "0"] in rows
    assert household.lead_name not in response.content.decode()


def test_the_case_form_keeps_what_was_typed_and_logs_each_view(client, caseworker_a, org_a):
    household = make_household(org_a)
    client.force_login(caseworker_a)
    url = reverse("case-new", args=[household.pk])
    bad = client.post(url, {"type": "medical", "due_on": "2020-01-01", "notes": "needs insulin"})
    assert bad.status_code == 200 and "cannot be due in the past" in bad.text
    assert "needs insulin" in bad.text
    unknown = client.post(url, {"type": "astrology"})
    assert "Choose a kind of case from the list." in unknown.text
    ok = client.post(url, {"type": "medical", "notes": "needs insulin"})
    case = Case.objects.get()
    assert ok.status_code == 302
    assert "needs insulin" in client.get(reverse("case-detail", args=[case.pk])).text
    assert AccessLog.objects.filter(action="case.viewed", user=caseworker_a).count() == 1
    same_org = client.post(
        reverse("case-refer", args=[case.pk]),
        {"to_organization": org_a.pk, "consent": "yes"},
        follow=True,
    )
    assert "cannot be referred to your own organisation" in same_org.text
