"""What a cell held never lies in plain text in the import's stored results, its rows report
or its page: the messages name the column and the problem, in the importer's language."""

import json

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from prytulak.sheets.models import ImportJob

from .test_import import as_csv, work

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")

HEADER = ["ПІБ", "Телефон", "Email", "Склад сім'ї", "Де зараз", "Дата прибуття"]
# Each bad cell holds something recognisable about a person.
BAD_PHONE = "дзвонити Івану Петренку ввечері"
BAD_EMAIL = "ivan.petrenko(at)ukr.net"
BAD_DATE = "після Великодня, питати Петренка"
MARKERS = ["Петренк", "petrenko", "ukr.net", "Івану", "Великодня"]


def _rows():
    today = timezone.localdate().strftime("%d.%m.%Y")
    return [
        ["Олена Коваленко", "+380 67 111 2233", "", "2 adults", "Przemyśl", today],
        ["Ivan P", BAD_PHONE, "", "2 adults", "Przemyśl", today],
        ["Ivan P", "+380 67 111 2244", BAD_EMAIL, "2 adults", "Przemyśl", today],
        ["Ivan P", "+380 67 111 2255", "", "2 adults", "Przemyśl", BAD_DATE],
    ]


def _stored_import_rows():
    """Every row of every table of the import models, as the database holds it."""
    dump = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("sheets").get_models():
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            dump.extend(_readable(cell) for row in cursor.fetchall() for cell in row)
    return "\n".join(dump)


def _readable(cell):
    """JSON columns keep non-ASCII text as \\u escapes: undo them, or Cyrillic would hide."""
    if isinstance(cell, str):
        try:
            return json.dumps(json.loads(cell), ensure_ascii=False)
        except ValueError:
            return cell
    return json.dumps(cell, ensure_ascii=False, default=str)


def _assert_no_markers(text):
    for marker in MARKERS:
        assert marker.casefold() not in text.casefold(), marker


@pytest.mark.django_db
def test_rejected_cells_appear_nowhere_in_the_stored_import_nor_its_report(
    client, caseworker_a, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    upload = as_csv(HEADER, _rows())
    from io import BytesIO

    file = BytesIO(upload)
    file.name = "sheet.csv"
    client.post("/uk/staff/import/", {"kind": "households", "file": file})
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/uk/staff/import/{job.pk}/", {k: str(v) for k, v in job.mapping.items()})
    work()
    job.refresh_from_db()
    assert job.counts["ok"] == 1 and job.counts["rejected"] == 3, job.results
    # Checked, not yet imported: the upload itself is kept, encrypted.
    _assert_no_markers(_stored_import_rows())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/uk/staff/import/{job.pk}/start/")
    work()
    job.refresh_from_db()
    assert job.status == "done" and job.counts["imported"] == 1
    _assert_no_markers(_stored_import_rows())

    report = client.get(f"/uk/staff/import/{job.pk}/rows.csv").content.decode()
    page = client.get(f"/uk/staff/import/{job.pk}/").content.decode()
    for shown in (report, page):
        _assert_no_markers(shown)
        # …while each message says which column and what is wrong, in Ukrainian.
        assert "Колонка «Телефон»: не номер телефону, який ми можемо прочитати" in shown
        assert "Колонка «Дата прибуття»: не дата, яку ми можемо прочитати" in shown
        assert "Колонка «Електронна пошта»: Введіть коректну" in shown


@pytest.mark.django_db
def test_a_failed_import_keeps_only_the_kind_of_failure(caseworker_a, monkeypatch):
    from prytulak.orgs.scopes import actor_for
    from prytulak.sheets import services

    job = services.import_upload(
        actor=actor_for(caseworker_a), kind="households", name="s.csv", data=as_csv(HEADER, _rows())
    )

    def boom(*args, **kwargs):
        raise RuntimeError(f"duplicate key value ({BAD_EMAIL})")

    monkeypatch.setattr(services, "_process", boom)
    with pytest.raises(RuntimeError):
        services.import_process(job.pk, False)
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "RuntimeError"
    _assert_no_markers(_stored_import_rows())
