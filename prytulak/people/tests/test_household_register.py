"""household_register is the one place a household is registered, with the one duplicate
policy (same phone, e-mail or messenger handle): staff forms, the API and imports all ask it."""

import pytest
from django.utils import timezone

from prytulak.conftest import make_household
from prytulak.core.privacy import messenger_index
from prytulak.orgs.scopes import actor_for
from prytulak.people import services
from prytulak.people.models import AgeBand, Household
from prytulak.sheets import services as sheet_services
from prytulak.sheets.tests.messy import as_csv

ADULT = [{"age_band": AgeBand.ADULT}]


def _data(**extra):
    return {
        "lead_name": "Iryna",
        "languages": ["uk"],
        "arrival_place": "Przemyśl",
        "arrival_date": timezone.localdate(),
        **extra,
    }


@pytest.mark.django_db
def test_a_household_reached_only_by_telegram_is_registered_and_found_again_by_its_handle(
    caseworker_a,
):
    actor = actor_for(caseworker_a)
    first = services.household_register(
        actor=actor, data=_data(messenger="telegram @iryna_k"), members=ADULT
    )
    assert first.phone is None or first.phone == ""
    assert first.messenger_index == messenger_index("@iryna_k")
    with pytest.raises(services.DuplicateHousehold) as refused:
        services.household_register(
            actor=actor, data=_data(messenger="telegram @Iryna_K"), members=ADULT
        )
    assert refused.value.duplicates == [first] and refused.value.hidden == 0
    services.household_register(
        actor=actor, data=_data(messenger="telegram @iryna_k"), members=ADULT, register_anyway=True
    )
    assert Household.objects.count() == 2


@pytest.mark.django_db
def test_a_household_without_any_contact_is_refused(caseworker_a):
    with pytest.raises(services.ServiceError):
        services.household_register(actor=actor_for(caseworker_a), data=_data(), members=ADULT)
    assert not Household.objects.exists()


@pytest.mark.django_db
def test_an_import_counts_another_organisations_duplicate_without_naming_it(org_b, caseworker_a):
    theirs = make_household(org_b, phone="+380671112233")
    header = ["Ім'я / Name", "Контакт / Contact", "Склад / Who?", "Де зараз? / Where now?", "Дата"]
    today = timezone.localdate().isoformat()
    rows = [["Olena", "067 111 22 33", "2 adults", "Przemyśl", today]]
    actor = actor_for(caseworker_a)
    job = sheet_services.import_upload(
        actor=actor, kind="households", name="s.csv", data=as_csv(header, rows)
    )
    sheet_services.import_map(actor=actor, job=job, mapping=job.mapping)
    job = sheet_services.import_process(job.pk, False)
    (row,) = job.results
    assert row["outcome"] == "duplicate"
    assert "1 with another organisation" in row["messages"][0]
    assert f"#{theirs.pk}" not in str(job.results)
