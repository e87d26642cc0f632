"""Files as they arrive: Excel's CSV encodings, workbooks with title rows, merged cells and
data on another sheet, empty lines, and files that are not tables at all."""

import codecs
import html
import io

import pytest
from openpyxl import Workbook

from prytulak.orgs.scopes import actor_for
from prytulak.sheets import services
from prytulak.sheets.models import ImportJob
from prytulak.sheets.reader import read_tables

HEADER = ["Ім'я / Name", "Miasto / City", "Контакт / Contact"]
ROWS = [["Paweł Żółć", "Łódź", "600 100 200"], ["Ołena Kowal", "Kraków", "@olena_k"]]


def _csv(rows, encoding, sep=";"):
    return "\r\n".join(sep.join(r) for r in rows).encode(encoding)


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8", _csv([HEADER, *ROWS], "utf-8")),
        ("utf-8 with BOM", codecs.BOM_UTF8 + _csv([HEADER, *ROWS], "utf-8")),
        # Excel's “Unicode text”: UTF-16 with its mark, tab-separated.
        ("utf-16 from Excel", _csv([HEADER, *ROWS], "utf-16", sep="\t")),
    ],
)
def test_unicode_csv_files_are_read_whatever_excel_saved_them_as(label, data):
    (table,) = read_tables("hosts.csv", data)
    assert table.rows == [HEADER, *ROWS], label


def test_a_polish_excel_csv_in_cp1250_keeps_its_letters():
    data = _csv([["Imię", "Miasto", "Telefon"], *ROWS], "cp1250")
    (table,) = read_tables("gospodarze.csv", data)
    assert table.rows[1][:2] == ["Paweł Żółć", "Łódź"]  # not “Јуdџ”


def test_a_cyrillic_excel_csv_in_cp1251_keeps_its_letters():
    rows = [["ПІБ", "Місто", "Телефон"], ["Олена Коваленко", "Львів", "067 123 45 67"]]
    (table,) = read_tables("сім'ї.csv", _csv(rows, "cp1251"))
    assert table.rows == rows


def _workbook(*sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows, merges in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for merge in merges:
            sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_merged_cells_are_filled_with_their_value():
    rows = [
        ["Ім'я / Name", "Місто / City", "Контакт / Contact", "Місць / Beds"],
        ["Anna", "Kraków", "600 100 200", "2"],
        ["Piotr", None, "600 100 201", "3"],  # Kraków, merged over two rows
    ]
    (table,) = read_tables("m.xlsx", _workbook(("Hosts", rows, ["B2:B3"])))
    assert [r[1] for r in table.rows[1:]] == ["Kraków", "Kraków"]


@pytest.mark.django_db
def test_a_title_row_above_the_headers_is_skipped(caseworker_a):
    rows = [
        ["Хости / Hosts — березень 2022", None, None, None, None],  # merged across the sheet
        [None, None, None, None, None],
        ["Ім'я / Name", "Контакт / Contact", "Місто / City", "Місць / Beds", "Від / From"],
        ["Anna", "600 100 200", "Kraków", "2", "2026-12-01"],
    ]
    data = _workbook(("Arkusz1", rows, ["A1:E1"]))
    job = services.import_upload(
        actor=actor_for(caseworker_a), kind="offers", name="t.xlsx", data=data
    )
    assert job.header_row == 3 and job.headers[0] == "Ім'я / Name"
    assert job.mapping == {
        "host_name": 0, "contact": 1, "city": 2, "beds": 3, "available_from": 4
    }  # fmt: skip
    assert job.total == 1


@pytest.mark.django_db
def test_every_sheet_is_listed_the_data_sheet_chosen_and_another_can_be_picked(
    client, caseworker_a
):
    notes = [["Як заповнювати / How to fill in"], ["Пишіть по одному рядку на сім'ю"]]
    households = [
        ["Ім'я / Name", "Контакт / Contact", "Склад / Who?", "Де зараз? / Where now?", "Дата"],
        ["Olena", "067 123 45 67", "мама + 2 дитини", "Przemyśl", "2026-11-20"],
        ["Iryna", "@iryna_k", "2 adults", "Medyka", "2026-11-21"],
    ]
    data = _workbook(("Інструкція", notes, []), ("Сім'ї", households, []))
    client.force_login(caseworker_a)
    upload = io.BytesIO(data)
    upload.name = "families.xlsx"
    client.post("/en/staff/import/", {"kind": "households", "file": upload})
    job = ImportJob.objects.get()
    assert job.sheets == ["Інструкція", "Сім'ї"]
    assert (job.sheet, job.header_row, job.total) == (1, 1, 2)
    page = client.get(job.get_absolute_url()).content.decode()
    # The sheet names as the reader sees them (the apostrophe may be escaped either way).
    assert "Інструкція" in page and "Сім'ї" in html.unescape(page)
    # The importer can pick another sheet and row; the columns are guessed again.
    client.post(job.get_absolute_url(), {"table": "1", "sheet": "0", "header_row": "1"})
    job.refresh_from_db()
    assert (job.sheet, job.header_row, job.headers) == (0, 1, ["Як заповнювати / How to fill in"])
    client.post(job.get_absolute_url(), {"table": "1", "sheet": "1", "header_row": "1"})
    job.refresh_from_db()
    assert job.sheet == 1 and job.mapping["contact"] == 1 and job.total == 2


@pytest.mark.django_db
def test_a_png_renamed_csv_gets_a_clear_message_not_a_server_error(client, caseworker_a):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(range(256)) * 4
    client.force_login(caseworker_a)
    for name, data in [("hosts.csv", png), ("hosts.xlsx", png), ("notes.csv", bytes(range(256)))]:
        upload = io.BytesIO(data)
        upload.name = name
        response = client.post("/uk/staff/import/", {"kind": "offers", "file": upload})
        assert response.status_code == 200, name
        assert "Цей файл не є таблицею" in response.content.decode(), name
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_row_numbers_are_those_the_spreadsheet_shows_after_empty_lines(caseworker_a):
    rows = [
        ["Ім'я / Name", "Контакт / Contact", "Склад / Who?", "Де зараз? / Where now?", "Дата"],
        ["Olena", "067 123 45 67", "2 adults", "Przemyśl", "2026-11-20"],
        ["", "", "", "", ""],
        ["", "", "", "", ""],
        ["Iryna", "дзвонити ввечері", "2 adults", "Przemyśl", "2026-11-20"],  # row 5
        ["", "", "", "", ""],
        ["Oksana", "067 123 45 68", "2 adults", "Qwertyville", "2026-11-20"],  # row 7
    ]
    actor = actor_for(caseworker_a)
    data = _csv(rows, "utf-8")
    job = services.import_upload(actor=actor, kind="households", name="s.csv", data=data)
    services.import_map(actor=actor, job=job, mapping=job.mapping)
    services.import_process(job.pk, False)
    job.refresh_from_db()
    assert [(r["row"], r["outcome"]) for r in job.results] == [
        (2, "ok"),
        (5, "rejected"),
        (7, "rejected"),
    ]
