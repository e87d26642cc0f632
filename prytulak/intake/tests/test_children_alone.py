"""Children registering without an adult: never lose what they typed, flag it for child
protection, and give them a number to call now."""

from prytulak.intake.tests.test_need_intake import valid_post
from prytulak.people.models import Household

CHILDREN_ONLY = {"women": "0", "men": "0", "seniors": "0", "teens": "1", "children": "1"}


def test_a_children_only_registration_is_saved_and_flagged(client, db):
    response = client.post("/en/need/", valid_post(**CHILDREN_ONLY), follow=True)
    household = Household.objects.get()
    assert household.members.count() == 3  # the infant, the child and the teenager
    assert household.priority == 3  # most urgent: reviewed first
    assert household.organization is None  # waits in the pool, where coordinators see it
    assert "116 111" in response.content.decode()  # the child helpline, shown at once
    assert "112" in response.content.decode()


def test_the_helpline_is_a_setting(client, db, settings):
    settings.CHILD_HELPLINE = "0 800 500 225"
    response = client.post("/en/need/", valid_post(**CHILDREN_ONLY), follow=True)
    assert "0 800 500 225" in response.content.decode()


def test_staff_see_it_flagged_for_child_protection(client, db, coordinator_a):
    client.post("/en/need/", valid_post(**CHILDREN_ONLY))
    household = Household.objects.get()
    client.force_login(coordinator_a)
    listing = client.get("/en/staff/households/").content.decode()
    assert f"/staff/households/{household.pk}/" in listing
    assert "Children without an adult" in listing
    detail = client.get(f"/en/staff/households/{household.pk}/").content.decode()
    assert "Children without an adult" in detail


def test_a_family_with_an_adult_is_not_flagged(client, db, coordinator_a):
    client.post("/en/need/", valid_post())
    assert Household.objects.get().priority == 0
    client.force_login(coordinator_a)
    assert "Children without an adult" not in client.get("/en/staff/households/").content.decode()
