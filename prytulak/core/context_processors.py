from prytulak.orgs.scopes import actor_for


def membership(request):
    """`actor` in every template: the staff member's organisation and role, or None."""
    if not hasattr(request, "_actor"):
        request._actor = actor_for(request.user) if hasattr(request, "user") else None
    return {"actor": request._actor}
