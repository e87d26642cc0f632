"""Links in e-mails lead to the site people actually use: the host a request came to, or
SITE_URL for e-mails sent outside a request (background jobs, cron, the demo seed)."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from prytulak.conftest import make_offer
from prytulak.housing import placements, services
from prytulak.housing.models import CheckIn, PlacementStatus
from prytulak.intake.tests.test_host_intake import valid_post
from prytulak.notify import services as notify
from prytulak.orgs.scopes import actor_for


def _links(body):
    return re.findall(r"https?://\S+", body)


def test_a_confirmation_link_sent_during_a_request_uses_the_host_it_came_to(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["prytulak.example.net"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/uk/host/", valid_post(), HTTP_HOST="prytulak.example.net")
    (message,) = mail.outbox
    (link,) = _links(message.body)
    assert link.startswith("http://prytulak.example.net/uk/host/confirm/"), link


def test_a_request_over_https_behind_a_proxy_gets_an_https_link(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["prytulak.example.net"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/host/",
            valid_post(),
            HTTP_HOST="prytulak.example.net",
            HTTP_X_FORWARDED_PROTO="https",
        )
    (link,) = _links(mail.outbox[0].body)
    assert link.startswith("https://prytulak.example.net/en/host/confirm/"), link


def test_background_jobs_build_links_from_site_url(db, settings, org_a, caseworker_a, household_a):
    settings.SITE_URL = "https://example.org"
    caseworker_a.email = "andriy@example.org"
    caseworker_a.save()
    offer = make_offer(org_a, beds=4)
    placement = placements.placement_propose(
        household=household_a, offer=offer, actor=actor_for(caseworker_a)
    )
    placement.status = PlacementStatus.ARRIVED
    placement.arrived_at = timezone.now() - datetime.timedelta(days=7)
    placement.save()
    CheckIn.objects.create(placement=placement, due_on=timezone.localdate())
    mail.outbox.clear()
    assert notify.checkins_due() == 1
    (link,) = _links(mail.outbox[-1].body)
    assert link == f"https://example.org/pl/staff/placements/{placement.pk}/"  # BY_help is in PL
    assert services.offer_reconfirm_link(offer).startswith("https://example.org/")


def test_a_bad_host_header_never_ends_up_in_a_link(db, settings):
    from django.test import RequestFactory

    from prytulak.core.site import current_request, site_url

    settings.SITE_URL = "https://example.org"
    request = RequestFactory().get("/", HTTP_HOST="evil.example.com")
    with current_request(request):
        assert site_url() == "https://example.org"
    assert site_url() == "https://example.org"
