"""The review step: rows needing a look are shown with the file's text next to what was
understood, corrected inline or accepted, checked again, and only then imported."""

import io

import pytest
from django.utils import timezone

from prytulak.audit.models import AccessLog
from prytulak.people.models import Household
from prytulak.sheets.models import ImportJob

from .messy import as_csv
from .test_import import work

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")

HEADER = ["Ім'я / Name", "Контакт / Contact", "Склад / Who?", "Де зараз? / Where now?", "Дата"]


def _rows():
    today = timezone.localdate().strftime("%d.%m.%Y")
    return [
        ["Olena", "067 123 45 67", "2 adults", "Przemyśl", today],  # row 2: good
        ["Iryna", "123 45 67", "мама + 2 дитини", "Przemyśl", today],  # 3: phone to check
        ["Oksana", "067 123 45 69", "2 adults", "Qwertyvile", today],  # 4: unknown town
        ["Halyna", "067 111 45 67, зранку", "2 adults", "Medyka", today],  # 5: half a contact
    ]


@pytest.mark.django_db
def test_rows_needing_a_look_are_corrected_or_accepted_inline_then_imported(
    client, caseworker_a, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    upload = io.BytesIO(as_csv(HEADER, _rows()))
    upload.name = "s.csv"
    client.post("/uk/staff/import/", {"kind": "households", "file": upload})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), {k: str(v) for k, v in job.mapping.items()})
    work()
    job.refresh_from_db()
    assert [(r["row"], r["outcome"]) for r in job.results] == [
        (2, "ok"), (3, "review"), (4, "rejected"), (5, "review")
    ]  # fmt: skip
    assert job.counts["review"] == 2
    # What is stored names the column and the problem only.
    stored = str(job.results)
    assert "123 45 67" not in stored and "Qwertyvile" not in stored and "зранку" not in stored
    assert "Колонка «Контакт»" in job.results[1]["review"][0]

    page = client.get(job.get_absolute_url()).content.decode()
    # The file's text next to what was understood, in the importer's language.
    assert 'name="r3-contact" value="123 45 67"' in page
    assert "Потребує перевірки" in page and "Зрозуміло як" in page
    assert "1 дорослі, 2 діти" in page  # “мама + 2 дитини” understood
    assert 'name="r4-arrival_place" value="Qwertyvile"' in page
    assert AccessLog.objects.filter(action="import.rows_viewed").count() == 1

    # Row 3 accepted as understood, row 4's town corrected, row 5 left alone.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/uk/staff/import/{job.pk}/review/",
            {"r3-accept": "1", "r4-arrival_place": "Przemyśl", "r3-contact": "123 45 67"},
        )
    work()
    job.refresh_from_db()
    assert [(r["row"], r["outcome"]) for r in job.results] == [
        (2, "ok"), (3, "ok"), (4, "ok"), (5, "review")
    ]  # fmt: skip
    assert job.results[1]["accepted"] is True
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/uk/staff/import/{job.pk}/start/")
    work()
    job.refresh_from_db()
    assert job.counts["imported"] == 3 and job.counts["review"] == 1
    phones = sorted(h.phone for h in Household.objects.all())
    # The accepted number is kept as written, never turned into another country's number.
    assert phones == ["+380671234567", "+380671234569", "123 45 67"]
    report = client.get(f"/uk/staff/import/{job.pk}/rows.csv").content.decode()
    assert "Імпортовано" in report and "Потребує перевірки" in report
    assert "зранку" not in report and "123 45 67" not in report


UK_MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"


@pytest.mark.django_db
def test_families_and_dates_read_with_doubt_are_fixed_or_accepted_on_the_same_review_step(
    client, caseworker_a, django_capture_on_commit_callbacks
):
    """The people and dates readers' doubts go to the one review step: the column and the
    reason (never the text) are stored, the text can be corrected inline or the reading
    accepted; a family read with no adult in it must be corrected, a tick is not enough."""
    today = timezone.localdate()
    this_month = "з " + UK_MONTHS.split()[today.month - 1]
    plain = today.strftime("%d.%m.%Y")
    rows = [
        ["Marta", "067 123 45 71", "мама з дітьми", "Przemyśl", plain],  # 2: how many?
        ["Olha", "067 123 45 72", "мама + 2 дитини", "Przemyśl", this_month],  # 3: which day?
        ["Nina", "067 123 45 73", "3", "Przemyśl", plain],  # 4: whom do the numbers count?
    ]
    client.force_login(caseworker_a)
    upload = io.BytesIO(as_csv(HEADER, rows))
    upload.name = "s.csv"
    client.post("/uk/staff/import/", {"kind": "households", "file": upload})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), {k: str(v) for k, v in job.mapping.items()})
    work()
    job.refresh_from_db()
    assert [(r["row"], r["outcome"]) for r in job.results] == [
        (2, "review"), (3, "review"), (4, "review")
    ]  # fmt: skip
    assert job.counts["review"] == 3 and job.counts["ok"] == 0
    people = "Колонка «Хто їде (напр. «2 дорослих + кіт»)»: "
    assert job.results[0]["review"] == [people + "не зрозуміло, скільки людей або тварин"]
    assert job.results[1]["review"] == ["Колонка «Дата прибуття»: не точний день; перевірте дату"]
    assert job.results[2]["review"] == [people + "деякі числа не кажуть, кого вони рахують"]
    stored = str(job.results)
    assert "мама з дітьми" not in stored and this_month not in stored

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'name="r2-people" value="мама з дітьми"' in page
    assert f'name="r3-arrival_date" value="{this_month}"' in page
    assert "1 дорослі, 2 діти" in page  # row 3's family, understood
    assert 'name="r3-accept"' in page and 'name="r4-accept"' not in page  # row 4: fix it

    # Row 2's family corrected inline; rows 3 and 4 accepted as understood.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/uk/staff/import/{job.pk}/review/",
            {"r2-people": "мама + 2 дитини", "r3-accept": "1", "r4-accept": "1"},
        )
    work()
    job.refresh_from_db()
    assert [(r["row"], r["outcome"], r["accepted"]) for r in job.results] == [
        (2, "ok", False), (3, "ok", True), (4, "review", False)
    ]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/uk/staff/import/{job.pk}/start/")
    work()
    job.refresh_from_db()
    assert job.counts["imported"] == 2 and job.counts["review"] == 1
    for household in Household.objects.all():
        assert household.members.count() == 3
        assert household.arrival_date is not None
    assert Household.objects.count() == 2
