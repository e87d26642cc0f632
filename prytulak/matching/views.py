from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from prytulak.audit.log import log_access
from prytulak.core.csv_export import csv_stream_response
from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

from . import runs
from .explain import certificate_text, explanation_text, reason_text
from .forms import ResultsForm, RunForm
from .models import MatchingRun, RunStatus
from .results import csv_rows, run_rows


@staff_view("matching.run")
def run_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.run_start(
                actor=actor,
                scope=form.cleaned_data["scope"],
                country=form.cleaned_data["country"],
                max_km=form.cleaned_data["max_km"],
            )
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Matching started. This page shows its progress."))
            return redirect(run)
    recent = MatchingRun.objects.filter(organization=actor.organization)[:20]
    return render(request, "matching/run_list.html", {"form": form, "runs": recent})


def _get_run(actor: Actor, pk: int) -> MatchingRun:
    run = MatchingRun.objects.filter(organization=actor.organization, pk=pk).first()
    if run is None:
        raise Http404
    return run


@staff_view("matching.run")
def run_detail(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    run = _get_run(actor, pk)
    context = {"run": run, "finished": run.status in (RunStatus.DONE, RunStatus.FAILED)}
    if run.status == RunStatus.DONE:
        context.update(_results(request, run))
    if request.htmx and not context["finished"]:  # type: ignore[attr-defined]
        return render(request, "matching/_progress.html", context)
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: reload the whole page with results
        return response
    return render(request, "matching/run_detail.html", context)


PER_PAGE = 100


def _results(request: HttpRequest, run: MatchingRun) -> dict:
    """The results part of the run page: one filtered list, paged."""
    form = ResultsForm(request.GET)
    filters = form.filters()
    page = Paginator(run_rows(run=run, **filters), PER_PAGE).get_page(request.GET.get("page"))
    start, end, total = page.start_index(), page.end_index(), page.paginator.count
    numbers = {"start": start, "end": end, "total": total}
    if filters["show"] == ResultsForm.UNPLACED:
        rows = [(u, reason_text(u.reason)) for u in page]
        counted = ngettext(
            "%(start)d–%(end)d of %(total)d household not placed",
            "%(start)d–%(end)d of %(total)d households not placed",
            total,
        )
    else:
        rows = [(p, explanation_text(p.explanation)) for p in page]
        counted = ngettext(
            "%(start)d–%(end)d of %(total)d proposal",
            "%(start)d–%(end)d of %(total)d proposals",
            total,
        )
    query = request.GET.copy()
    query.pop("page", None)
    greedy = run.summary.get("greedy", {})
    return {
        "results_form": form,
        "show": filters["show"],
        "page": page,
        "rows": rows,
        "counted": counted % numbers if total else _("Nothing matches these filters."),
        "querystring": query.urlencode(),
        "reasons": [
            (reason_text(code), n) for code, n in sorted(run.summary.get("reasons", {}).items())
        ],
        "certificate": certificate_text(run.summary),
        "gain": round(100 * (run.summary["total_value"] / greedy["total_value"] - 1), 1)
        if greedy.get("total_value") and run.summary.get("total_value")
        else None,
    }


@staff_view("matching.run")
def run_csv(request: HttpRequest, pk: int, *, actor: Actor) -> StreamingHttpResponse:
    """The filtered rows of the results page as CSV: no contact details, names only where
    the household's sharing level allows, every cell safe to open in a spreadsheet."""
    run = _get_run(actor, pk)
    if run.status != RunStatus.DONE:
        raise Http404
    filters = ResultsForm(request.GET).filters()
    header, rows = csv_rows(actor=actor, run=run, **filters)
    # the file may name households (where their sharing level allows): the export is logged
    log_access(
        actor=actor,
        obj=run,
        action="run.results_exported",
        fields=["lead_name"],
        reason=", ".join(f"{k}={v}" for k, v in filters.items() if v),
    )
    return csv_stream_response(f"run-{run.pk}-{filters['show']}.csv", header, rows)
