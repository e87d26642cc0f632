"""Spreadsheet import on messy sheets as volunteer groups kept them in 2022: mixed scripts,
typos, blanks, local phone formats, “2 adults + cat”, and duplicates."""

import csv
import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from prytulak.conftest import make_household
from prytulak.housing.models import HostOffer, OfferStatus
from prytulak.orgs.scopes import actor_for
from prytulak.people.models import Household, Person, Source
from prytulak.sheets import services
from prytulak.sheets.models import ImportedRow, ImportJob, ImportStatus

pytestmark = pytest.mark.usefixtures("keep_test_connection_in_worker")

PLACES = [
    "Перемишль",
    "Przemyśl",
    "Przemysl",
    "Warszwa",
    "Варшава",
    "Kraków",
    "Krakow",
    "Краків",
    "Lwów",
    "Львів",
    "Berlinn",
    "Vilnius",
    "Вільнюс",
    "Wrocław",
    "Medyka",
]
PEOPLE = [
    "2 adults + cat",
    "мама + 2 дитини",
    "2 дорослих, 3 дітей, собака",
    "1+2",
    "3",
    "двое взрослых и ребёнок",
    "2 dorosłych + 1 dziecko + pies",
    "babcia, mama i 3 dzieci",
    "Mother with a dog",
    "1 дарослы + 1 дзіця",
]
LANGUAGES = ["українська", "укр, рус", "UA/PL", "uk", "російська, англійська", "", "беларуская"]
NAMES = [
    "Олена Коваленко",
    "Iryna Bondarenko",
    "Наталья Шевчук",
    "Тацяна Лукашэвіч",
    "Kateryna Melnyk",
    "Оксана Ткаченко",
]


def phone_formats(i):
    """The same Ukrainian mobile number written five ways."""
    digits = f"{1000000 + i:07d}"
    return [
        f"067 {digits[:3]} {digits[3:5]} {digits[5:]}",
        f"+380 67 {digits}",
        f"380-67-{digits}",
        f"(067) {digits}",
        f"0038067{digits}",
    ]


def when(i):
    day = timezone.localdate() - datetime.timedelta(days=i % 50)
    return [day.strftime("%d.%m.%Y"), day.isoformat(), day.strftime("%d/%m/%y")][i % 3]


BAD = [  # one defect each, and the message that must say so (naming the column, not the value)
    ({"place": "Qwertyville"}, "Column “Where they are now”: we could not find this place"),
    ({"phone": "12"}, "Column “Phone”: not a phone number"),
    ({"people": ""}, "Say how many people"),
    ({"people": "2 дітей"}, "Children without an adult"),
    ({"date": "вчора"}, "Column “Arrival date”: not a date"),
    ({"name": ""}, "Column “Name of the contact person”: This field is required"),
]


def messy_households(valid=400, bad=60, dup_in_file=40, dup_stored=20):
    rng = random.Random(2022)
    header = [
        "ПІБ",
        "Телефон",
        "Email",
        "Склад сім'ї",
        "Де зараз",
        "Дата прибуття",
        "Мови",
        "Потреби",
    ]
    rows, expected = [], []

    def row(i, number, **o):
        return [
            o.get("name", rng.choice(NAMES) + f" {i}"),
            o.get("phone", number),
            "",
            o.get("people", rng.choice(PEOPLE)),
            o.get("place", rng.choice(PLACES)),
            o.get("date", when(i)),
            rng.choice(LANGUAGES),
            rng.choice(["", "інсулін", "wheelchair", "=cmd|' /C calc'!A0"]),
        ]

    for i in range(valid):
        rows.append(row(i, phone_formats(i)[i % 5]))
        expected.append("ok")
    for j in range(bad):
        defect, _message = BAD[j % len(BAD)]
        rows.append(row(5000 + j, phone_formats(5000 + j)[j % 5], **defect))
        expected.append("rejected")
    for k in range(dup_in_file):  # an earlier row's phone, written differently
        rows.append(row(9000 + k, phone_formats(k)[(k + 2) % 5]))
        expected.append("duplicate")
    for m in range(dup_stored):  # already registered before the import
        rows.append(row(7000 + m, phone_formats(7000 + m)[m % 5]))
        expected.append("duplicate")
    # Shuffle the bad and repeated rows in, keeping each repeat after its original.
    order = list(range(valid + bad))
    rng.shuffle(order)
    order += list(range(valid + bad, len(rows)))
    return header, [rows[i] for i in order], [expected[i] for i in order]


def as_csv(header, rows):
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def work():
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def check_and_import(actor, job, capture, mapping=None):
    with capture(execute=True):
        services.import_map(actor=actor, job=job, mapping=mapping or job.mapping)
    work()
    job.refresh_from_db()
    checked = dict(job.counts)
    if checked["ok"]:
        with capture(execute=True):
            services.import_start(actor=actor, job=job)
        work()
        job.refresh_from_db()
    return checked, job


@pytest.mark.django_db
def test_a_messy_sheet_of_520_households_imports_once(
    org_a, caseworker_a, django_capture_on_commit_callbacks, capsys
):
    for m in range(20):
        make_household(org_a, phone=phone_formats(7000 + m)[1], email=f"s{m}@example.org")
    header, rows, expected = messy_households()
    assert len(rows) == 520
    actor = actor_for(caseworker_a)
    job = services.import_upload(
        actor=actor, kind="households", name="BY_help – семьи.csv", data=as_csv(header, rows)
    )
    # The Ukrainian headers were recognised.
    assert job.mapping == {
        "lead_name": 0,
        "phone": 1,
        "email": 2,
        "people": 3,
        "arrival_place": 4,
        "arrival_date": 5,
        "languages": 6,
        "needs": 7,
    }
    checked, job = check_and_import(actor, job, django_capture_on_commit_callbacks)
    outcomes = [r["outcome"] for r in job.results]
    with capsys.disabled():
        print(
            f"\n520-row household sheet: checked ok={checked['ok']} rejected={checked['rejected']}"
            f" duplicate={checked['duplicate']}; imported={job.counts['imported']}"
            f" rejected={job.counts['rejected']} duplicate={job.counts['duplicate']}"
        )
    assert checked == {"ok": 400, "imported": 0, "rejected": 60, "duplicate": 60, "already": 0}
    assert job.counts["imported"] == 400 and job.status == ImportStatus.DONE
    assert outcomes == ["imported" if e == "ok" else e for e in expected]
    # Each rejected row says why, in words a volunteer understands.
    rejected = [r for r in job.results if r["outcome"] == "rejected"]
    for _defect, message in BAD:
        assert any(message.lower() in " ".join(r["messages"]).lower() for r in rejected), message
    assert Household.objects.filter(source=Source.IMPORT, organization=org_a).count() == 400
    assert job.rows is None  # the uploaded personal data is not kept after the import
    # Messy values were understood.
    cat = Household.objects.filter(source=Source.IMPORT, pets=1).first()
    assert cat is not None
    typo = next(r for r in job.results if any("read as Warsaw" in m for m in r["messages"]))
    assert Household.objects.get(pk=typo["id"]).arrival_place == "Warsaw"
    first = Household.objects.get(pk=job.results[outcomes.index("imported")]["id"])
    assert first.phone.startswith("+38067")
    assert Person.objects.filter(household__source=Source.IMPORT).count() > 800

    # The same file again: nothing is imported twice.
    again = services.import_upload(
        actor=actor, kind="households", name="BY_help – семьи.csv", data=as_csv(header, rows)
    )
    checked, again = check_and_import(actor, again, django_capture_on_commit_callbacks)
    with capsys.disabled():
        print(f"same sheet uploaded again: {checked}")
    assert checked == {"ok": 0, "imported": 0, "rejected": 60, "duplicate": 60, "already": 400}
    assert Household.objects.filter(source=Source.IMPORT).count() == 400
    assert ImportedRow.objects.filter(organization=org_a).count() == 400


def offers_workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Імʼя господаря",
            "E-mail",
            "Телефон",
            "Місто",
            "Місць",
            "Від",
            "До",
            "Тварини",
            "Мови",
            "Коментар",
        ]
    )
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_xlsx_of_offers_with_real_dates_and_a_formula(
    org_a, caseworker_a, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    rows = [
        [
            f"Anna Nowak {i}",
            f"anna{i}@example.pl",
            "+48 600 100 " + f"{i:03d}",
            ["Kraków", "Краків", "Krakow", "Warszwa"][i % 4],
            ["3", "2 ліжка", "4-5", "два"][i % 4],
            datetime.datetime.combine(today, datetime.time()),
            None,
            ["так", "ні", "yes", ""][i % 4],
            "польська, українська",
            '=HYPERLINK("http://x")' if i == 0 else "",
        ]
        for i in range(30)
    ]
    rows.append(["Bad Row", "not-an-email", "", "Atlantis", "many", "soon", "", "", "", ""])
    rows.append(rows[1][:])  # the same host and town twice
    actor = actor_for(caseworker_a)
    job = services.import_upload(
        actor=actor, kind="offers", name="hosts.xlsx", data=offers_workbook(rows)
    )
    assert set(job.mapping) >= {"host_name", "email", "phone", "city", "beds", "available_from"}
    checked, job = check_and_import(actor, job, django_capture_on_commit_callbacks)
    assert checked == {"ok": 30, "imported": 0, "rejected": 1, "duplicate": 1, "already": 0}
    assert job.counts["imported"] == 30
    offers = HostOffer.objects.filter(organization__isnull=True) | HostOffer.objects.all()
    assert offers.filter(status=OfferStatus.AWAITING).count() == 30
    assert sorted(set(offers.values_list("beds", flat=True))) == [2, 3, 4]
    assert offers.filter(city="Warsaw").count() == 7
    assert offers.filter(pets_allowed=True).count() == 15
    bad = next(r for r in job.results if r["outcome"] == "rejected")
    assert "Column “Town or city”: we could not find this place" in " ".join(bad["messages"])
    assert "Column “E-mail”: Enter a valid email address." in bad["messages"]
    assert not any("Atlantis" in m or "not-an-email" in m for m in bad["messages"])


@pytest.mark.django_db
def test_the_pages_map_columns_show_errors_in_the_users_language_and_progress(
    client, org_a, caseworker_a, viewer_a, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    header, rows, _ = messy_households(valid=5, bad=6, dup_in_file=0, dup_stored=0)
    upload = io.BytesIO(as_csv(header, rows))
    upload.name = "sheet.csv"
    response = client.post("/uk/staff/import/", {"kind": "households", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    page = client.get(f"/uk/staff/import/{job.pk}/")
    assert "Яка колонка що містить?" in page.content.decode()
    mapping = dict(job.mapping)
    del mapping["phone"]
    refused = client.post(f"/uk/staff/import/{job.pk}/", {k: str(v) for k, v in mapping.items()})
    assert "Телефон" in refused.content.decode() and ImportJob.objects.get().status == "uploaded"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/uk/staff/import/{job.pk}/", {k: str(v) for k, v in job.mapping.items()})
    running = client.get(f"/uk/staff/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in running.content.decode()
    work()
    done = client.get(f"/uk/staff/import/{job.pk}/").content.decode()
    assert "Колонка «Де вони зараз»: не вдалося знайти це місце" in done
    assert "Qwertyville" not in done
    assert "every 2s" not in done
    report = client.get(f"/uk/staff/import/{job.pk}/rows.csv").content.decode()
    assert "rejected" in report
    client.force_login(viewer_a)
    assert client.get("/uk/staff/import/").status_code == 403


def test_garbage_files_are_refused_with_a_message():
    from prytulak.sheets.reader import read_table

    for name, data in [("x.xlsx", b"not a zip"), ("x.pdf", b"%PDF"), ("x.csv", b"only,a,header\n")]:
        with pytest.raises(ValueError):
            read_table(name, data)
