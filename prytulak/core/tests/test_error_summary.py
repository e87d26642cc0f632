"""Every form sent back with errors starts with a summary that links to each error."""

import re

from django.utils import timezone

from prytulak.intake.tests.test_need_intake import valid_post


def _summary(html: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_public_form_with_errors_starts_with_a_focused_summary(client, db):
    post = valid_post(arrival_date="", phone="abc", consent="")
    html = client.post("/en/need/", post).content.decode()
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "autofocus" in summary
    assert "There is a problem" in summary
    assert 'href="#id_arrival_date"' in summary
    assert 'href="#id_phone"' in summary
    assert 'href="#id_consent"' in summary
    # The summary comes before the form, so it is the first thing seen.
    assert html.index("error-summary") < html.index('<form method="post" novalidate')


def test_non_field_errors_are_in_the_summary(client, db):
    post = valid_post(women="0", men="0", infants="0", children="0", teens="0", seniors="0")
    summary = _summary(client.post("/en/need/", post).content.decode())
    assert "Tell us how many people need a place." in summary


def test_fields_with_errors_are_marked_and_described(client, db):
    html = client.post("/en/need/", valid_post(arrival_date="")).content.decode()
    field = re.search(r"<input[^>]*id=\"id_arrival_date\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert "id_arrival_date_error" in field  # aria-describedby points at the error
    assert 'id="id_arrival_date_error"' in html


def test_the_host_form_gets_it_too(client, db):
    html = client.post("/en/host/", {"consent": "on"}).content.decode()
    summary = _summary(html)
    assert 'href="#id_name"' in summary and 'href="#id_beds"' in summary


def test_a_staff_form_gets_it_too(client, coordinator_a):
    client.force_login(coordinator_a)
    html = client.post("/en/staff/trips/new/", {"origin": "Lviv"}).content.decode()
    summary = _summary(html)
    assert 'href="#id_destination"' in summary and 'href="#id_seats"' in summary


def test_a_page_without_errors_has_no_summary(client, db):
    assert "error-summary" not in client.get("/en/need/").content.decode()
    post = valid_post(arrival_date=timezone.localdate().isoformat())
    assert client.post("/en/need/", post).status_code == 302
