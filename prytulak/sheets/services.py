"""Spreadsheet import: upload → choose columns → check every row (a background job) →
import the good rows (a background job). Rows pass through the web forms' own rules and
the same service functions; nothing is imported twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from prytulak.core.errors import NotAllowed, ServiceError
from prytulak.core.privacy import email_index, phone_index
from prytulak.housing import services as housing_services
from prytulak.housing.forms import HostForm, OfferForm
from prytulak.housing.models import HostHousehold, HostKind, HostOffer
from prytulak.orgs.scopes import Actor
from prytulak.people import services as people_services
from prytulak.people.forms import HouseholdForm
from prytulak.people.models import AgeBand, Household, Sex, Source
from prytulak.places.geocoder import fold

from . import parse
from .fields import COLUMNS, guess_mapping
from .models import ImportedRow, ImportJob, ImportKind, ImportStatus
from .reader import read_table

PROGRESS_EVERY = 25
MAX_UPLOAD = 5 * 1024 * 1024


class RowError(ValueError):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def import_upload(*, actor: Actor, kind: str, name: str, data: bytes) -> ImportJob:
    actor.require("import.run")
    if kind not in ImportKind.values:
        raise ServiceError(_("Choose what the file holds."), code="kind")
    try:
        headers, rows = read_table(name, data)
    except ValueError as exc:
        raise ServiceError(str(exc), code="unreadable") from exc
    job = ImportJob(
        organization=actor.organization,
        created_by=actor.user,
        kind=kind,
        filename=name[:200],
        file_hash=hashlib.sha256(data).hexdigest(),
        language=translation.get_language() or "en",
        headers=headers,
        rows=json.dumps(rows, ensure_ascii=False),
        mapping=guess_mapping(kind, headers),
        total=len(rows),
    )
    job.full_clean()
    job.save()
    return job


def _own(actor: Actor, job: ImportJob) -> None:
    actor.require("import.run", job)


def import_map(*, actor: Actor, job: ImportJob, mapping: dict[str, int]) -> ImportJob:
    """Save the column choice and start checking every row."""
    from .tasks import process_import

    _own(actor, job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ServiceError(_("This file is already being imported."), code="state")
    missing = [str(c.label) for c in COLUMNS[job.kind] if c.required and c.name not in mapping]
    if missing:
        raise ServiceError(
            _("Choose a column for: %(list)s.") % {"list": ", ".join(missing)}, code="missing"
        )
    if any(not 0 <= i < len(job.headers) for i in mapping.values()):
        raise ServiceError(_("Choose columns from the file."), code="column")
    with transaction.atomic():
        job.mapping = mapping
        job.status = ImportStatus.CHECKING
        job.processed = 0
        job.language = translation.get_language() or job.language
        job.save(update_fields=["mapping", "status", "processed", "language"])
        transaction.on_commit(lambda: process_import.enqueue(job.pk, False))
    return job


def import_start(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Import the rows the check found good (a background job)."""
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


class _Cells:
    """One row's values, read by the parsers; each value that cannot be read leaves a message
    naming its column and the problem, and its field's name behind.

    Messages are stored with the import's results and written to the rows report, so they
    never repeat what a cell holds: a phone number, an e-mail or a note about a person."""

    def __init__(self, kind: str, values: dict[str, str]):
        self.labels = {c.name: str(c.label) for c in COLUMNS[kind]}
        self.values = values
        self.errors: list[str] = []
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
            return reader(raw)
        except ValueError as exc:
            self.errors.append(self.about(name, str(exc)))
            self.failed.add(name)
            return default

    def form_errors(self, *forms: Any) -> None:
        given = {str(v).strip() for v in self.values.values()}
        for form in forms:
            given |= {str(v).strip() for v in form.data.values() if v is not None}
        given = {v for v in given if len(v) >= 3}
        for form in forms:
            for field, errors in form.errors.items():
                name = _FORM_FIELD_COLUMN.get(field, field)
                if name not in self.labels and field in form.fields:
                    prefix = f"{form.fields[field].label}: "
                else:
                    prefix = ""
                for error in errors:
                    # Django's own messages can quote the value (“Select a valid choice. X
                    # is not one of…”): such a message is replaced by a general one.
                    if any(v in error for v in given):
                        error = _("this value is not valid")
                    self.errors.append(prefix + self.about(name, error))


def _offer_row(values: dict[str, str], notes: list[str]) -> dict[str, Any]:
    cells = _Cells(ImportKind.OFFERS, values)
    read, errors = cells.read, cells.errors
    place = read("city", parse.place)
    phone = read("phone", parse.phone, "")
    host = {
        "kind": HostKind.PERSON,
        "household_type": HostHousehold.SHARED,
        "name": values.get("host_name", ""),
        "email": values.get("email", "").strip(),
        "phone": phone,
    }
    offer = {
        "city": place[0].name if place else values.get("city", ""),
        "country": place[0].country if place else "",
        "address": values.get("address", ""),
        "beds": read("beds", parse.whole_number),
        "available_from": read("available_from", parse.date),
        "available_to": read("available_to", parse.date),
        "pets_allowed": read("pets", parse.yes_no, False),
        "children_allowed": read("children", parse.yes_no, True),
        "step_free": False,
        "languages": read("languages", parse.languages, []) or ["uk"],
        "is_free": True,
        "price_note": "",
        "notes": values.get("notes", ""),
    }
    if place and place[1]:
        notes.append(cells.about("city", _("read as %(place)s") % {"place": place[0]}))
    host_form = HostForm({k: v or "" for k, v in host.items()})
    offer_form = OfferForm({k: "" if v is None else v for k, v in offer.items()})
    valid = host_form.is_valid() & offer_form.is_valid()
    cells.form_errors(host_form, offer_form)
    if errors or not valid:
        raise RowError(errors)
    return {"host": host_form.cleaned_data, "offer": offer_form.offer_data()}


def _household_row(values: dict[str, str], notes: list[str]) -> dict[str, Any]:
    cells = _Cells(ImportKind.HOUSEHOLDS, values)
    # `failed`: fields whose own message is already given, so the form's is dropped.
    read, errors, failed = cells.read, cells.errors, cells.failed
    people = read("people", parse.people)
    place = read("arrival_place", parse.place)
    if place and place[1]:
        notes.append(cells.about("arrival_place", _("read as %(place)s") % {"place": place[0]}))
    data = {
        "lead_name": values.get("lead_name", ""),
        "phone": read("phone", parse.phone, ""),
        "email": values.get("email", ""),
        "languages": read("languages", parse.languages, []) or ["uk"],
        "arrival_place": place[0].name if place else "",
        "arrival_date": read("arrival_date", parse.date, ""),
        "pets": people.pets if people else 0,
        "needs": values.get("needs", ""),
        "notes": values.get("notes", ""),
    }
    form = HouseholdForm(data)
    form.is_valid()
    for name in failed & set(form.errors):
        del form.errors[name]
    cells.form_errors(form)
    if people is None and "people" not in failed:
        errors.append(cells.about("people", _("Say how many people, e.g. “2 adults + 1 child”.")))
    if people is not None and people.adults + people.seniors == 0:
        errors.append(
            _(
                "Children without an adult: register them with the child-protection officer, "
                "not by import."
            )
        )
    if errors:
        raise RowError(errors)
    assert people is not None
    members = (
        [{"age_band": AgeBand.ADULT, "sex": Sex.UNSPECIFIED}] * people.adults
        + [{"age_band": AgeBand.CHILD, "sex": Sex.UNSPECIFIED}] * people.children
        + [{"age_band": AgeBand.INFANT, "sex": Sex.UNSPECIFIED}] * people.infants
        + [{"age_band": AgeBand.SENIOR, "sex": Sex.UNSPECIFIED}] * people.seniors
    )
    return {"data": {**form.household_data(), "source": Source.IMPORT}, "members": members}


def _duplicate_of(job: ImportJob, row: dict[str, Any], seen: set[str]) -> str | None:
    """A reference to what this row repeats (stored, or earlier in the file), or None."""
    if job.kind == ImportKind.HOUSEHOLDS:
        data = row["data"]
        keys = [k for k in (phone_index(data["phone"]), email_index(data["email"])) if k]
        if any(k in seen for k in keys):
            return _("an earlier row of this file")
        seen.update(keys)
        match = Q(phone_index=keys[0])
        if data["email"]:
            match |= Q(email_index=email_index(data["email"]))
        stored = Household.objects.filter(match, erased_at__isnull=True).order_by("pk").first()
        return f"#{stored.pk}" if stored else None
    host, offer = row["host"], row["offer"]
    keys = [
        f"{k}|{fold(offer['city'])}"
        for k in (email_index(host["email"]), phone_index(host.get("phone") or ""))
        if k
    ]
    if any(k in seen for k in keys):
        return _("an earlier row of this file")
    seen.update(keys)
    found = (
        HostOffer.objects.filter(host__email_index=email_index(host["email"]), city=offer["city"])
        .order_by("pk")
        .first()
    )
    return f"#{found.pk}" if found else None


def import_process(job_id: int, commit: bool) -> ImportJob:
    """Check (commit=False) or import (commit=True) every row, with progress."""
    job = ImportJob.objects.select_related("organization", "created_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            return _process(job, commit)
        except Exception as exc:
            # Only the kind of failure: an exception's text can quote a row's values.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
            )
            raise


def _process(job: ImportJob, commit: bool) -> ImportJob:
    from prytulak.orgs.scopes import actor_for

    actor = actor_for(job.created_by) if job.created_by else None
    if actor is None or actor.organization.pk != job.organization_id:
        raise NotAllowed
    rows = json.loads(job.rows or "[]")
    reader = _offer_row if job.kind == ImportKind.OFFERS else _household_row
    done = set(
        ImportedRow.objects.filter(organization=job.organization, kind=job.kind).values_list(
            "fingerprint", flat=True
        )
    )
    seen: set[str] = set()
    results = []
    counts = {"ok": 0, "imported": 0, "rejected": 0, "duplicate": 0, "already": 0}
    for n, cells in enumerate(rows, start=1):
        values = {
            name: (cells[i] if i < len(cells) else "").strip() for name, i in job.mapping.items()
        }
        mark = fingerprint(job.kind, values)
        notes: list[str] = []
        outcome, object_id = "ok", None
        if mark in done:
            outcome = "already"
        else:
            try:
                row = reader(values, notes)
            except RowError as exc:
                outcome, notes = "rejected", exc.messages
            else:
                same = _duplicate_of(job, row, seen)
                if same:
                    outcome = "duplicate"
                    notes.append(_("Already registered: %(ref)s.") % {"ref": same})
                elif commit:
                    object_id = _create(job, actor, row, mark)
                    outcome = "imported" if object_id else "already"
        counts[outcome] += 1
        results.append({"row": n + 1, "outcome": outcome, "messages": notes, "id": object_id})
        if n % PROGRESS_EVERY == 0:
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


def _create(job: ImportJob, actor: Actor, row: dict[str, Any], mark: str) -> int | None:
    obj: HostOffer | Household
    with transaction.atomic():
        if job.kind == ImportKind.OFFERS:
            host = housing_services.host_create(data=row["host"])
            obj = housing_services.offer_create(host=host, data=row["offer"], actor=actor)
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
