"""Spreadsheet import: upload → choose the sheet, the header row and the columns → check
every row (a background job) → look at the rows that need it, fix or accept them inline →
import (a background job).

Rows pass through the web forms' own rules and the same services as every other way in
(`housing.services.host_offer_submit`, `people.services.household_register`); nothing is
imported twice. The import is all or nothing: the confirmed rows (good, or accepted after a
look) are imported in one transaction, and if anything fails none of them is.

Stored results name a row's column and problem, never a cell's value; the cells themselves
stay in the encrypted upload until the import is done."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prytulak.audit.log import log_access
from prytulak.core.contact import Contact, read_contact, regions_for
from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.privacy import email_index, messenger_index, phone_index
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm, OfferForm
from prytulak.housing.models import HostHousehold, HostKind, HostOffer
from prytulak.orgs.scopes import Actor
from prytulak.people import selectors as people_selectors
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm
from prytulak.people.models import AgeBand, Household, Sex, Source
from prytulak.places.geocoder import fold

from . import parse
from .dates_text import read_date
from .fields import COLUMNS, CONTACT_COLUMNS, find_header_row, guess_mapping
from .models import ImportedRow, ImportJob, ImportKind, ImportStatus
from .people_text import ADULT, CHILD_UNKNOWN_AGE, INFANT, SENIOR, PeopleReading, read_people
from .reader import read_tables

PROGRESS_EVERY = 25
MAX_UPLOAD = 5 * 1024 * 1024
MAX_CELL = 2000

# What happened to a row; the codes are stored, the words shown.
OUTCOMES = {
    "ok": gettext_lazy("Good"),
    "review": gettext_lazy("Needs a look"),
    "rejected": gettext_lazy("Rejected"),
    "duplicate": gettext_lazy("Duplicate"),
    "already": gettext_lazy("Already imported"),
    "imported": gettext_lazy("Imported"),
}


def outcome_label(code: str) -> str:
    return str(OUTCOMES.get(code, code))


def _tables(job: ImportJob) -> list[list[list[str]]]:
    return json.loads(job.rows or "[]")


def data_rows(
    job: ImportJob, tables: list[list[list[str]]] | None = None
) -> list[tuple[int, list[str]]]:
    """The rows below the header with anything in them, each with the number the
    spreadsheet shows for it."""
    tables = _tables(job) if tables is None else tables
    if not tables:
        return []
    grid = tables[job.sheet]
    return [(i + 1, row) for i, row in enumerate(grid) if i >= job.header_row and any(row)]


def import_upload(*, actor: Actor, kind: str, name: str, data: bytes) -> ImportJob:
    """Read the file: every sheet is kept (encrypted); the sheet and header row that name
    most of our columns are chosen, and the columns guessed from their headers."""
    actor.require("import.run")
    if kind not in ImportKind.values:
        raise ServiceError(_("Choose what the file holds."), code="kind")
    try:
        tables = read_tables(name, data)
    except ValueError as exc:
        raise ServiceError(str(exc), code="unreadable") from exc
    best = (-1, 0, 0)  # (named columns, -sheet, header index)
    for n, table in enumerate(tables):
        if table.filled < 2:
            continue
        index, named = find_header_row(kind, table.rows)
        best = max(best, (named, -n, -index))
    job = ImportJob(
        organization=actor.organization,
        created_by=actor.user,
        kind=kind,
        filename=name[:200],
        file_hash=hashlib.sha256(data).hexdigest(),
        language=translation.get_language() or "en",
        sheets=[t.name for t in tables],
        rows=json.dumps([t.rows for t in tables], ensure_ascii=False),
    )
    _set_table(job, sheet=-best[1], header_row=1 - best[2])
    job.full_clean()
    job.save()
    return job


def _set_table(job: ImportJob, *, sheet: int, header_row: int) -> None:
    tables = _tables(job)
    job.sheet = sheet
    job.header_row = header_row
    job.headers = tables[sheet][header_row - 1] if tables[sheet] else []
    job.mapping = guess_mapping(job.kind, job.headers)
    job.total = len(data_rows(job, tables))
    job.accepted = []
    job.results = []
    job.counts = {}


def _own(actor: Actor, job: ImportJob) -> None:
    actor.require("import.run", job)


def import_choose_table(*, actor: Actor, job: ImportJob, sheet: int, header_row: int) -> ImportJob:
    """The importer picks another sheet or header row: the columns are guessed again."""
    _own(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ServiceError(_("This file is already being imported."), code="state")
    tables = _tables(job)
    if not 0 <= sheet < len(tables):
        raise ServiceError(_("Choose a sheet of the file."), code="sheet")
    if not 1 <= header_row <= max(1, len(tables[sheet])):
        raise ServiceError(
            _("The header row must be between 1 and %(max)d.") % {"max": len(tables[sheet])},
            code="header_row",
        )
    _set_table(job, sheet=sheet, header_row=header_row)
    job.status = ImportStatus.UPLOADED
    job.save(
        update_fields=[
            "sheet", "header_row", "headers", "mapping", "total", "accepted", "results",
            "counts", "status",
        ]
    )  # fmt: skip
    return job


def import_map(*, actor: Actor, job: ImportJob, mapping: dict[str, int]) -> ImportJob:
    """Save the column choice and start checking every row."""
    _own(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ServiceError(_("This file is already being imported."), code="state")
    missing = [str(c.label) for c in COLUMNS[job.kind] if c.required and c.name not in mapping]
    if missing:
        raise ServiceError(
            _("Choose a column for: %(list)s.") % {"list": ", ".join(missing)}, code="missing"
        )
    if not any(name in mapping for name in CONTACT_COLUMNS):
        raise ServiceError(
            _("Choose at least one column with a way to reach them: contact, phone or e-mail."),
            code="contact",
        )
    if any(not 0 <= i < len(job.headers) for i in mapping.values()):
        raise ServiceError(_("Choose columns from the file."), code="column")
    job.mapping = mapping
    _start_check(job)
    return job


def _start_check(job: ImportJob) -> None:
    from .tasks import process_import

    with transaction.atomic():
        job.status = ImportStatus.CHECKING
        job.processed = 0
        job.language = translation.get_language() or job.language
        job.save(update_fields=["mapping", "accepted", "rows", "status", "processed", "language"])
        transaction.on_commit(lambda: process_import.enqueue(job.pk, False))


def import_review(
    *, actor: Actor, job: ImportJob, edits: dict[int, dict[str, str]], accepted: set[int]
) -> ImportJob:
    """The importer's answers on the review step: cells corrected inline (row number →
    our column → new text) and rows needing a look accepted as understood. The file is
    checked again with them."""
    _own(actor, job)
    if job.status != ImportStatus.CHECKED:
        raise ServiceError(_("This file is already being imported."), code="state")
    tables = _tables(job)
    grid = tables[job.sheet]
    for number, cells in edits.items():
        if not job.header_row < number <= len(grid):
            raise ServiceError(_("Choose rows of the file."), code="row")
        for name, value in cells.items():
            if name not in job.mapping:
                raise ServiceError(_("Choose columns from the file."), code="column")
            grid[number - 1][job.mapping[name]] = str(value).strip()[:MAX_CELL]
    job.rows = json.dumps(tables, ensure_ascii=False)
    job.accepted = sorted(accepted)
    _start_check(job)
    return job


def import_start(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Import the confirmed rows (a background job)."""
    from .tasks import process_import

    _own(actor, job)
    with transaction.atomic():
        n = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.IMPORTING, processed=0
        )
        if n != 1:
            raise ServiceError(_("This file is already being imported."), code="state")
        transaction.on_commit(lambda: process_import.enqueue(job.pk, True))
    job.refresh_from_db()
    return job


def fingerprint(kind: str, values: dict[str, str]) -> str:
    text = "\x1f".join(f"{k}={fold(v)}" for k, v in sorted(values.items()))
    return hashlib.sha256(f"{kind}\x1e{text}".encode()).hexdigest()


# Form fields whose column has another name.
_FORM_FIELD_COLUMN = {"name": "host_name", "pets_allowed": "pets", "children_allowed": "children"}


@dataclass
class Row:
    """One row read: what goes to the services, and what the review step shows."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # stored: never a cell's value
    notes: list[str] = field(default_factory=list)  # for the record's encrypted notes
    understood: dict[str, str] = field(default_factory=dict)  # never stored
    # False when what was understood cannot be imported as it is (a family read with doubt
    # and no adult in it): ticking “as understood” is not enough, a cell must be fixed.
    acceptable: bool = True


class _Cells:
    """One row's values, read by the parsers; each value that cannot be read leaves a message
    naming its column and the problem, and its field's name behind; a value read with doubt
    leaves a reason for a look.

    Messages are stored with the import's results and written to the rows report, so they
    never repeat what a cell holds: a phone number, an e-mail or a note about a person."""

    def __init__(self, kind: str, values: dict[str, str]):
        self.labels = {c.name: str(c.label) for c in COLUMNS[kind]}
        self.values = values
        self.row = Row()
        self.errors = self.row.errors
        self.failed: set[str] = set()

    def about(self, name: str, problem: str) -> str:
        if name not in self.labels:
            return problem
        return _("Column “%(column)s”: %(problem)s") % {
            "column": self.labels[name],
            "problem": problem,
        }

    def read(self, name: str, reader: Callable[[str], Any], default: Any = None) -> Any:
        raw = self.values.get(name, "")
        if not raw:
            return default
        try:
            value = reader(raw)
        except parse.Unsure as exc:
            self.row.review.append(self.about(name, exc.reason))
            value = exc.value
        except ValueError as exc:
            self.errors.append(self.about(name, str(exc)))
            self.failed.add(name)
            return default
        self.row.understood[name] = _shown(value)
        return value

    def form_errors(self, *forms: Any) -> None:
        given = {str(v).strip() for v in self.values.values()}
        for form in forms:
            given |= {str(v).strip() for v in form.data.values() if v is not None}
        given = {v for v in given if len(v) >= 3}
        for form in forms:
            for field_name, errors in form.errors.items():
                name = _FORM_FIELD_COLUMN.get(field_name, field_name)
                if name not in self.labels and field_name in form.fields:
                    prefix = f"{form.fields[field_name].label}: "
                else:
                    prefix = ""
                for error in errors:
                    # Django's own messages can quote the value (“Select a valid choice. X
                    # is not one of…”): such a message is replaced by a general one.
                    if any(v in error for v in given):
                        error = _("this value is not valid")
                    self.errors.append(prefix + self.about(name, error))

    def contact(self, regions: list[str]) -> tuple[str, str, str]:
        """The phone, e-mail and messenger handles from the contact, phone and e-mail
        columns; further phones and e-mails go to the notes."""
        found = Contact()
        for name in CONTACT_COLUMNS:
            raw = self.values.get(name, "")
            if not raw:
                continue
            if name == "email":
                found.emails.append(raw)  # the form says whether it is an address
                continue
            read = read_contact(raw, regions)
            if read.empty:
                problem = (
                    _("not a phone number we can read")
                    if name == "phone"
                    else _("no phone, e-mail or messenger we can read")
                )
                self.errors.append(self.about(name, problem))
                self.failed.add(name)
                continue
            if read.unread:
                self.row.review.append(
                    self.about(name, _("part of it is not a phone, e-mail or messenger"))
                )
            if any(p.check for p in read.phones):
                self.row.review.append(
                    self.about(
                        name,
                        _("a phone number valid in none of the expected countries: check it"),
                    )
                )
            found.phones += read.phones
            found.emails += read.emails
            found.handles += read.handles
            self.row.understood[name] = "; ".join(
                [p.value for p in read.phones] + read.emails + read.handles
            )
        others = [p.value for p in found.phones[1:]] + found.emails[1:]
        if others:
            self.row.notes.append(_("Other contacts: %(list)s") % {"list": ", ".join(others)})
        phone = found.phone.value if found.phone else ""
        return phone, found.email, found.messenger

    def extra_notes(self, extra: list[str]) -> str:
        """The notes column, then whatever the sheet's unmapped columns hold."""
        return "\n".join(n for n in [self.values.get("notes", ""), *self.row.notes, *extra] if n)


def _shown(value: Any) -> str:
    if isinstance(value, tuple):  # a place and whether it was a guess
        return str(value[0])
    if isinstance(value, PeopleReading):
        bands = value.members
        infants, seniors = bands.count(INFANT), bands.count(SENIOR)
        adults = bands.count(ADULT)
        parts = [
            f"{n} {label}"
            for n, label in [
                (adults, _("adults")),
                (len(bands) - adults - seniors - infants, _("children")),
                (infants, _("infants")),
                (seniors, _("seniors")),
                (value.pets, _("pets")),
            ]
            if n
        ]
        return ", ".join(parts)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass
class _Context:
    organization_country: str
    # The day relative dates in the row count from (see `_reference`).
    reference: datetime.date


def _people(text: str) -> PeopleReading:
    """Who travels, from free text; a reading the parser is not sure of goes to review."""
    reading = read_people(text)
    if reading.review is not None:
        raise parse.Unsure(reading, str(reading.review))
    return reading


def _date(reference: datetime.date) -> Callable[[str], datetime.date]:
    """A date reader counting relative words from `reference`; a day that is not exact goes
    to review."""

    def reader(text: str) -> datetime.date:
        reading = read_date(text, reference)
        if reading.review is not None:
            raise parse.Unsure(reading.date, str(reading.review))
        return reading.date

    return reader


def _offer_row(values: dict[str, str], extra: list[str], ctx: _Context) -> Row:
    cells = _Cells(ImportKind.OFFERS, values)
    read, errors = cells.read, cells.errors
    place = read("city", parse.place)
    regions = regions_for(place[0].country if place else None, ctx.organization_country)
    phone, email, messenger = cells.contact(regions)
    host = {
        "kind": HostKind.PERSON,
        "household_type": HostHousehold.SHARED,
        "name": values.get("host_name", ""),
        "email": email,
        "phone": phone,
        "messenger": messenger,
    }
    offer = {
        "city": place[0].name if place else values.get("city", ""),
        "country": place[0].country if place else "",
        "address": values.get("address", ""),
        "beds": read("beds", parse.whole_number),
        "available_from": read("available_from", _date(ctx.reference)),
        "available_to": read("available_to", _date(ctx.reference)),
        "pets_allowed": read("pets", parse.yes_no, False),
        "children_allowed": read("children", parse.yes_no, True),
        "step_free": False,
        "languages": read("languages", parse.languages, []) or ["uk"],
        "is_free": True,
        "price_note": "",
        "notes": "",
    }
    if place and place[1]:
        cells.row.messages.append(cells.about("city", _("read as %(place)s") % {"place": place[0]}))
    offer["notes"] = cells.extra_notes(extra)
    # Numbers the contact reader is unsure of are already marked for review.
    host_form = HostForm({k: v or "" for k, v in host.items()}, strict_phone=False)
    offer_form = OfferForm({k: "" if v is None else v for k, v in offer.items()})
    valid = host_form.is_valid() & offer_form.is_valid()
    for name in cells.failed & set(host_form.errors):
        del host_form.errors[name]
    if cells.failed & set(CONTACT_COLUMNS) and "__all__" in host_form.errors:
        del host_form.errors["__all__"]  # no contact: the column's own message says why
    cells.form_errors(host_form, offer_form)
    if not errors and valid:
        cells.row.data = {"host": host_form.cleaned_data, "offer": offer_form.offer_data()}
    return cells.row


def _household_row(values: dict[str, str], extra: list[str], ctx: _Context) -> Row:
    cells = _Cells(ImportKind.HOUSEHOLDS, values)
    # `failed`: fields whose own message is already given, so the form's is dropped.
    read, errors, failed = cells.read, cells.errors, cells.failed
    people: PeopleReading | None = read("people", _people)
    place = read("arrival_place", parse.place)
    if place and place[1]:
        cells.row.messages.append(
            cells.about("arrival_place", _("read as %(place)s") % {"place": place[0]})
        )
    regions = regions_for(place[0].country if place else None, ctx.organization_country)
    phone, email, messenger = cells.contact(regions)
    data = {
        "lead_name": values.get("lead_name", ""),
        "phone": phone,
        "email": email,
        "messenger": messenger,
        "languages": read("languages", parse.languages, []) or ["uk"],
        "arrival_place": place[0].name if place else "",
        "arrival_date": read("arrival_date", _date(ctx.reference), ""),
        "pets": people.pets if people else 0,
        "needs": values.get("needs", ""),
        "notes": cells.extra_notes(extra),
    }
    form = HouseholdForm(data, strict_phone=False)
    form.is_valid()
    for name in failed & set(form.errors):
        del form.errors[name]
    if failed & set(CONTACT_COLUMNS) and "__all__" in form.errors:
        del form.errors["__all__"]
    cells.form_errors(form)
    if people is None and "people" not in failed:
        errors.append(cells.about("people", _("Say how many people, e.g. “2 adults + 1 child”.")))
    no_adult = _(
        "Children without an adult: register them with the child-protection officer, not by import."
    )
    if people is not None and people.adults == 0:
        if people.review is None:
            errors.append(no_adult)
        else:
            # Read with doubt and no adult understood: it needs a fix, not just a tick.
            cells.row.acceptable = False
            if people.members:
                cells.row.review.append(no_adult)
    if errors:
        return cells.row
    assert people is not None
    # A child whose age the text does not give goes in the 5–13 band, as before.
    members = [
        {
            "age_band": AgeBand.CHILD if band == CHILD_UNKNOWN_AGE else band,
            "sex": Sex.UNSPECIFIED,
        }
        for band in people.members
    ]
    cells.row.data = {
        "data": {**form.household_data(), "source": Source.IMPORT},
        "members": members,
    }
    return cells.row


def _duplicate_of(job: ImportJob, actor: Actor, row: dict[str, Any], seen: set[str]) -> str | None:
    """A reference to what this row repeats (stored, or earlier in the file), or None."""
    if job.kind == ImportKind.HOUSEHOLDS:
        data = row["data"]
        keys = [
            k
            for k in (
                phone_index(data["phone"]),
                email_index(data["email"]),
                messenger_index(data["messenger"]),
            )
            if k
        ]
        if any(k in seen for k in keys):
            return _("an earlier row of this file")
        seen.update(keys)
        # The one duplicate policy: the same selector the registration service asks.
        duplicates, hidden = people_selectors.duplicates_for(
            actor=actor, phone=data["phone"], email=data["email"], messenger=data["messenger"]
        )
        return _references(duplicates, hidden)
    host, offer = row["host"], row["offer"]
    indexes = {
        "email_index": email_index(host.get("email")),
        "phone_index": phone_index(host.get("phone")),
        "messenger_index": messenger_index(host.get("messenger")),
    }
    keys = [f"{k}|{fold(offer['city'])}" for k in indexes.values() if k]
    if any(k in seen for k in keys):
        return _("an earlier row of this file")
    seen.update(keys)
    match = Q(pk__in=[])
    for name, value in indexes.items():
        if value:
            match |= Q(**{f"host__{name}": value})
    found = HostOffer.objects.filter(match, city=offer["city"]).order_by("pk").first()
    return f"#{found.pk}" if found else None


def _references(duplicates: list[Household], hidden: int) -> str | None:
    named = [f"#{d.pk}" for d in duplicates]
    if hidden:
        named.append(people_selectors.hidden_duplicates_text(hidden))
    return ", ".join(named) or None


def import_process(job_id: int, commit: bool) -> ImportJob:
    """Check (commit=False) or import (commit=True) every row, with progress."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            if commit:
                # All or nothing: a failure part-way leaves no row imported.
                with transaction.atomic():
                    return _process(job, commit)
            return _process(job, commit)
        except Exception as exc:
            # Only the kind of failure: an exception's text can quote a row's values.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
            )
            raise


def read_row(job: ImportJob, cells: list[str]) -> tuple[dict[str, str], Row]:
    """A row's values by our column names, and what the parsers made of them."""
    values = {name: (cells[i] if i < len(cells) else "").strip() for name, i in job.mapping.items()}
    mapped = set(job.mapping.values())
    # Columns nobody chose are kept in the notes, under their header.
    extra = [
        f"{(job.headers[i] if i < len(job.headers) else '') or '#' + str(i + 1)}: {value}"
        for i, value in enumerate(cells)
        if i not in mapped and value.strip()
    ]
    uploaded = timezone.localdate(job.created_at) if job.created_at else timezone.localdate()
    ctx = _Context(
        organization_country=job.organization.country, reference=_reference(values, uploaded)
    )
    reader = _offer_row if job.kind == ImportKind.OFFERS else _household_row
    return values, reader(values, extra, ctx)


def _process(job: ImportJob, commit: bool) -> ImportJob:
    from prytulak.orgs.scopes import actor_for

    actor = actor_for(job.created_by) if job.created_by else None
    if actor is None or actor.organization.pk != job.organization_id:
        raise NotAllowed
    rows = data_rows(job)
    accepted = set(job.accepted)
    done = set(
        ImportedRow.objects.filter(organization=job.organization, kind=job.kind).values_list(
            "fingerprint", flat=True
        )
    )
    seen: set[str] = set()
    results = []
    counts = dict.fromkeys(OUTCOMES, 0)
    for n, (number, cells) in enumerate(rows, start=1):
        values, row = read_row(job, cells)
        mark = fingerprint(job.kind, values)
        messages: list[str] = []
        outcome, object_id = "ok", None
        if mark in done:
            outcome = "already"
        elif row.errors:
            outcome, messages = "rejected", row.errors
        else:
            messages = list(row.messages)
            same = _duplicate_of(job, actor, row.data, seen)
            if same:
                outcome = "duplicate"
                messages.append(_("Already registered: %(ref)s.") % {"ref": same})
            elif row.review and (number not in accepted or not row.acceptable):
                # Read, but not surely right: not imported until a person looks.
                outcome = "review"
            elif commit:
                object_id = _create(job, actor, row.data, mark)
                outcome = "imported" if object_id else "already"
        counts[outcome] += 1
        results.append(
            {
                "row": number,
                "outcome": outcome,
                "messages": messages,
                "review": row.review if outcome not in ("rejected", "already") else [],
                "accepted": number in accepted and bool(row.review) and row.acceptable,
                "id": object_id,
            }
        )
        if n % PROGRESS_EVERY == 0 and not commit:
            ImportJob.objects.filter(pk=job.pk).update(processed=n)
    job.results = results
    job.counts = counts
    job.processed = len(rows)
    job.finished_at = timezone.now()
    if commit:
        job.status = ImportStatus.DONE
        job.rows = None  # the personal data now lives in the records, not in the upload
    else:
        job.status = ImportStatus.CHECKED
    job.save(update_fields=["results", "counts", "processed", "finished_at", "status", "rows"])
    return job


def _reference(values: dict[str, str], uploaded: datetime.date) -> datetime.date:
    """The day relative dates in a row count from: when its form was filled in, if the
    sheet has that column and it holds a real date, else the upload's day."""
    try:
        stamp = read_date(values.get("submitted_at") or "", uploaded)
    except ValueError:
        return uploaded
    if stamp.review or stamp.date > uploaded:
        return uploaded  # not a day, or not one before the upload: not a timestamp
    return stamp.date


def _create(job: ImportJob, actor: Actor, row: dict[str, Any], mark: str) -> int | None:
    obj: HostOffer | Household
    with transaction.atomic():
        if job.kind == ImportKind.OFFERS:
            obj = housing_services.host_offer_submit(
                host=row["host"], offer=row["offer"], actor=actor
            )
        else:
            obj = people_services.household_register(
                actor=actor, data=row["data"], members=row["members"]
            )
        try:
            with transaction.atomic():
                ImportedRow.objects.create(
                    organization=job.organization,
                    kind=job.kind,
                    fingerprint=mark,
                    object_id=obj.pk,
                    job=job,
                )
        except IntegrityError:
            # Another import of the same row won the race: undo this one.
            transaction.set_rollback(True)
            return None
    return obj.pk


def review_rows(job: ImportJob, limit: int, actor: Actor | None = None) -> list[dict[str, Any]]:
    """The rows needing a look or refused, for the review step: each mapped cell's original
    text next to what was understood. Read from the encrypted upload for the importer's page
    (the read is logged when `actor` is given); nothing of it is stored."""
    wanted = {r["row"]: r for r in job.results if r["outcome"] in ("review", "rejected")}
    shown = []
    labels = {c.name: c.label for c in COLUMNS[job.kind]}
    for number, cells in data_rows(job):
        if number not in wanted:
            continue
        values, row = read_row(job, cells)
        shown.append(
            {
                **wanted[number],
                "acceptable": row.acceptable,
                "cells": [
                    {
                        "name": name,
                        "label": labels[name],
                        "original": values.get(name, ""),
                        "understood": row.understood.get(name, ""),
                    }
                    for name in job.mapping
                ],
            }
        )
        if len(shown) >= limit:
            break
    if shown and actor is not None:
        log_access(
            actor=actor,
            obj=job,
            action="import.rows_viewed",
            fields=sorted(job.mapping),
            reason=f"rows {shown[0]['row']}-{shown[-1]['row']}",
        )
    return shown
