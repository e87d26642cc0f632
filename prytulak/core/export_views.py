"""Staff exports for other systems: the service directory as Open Referral HSDS 3.0 JSON and
aggregate counts as HXL-tagged CSV (docs/deployment.md, *Interoperability exports*)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from prytulak.assistance import hsds
from prytulak.assistance.models import ServiceProvider
from prytulak.audit.log import log_access
from prytulak.core import hxl
from prytulak.core.decorators import staff_view
from prytulak.orgs.scopes import Actor


@require_GET
@staff_view("export.directory")
def hsds_services(request: HttpRequest, *, actor: Actor) -> JsonResponse:
    response = JsonResponse(hsds.directory(ServiceProvider.objects.all()))
    response["Content-Disposition"] = 'attachment; filename="prytulak-hsds-services.json"'
    return response


@require_GET
@staff_view("export.statistics")
def hxl_table(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    table = request.GET.get("table", next(iter(hxl.TABLES)))
    build = hxl.TABLES.get(table)
    if build is None:
        message = _("Unknown table. Choose one of: %(tables)s.") % {"tables": ", ".join(hxl.TABLES)}
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    header, tags, rows = build(actor)
    log_access(actor=actor, obj=actor.organization, action="export.statistics", reason=table)
    response = HttpResponse(hxl.to_csv(header, tags, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prytulak-{table}.hxl.csv"'
    return response
