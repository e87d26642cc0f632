import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prytulak.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Build the per-process indexes a first request would otherwise build while others wait
    (the offline gazetteer: about a second alone, tens of seconds on a busy machine, used by
    every search and intake). With gunicorn's --preload this runs once, before the workers
    fork, and they share it. Nothing here touches the database."""
    from prytulak.places.geocoder import gazetteer

    gazetteer().warm()


if os.environ.get("WSGI_WARM", "true").lower() in ("1", "true", "yes"):
    _warm()
