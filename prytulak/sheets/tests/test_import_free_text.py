"""Households written as free text and dates as people write them, through the import: a
row is imported as it says, refused with the reason, or held for a person to look at with
the reason (naming the column, never repeating the cell). Nothing unsure is imported."""

import datetime

import pytest
from django.utils import timezone

from prytulak.orgs.scopes import actor_for
from prytulak.people.models import AgeBand, Household, Source
from prytulak.sheets import services

from .test_import import as_csv, check_and_import

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")

HEADER = ["ПІБ", "Телефон", "Склад сім'ї", "Де зараз", "Дата прибуття", "Позначка часу"]
UK_MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
PEOPLE_COLUMN = "Column “Who travels (e.g. “2 adults + cat”)”: "
A, C, BABY, S = AgeBand.ADULT, AgeBand.CHILD, AgeBand.INFANT, AgeBand.SENIOR


def sheet():
    today = timezone.localdate()
    ten_days_ago = today - datetime.timedelta(days=10)
    stamp = ten_days_ago.strftime("%d.%m.%Y 14:35:12")
    this_month = "з " + UK_MONTHS.split()[today.month - 1]
    plain = today.strftime("%d.%m.%Y")
    # people, arrival date, timestamp → outcome, members, pets, arrival
    return [
        ("Я з донькою", plain, "", "ok", [A, C], 0, today),
        ("батьки + 4 дітей", plain, "", "ok", [A, A, C, C, C, C], 0, today),
        ("бабуся з онуком", plain, "", "ok", [S, C], 0, today),
        ("мама, бабуся, дитина 2 роки, кіт і собака", plain, "", "ok", [A, S, BABY], 2, today),
        ("kobieta z dzieckiem i psem", plain, "", "ok", [A, C], 1, today),
        (
            "2 дорослих, 1 дитина 5 років",
            "завтра",
            stamp,
            "ok",
            [A, A, C],
            0,
            ten_days_ago + datetime.timedelta(days=1),
        ),
        ("Olena + син 10 р.", "сьогодні", "", "ok", [A, C], 0, today),
        ("3", plain, "", "review", PEOPLE_COLUMN + "some numbers do not say whom they count"),
        ("мама з дітьми", plain, "", "review", PEOPLE_COLUMN + "it is not clear how many"),
        ("мама + 2 дитини", this_month, "", "review", "Column “Arrival date”: not an exact day"),
        ("2 дітей", plain, "", "rejected", "Children without an adult"),
        (
            "мама + 2 дитини",
            "31.02.2026",
            "",
            "rejected",
            "Column “Arrival date”: there is no day 31 in that month",
        ),
    ]


@pytest.mark.django_db
def test_free_text_families_and_dates_are_imported_held_for_review_or_refused(
    org_a, caseworker_a, django_capture_on_commit_callbacks
):
    rows = sheet()
    cells = [
        [f"Олена {i}", f"+380 67 {1000000 + i}", r[0], "Przemyśl", r[1], r[2]]
        for i, r in enumerate(rows)
    ]
    actor = actor_for(caseworker_a)
    job = services.import_upload(
        actor=actor, kind="households", name="сім'ї.csv", data=as_csv(HEADER, cells)
    )
    assert job.mapping["submitted_at"] == 5 and job.mapping["people"] == 2
    checked, job = check_and_import(actor, job, django_capture_on_commit_callbacks)
    assert checked["ok"] == 7 and checked["review"] == 3 and checked["rejected"] == 2, job.results
    assert job.counts["imported"] == 7 and job.counts["review"] == 3
    for expected, result in zip(rows, job.results, strict=True):
        # Why a row needs a look is in its review reasons (the review step's list).
        text = " ".join(result["messages"] + result["review"])
        assert expected[0] not in text and (not expected[1] or expected[1] not in text)
        if expected[3] != "ok":
            assert result["outcome"] == expected[3], (expected, result)
            assert expected[4] in text, (expected, result)
            assert result["id"] is None
            continue
        assert result["outcome"] == "imported", (expected, result)
        household = Household.objects.get(pk=result["id"])
        members = sorted(m.age_band for m in household.members.all())
        assert members == sorted(expected[4]), expected
        assert household.pets == expected[5], expected
        assert household.arrival_date == expected[6], expected
    # Only the rows read for sure were stored.
    assert Household.objects.filter(source=Source.IMPORT, organization=org_a).count() == 7


@pytest.mark.django_db
def test_host_offers_available_asap_from_monday_or_from_a_day_without_a_year(
    org_a, caseworker_a, django_capture_on_commit_callbacks
):
    from prytulak.housing.models import HostOffer

    today = timezone.localdate()
    three_days_ago = today - datetime.timedelta(days=3)
    monday = today + datetime.timedelta(days=(7 - today.weekday()) % 7)
    march_10 = datetime.date(today.year, 3, 10)
    if march_10 < today - datetime.timedelta(days=30):
        march_10 = march_10.replace(year=today.year + 1)
    header = ["Імʼя господаря", "E-mail", "Місто", "Місць", "Від", "До", "Timestamp"]
    # available from, until, timestamp → outcome, available_from
    rows = [
        ("ASAP", "", "", "imported", today),
        ("od zaraz", "", "", "imported", today),
        ("sofort", "", "", "imported", today),
        ("від 10 березня", "", "", "imported", march_10),
        ("March 10", "", "", "imported", march_10),
        ("завтра", "", three_days_ago.isoformat(), "imported", today - datetime.timedelta(days=2)),
        ("з понеділка", "", "", "review" if monday == today else "imported", monday),
        ("ASAP", "31.02", "", "rejected", None),
    ]
    cells = [
        [f"Host {i}", f"host{i}@example.org", "Kraków", "2", r[0], r[1], r[2]]
        for i, r in enumerate(rows)
    ]
    actor = actor_for(caseworker_a)
    job = services.import_upload(
        actor=actor, kind="offers", name="hosts.csv", data=as_csv(header, cells)
    )
    assert job.mapping["submitted_at"] == 6
    _checked, job = check_and_import(actor, job, django_capture_on_commit_callbacks)
    for expected, result in zip(rows, job.results, strict=True):
        assert result["outcome"] == expected[3], (expected, result)
        if expected[3] == "imported":
            offer = HostOffer.objects.get(pk=result["id"])
            assert offer.available_from == expected[4], expected
    refused = job.results[-1]["messages"]
    assert "Column “Available until”: there is no day 31 in that month" in refused
