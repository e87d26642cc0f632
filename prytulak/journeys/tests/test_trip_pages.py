import datetime

from django.urls import reverse
from django.utils import timezone

from prytulak.conftest import make_household
from prytulak.journeys.models import Booking, BookingStatus, BorderCrossing, Journey, Trip


def form(**overrides):
    start = timezone.localtime() + datetime.timedelta(days=1)
    data = {
        "origin": "Львів",
        "destination": "Краків",
        "crossing": "PL-MEDYKA",
        "depart_earliest": start.strftime("%Y-%m-%dT%H:%M"),
        "depart_latest": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "arrive_by": (start + datetime.timedelta(hours=10)).strftime("%Y-%m-%dT%H:%M"),
        "seats": "5",
        "child_seats": "2",
        "wheelchair_spaces": "0",
        "luggage": "medium",
        "vehicle": "Grey Škoda Octavia, BC 7777 AA",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_coordinator_offers_a_trip_with_town_names_in_any_script(client, coordinator_b):
    client.force_login(coordinator_b)
    response = client.post(reverse("trip-create"), form())
    assert response.status_code == 302
    trip = Trip.objects.get()
    assert (trip.origin, trip.destination, trip.crossing.code) == ("Lviv", "Kraków", "PL-MEDYKA")
    assert (round(trip.origin_latitude, 1), round(trip.origin_longitude, 1)) == (49.8, 24.0)


def test_bad_trips_get_clear_errors_and_keep_what_was_typed(client, coordinator_b):
    client.force_login(coordinator_b)
    start = timezone.localtime() + datetime.timedelta(days=1)
    cases = [
        ({"crossing": "XX-NOWHERE"}, "There is no border crossing “XX-NOWHERE”"),
        ({"seats": "0"}, "greater than or equal to 1"),
        (
            {"arrive_by": (start - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")},
            "cannot arrive before it leaves",
        ),
        ({"destination": "Atlantis"}, "We could not find “Atlantis”"),
        ({"child_seats": "9"}, "part of the seats"),
    ]
    for overrides, message in cases:
        response = client.post(reverse("trip-create"), form(**overrides))
        assert response.status_code == 200, overrides
        assert message in response.text, overrides
        assert "Grey Škoda Octavia" in response.text  # nothing typed is lost
    assert not Trip.objects.exists()


def test_errors_speak_the_coordinators_language(client, coordinator_b):
    client.force_login(coordinator_b)
    url = reverse("trip-create").replace("/en/", "/uk/")
    response = client.post(url, form(crossing="XX-NOWHERE"))
    assert "Немає пункту пропуску" in response.text


def test_seats_are_requested_from_the_household_page_and_booked_from_the_trip_page(
    client, make_trip, caseworker_a, coordinator_b, org_a
):
    trip = make_trip()
    household = make_household(org_a, people=2)
    client.force_login(caseworker_a)
    page = client.get(reverse("household-detail", args=[household.pk]))
    assert "Trips that fit" in page.text and f'value="{trip.pk}"' in page.text
    client.post(reverse("seat-request", args=[household.pk]), {"trip": trip.pk})
    booking = Booking.objects.get()
    client.force_login(coordinator_b)
    page = client.get(reverse("trip-detail", args=[trip.pk]))
    assert f"#{household.pk}" in page.text
    client.post(reverse("booking-decide", args=[booking.pk]), {"decision": "booked"})
    assert Booking.objects.get().status == BookingStatus.BOOKED
    assert Journey.objects.get(household=household).legs.count() == 2


def test_staff_report_a_crossings_status(client, caseworker_a, viewer_a):
    crossing = BorderCrossing.objects.get(code="PL-MEDYKA")
    url = reverse("crossing-status", args=[crossing.pk])
    client.force_login(viewer_a)
    assert client.post(url, {"status": "closed"}).status_code == 403
    client.force_login(caseworker_a)
    client.post(url, {"status": "busy", "note": "6 hours for cars"})
    crossing.refresh_from_db()
    assert (crossing.status, crossing.status_note, crossing.status_updated_by) == (
        "busy",
        "6 hours for cars",
        caseworker_a,
    )
    assert "6 hours for cars" in client.get(reverse("crossing-list")).text
