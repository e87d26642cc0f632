from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

from . import runs
from .explain import certificate_text, explanation_text, reason_text
from .forms import RunForm
from .models import MatchingRun, RunStatus


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
        proposals = run.proposals.select_related("household", "offer").order_by("-score")[:100]
        context["proposals"] = [(p, explanation_text(p.explanation)) for p in proposals]
        context["reasons"] = [
            (reason_text(code), n) for code, n in sorted(run.summary.get("reasons", {}).items())
        ]
        context["unplaced"] = [
            (u, reason_text(u.reason)) for u in run.unplaced.select_related("household")[:50]
        ]
        context["certificate"] = certificate_text(run.summary)
        greedy = run.summary.get("greedy", {})
        if greedy.get("total_value"):
            context["gain"] = round(
                100 * (run.summary["total_value"] / greedy["total_value"] - 1), 1
            )
    if request.htmx and not context["finished"]:  # type: ignore[attr-defined]
        return render(request, "matching/_progress.html", context)
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse()
        response["HX-Refresh"] = "true"  # finished: reload the whole page with results
        return response
    return render(request, "matching/run_detail.html", context)
