"""The map's snapshot follows a shared version: a change of offers moves it, a process whose
snapshot is older reloads (from the worker's copy when there is one), and nothing is reloaded
while nothing changed."""

import pytest

from prytulak.conftest import make_offer
from prytulak.housing import services
from prytulak.housing.models import OfferStatus
from prytulak.maps import snapshot
from prytulak.orgs.scopes import actor_for


@pytest.fixture
def shared(settings, monkeypatch):
    """Snapshots kept in the process as in production; reloads run inline so a test can see them,
    and every load from the database is counted."""
    settings.MAP_SNAPSHOT_SECONDS = 600
    settings.MAP_VERSION_CHECK_SECONDS = 0
    snapshot.forget()
    loads = []
    real_load = snapshot.load

    def counting_load():
        loads.append(1)
        return real_load()

    monkeypatch.setattr(snapshot, "load", counting_load)
    monkeypatch.setattr(snapshot, "_start_reload", snapshot._reload)
    monkeypatch.setattr(snapshot.connections, "close_all", lambda: None)  # the test's transaction
    yield loads
    snapshot.forget()


def test_a_change_of_an_offer_bumps_the_version(
    org_a, coordinator_a, django_capture_on_commit_callbacks
):
    offer = make_offer(org_a)
    before = snapshot.shared_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_set_status(
            offer=offer, actor=actor_for(coordinator_a), status=OfferStatus.PAUSED
        )
    assert snapshot.shared_version() == (before or 0) + 1


def test_no_bump_before_the_commit(org_a, coordinator_a, django_capture_on_commit_callbacks):
    offer = make_offer(org_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.offer_update(offer=offer, actor=actor_for(coordinator_a), data={"beds": 5})
    assert snapshot.shared_version() is None
    assert len(callbacks) == 1


def test_a_process_with_a_stale_version_reloads(shared, org_a):
    make_offer(org_a)
    assert len(snapshot.current()) == 1
    assert len(shared) == 1
    make_offer(org_a, city="Wrocław")
    assert len(snapshot.current()) == 1  # nothing said the offers changed
    snapshot.version_bump()
    snapshot.current()  # sees the new version, reloads (inline here, a thread in production)
    assert len(shared) == 2
    assert len(snapshot.current()) == 2


def test_no_reload_when_nothing_changed(shared, org_a):
    make_offer(org_a)
    snapshot.version_bump()
    snapshot.current()
    for _ in range(5):
        snapshot.current()
    assert len(shared) == 1


def test_an_old_snapshot_is_reloaded_after_the_longest_age(shared, settings, org_a):
    make_offer(org_a)
    snapshot.current()
    settings.MAP_SNAPSHOT_SECONDS = -1  # any age is too old
    snapshot.current()
    assert len(shared) == 2


def test_a_process_takes_the_workers_copy_instead_of_the_database(shared, org_a):
    make_offer(org_a)
    snapshot.version_bump()
    version = snapshot.build_shared()  # what the job worker does
    assert len(shared) == 1
    snapshot.forget()
    columns = snapshot.current()  # a fresh process: the worker's copy, no database read
    assert len(shared) == 1
    assert len(columns) == 1
    assert columns.countries == ["PL"]
    assert snapshot._state["version"] == version


def test_the_worker_builds_once_for_a_burst_of_changes(shared, org_a):
    make_offer(org_a)
    snapshot.version_bump()
    snapshot.build_shared()
    snapshot.build_shared()
    assert len(shared) == 1


def test_the_build_is_enqueued_for_a_worker_when_asked(
    settings, org_a, coordinator_a, django_capture_on_commit_callbacks, monkeypatch
):
    settings.MAP_SNAPSHOT_BUILD_IN_WORKER = True
    enqueued = []

    class Task:
        def enqueue(self):
            enqueued.append(1)

    monkeypatch.setattr("prytulak.maps.tasks.build_snapshot_task", Task())
    offer = make_offer(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_update(offer=offer, actor=actor_for(coordinator_a), data={"beds": 2})
    assert enqueued == [1]
