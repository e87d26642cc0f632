from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.csv_export import csv_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

from . import services
from .forms import MappingForm, UploadForm
from .models import ImportJob, ImportStatus

SHOWN_ROWS = 200


def _job(actor: Actor, pk: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk, organization=actor.organization).first()
    if job is None:
        raise Http404
    return job


@staff_view("import.run")
def import_upload(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_upload(
                actor=actor,
                kind=form.cleaned_data["kind"],
                name=upload.name,
                data=upload.read(services.MAX_UPLOAD + 1),
            )
        except ServiceError as exc:
            form.add_error("file", exc)
        else:
            return redirect(job)
    jobs = ImportJob.objects.filter(organization=actor.organization).defer("rows")[:20]
    return render(request, "sheets/upload.html", {"form": form, "jobs": jobs})


@staff_view("import.run")
def import_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    job = _job(actor, pk)
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(actor=actor, job=job, mapping=form.mapping())
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            return redirect(job)
    finished = job.status in (ImportStatus.CHECKED, ImportStatus.DONE, ImportStatus.FAILED)
    results = [r for r in job.results if r["outcome"] != "ok" or r["messages"]]
    context = {
        "job": job,
        "form": form,
        "finished": finished,
        "results": results[:SHOWN_ROWS],
        "more": max(0, len(results) - SHOWN_ROWS),
        "running": job.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING),
    }
    if request.headers.get("HX-Request"):
        return render(request, "sheets/_progress.html", context)
    return render(request, "sheets/detail.html", context)


@require_POST
@staff_view("import.run")
def import_start(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    job = _job(actor, pk)
    try:
        services.import_start(actor=actor, job=job)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job)


@staff_view("import.run")
def import_report(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    """Every row's outcome and messages, to fix the sheet and upload it again."""
    job = _job(actor, pk)
    header = [_("Row"), _("Outcome"), _("Messages"), _("Record")]
    rows = [[r["row"], r["outcome"], " | ".join(r["messages"]), r["id"] or ""] for r in job.results]
    return csv_response(f"import-{job.pk}-rows.csv", header, rows)
