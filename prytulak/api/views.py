from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from prytulak.core.decorators import staff_view
from prytulak.core.errors import ServiceError
from prytulak.orgs.scopes import Actor

from . import services
from .forms import TokenForm
from .models import ApiToken


@staff_view("apikey.manage")
def token_list(request: HttpRequest, *, actor: Actor) -> HttpResponse:
    form = TokenForm(request.POST or None, organization=actor.organization)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.token_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm(organization=actor.organization)
    tokens = ApiToken.objects.filter(organization=actor.organization).select_related("user")
    return render(
        request, "api/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@require_POST
@staff_view("apikey.manage")
def token_revoke(request: HttpRequest, pk: int, *, actor: Actor) -> HttpResponse:
    token = ApiToken.objects.filter(pk=pk, organization=actor.organization).first()
    if token is None:
        raise Http404
    services.token_revoke(actor=actor, token=token)
    messages.success(request, _("The key no longer works."))
    return redirect("api-keys")
