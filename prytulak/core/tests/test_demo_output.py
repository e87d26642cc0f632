"""What `make demo` shows in the terminal: the seed's summary, where the e-mails went and,
last, the logins; the e-mails themselves go to files, not between the logins and the server."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

SETTINGS_FILE = Path(django_settings.BASE_DIR) / "prytulak" / "settings.py"


def test_without_configuration_e_mails_are_written_to_files_under_the_project(monkeypatch):
    for name in ("EMAIL_BACKEND", "EMAIL_FILE_PATH"):
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(SETTINGS_FILE))
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert Path(values["EMAIL_FILE_PATH"]) == Path(django_settings.BASE_DIR) / "sent-mail"


def test_an_e_mail_backend_from_the_environment_wins(monkeypatch):
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    values = runpy.run_path(str(SETTINGS_FILE))
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.usefixtures("keep_test_connection_in_worker")
def test_the_demo_prints_its_logins_last_and_its_e_mails_go_to_files(
    db, settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.SITE_URL = "http://192.0.2.10:8080"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", offers=120, households=80)
    seeded = capsys.readouterr().out
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)  # as make demo
    worker = capsys.readouterr().out

    files = list(tmp_path.iterdir())
    mails = "".join(f.read_text() for f in files)
    assert mails.count("Subject:") >= 1, "the seeded proposals e-mail their hosts"
    assert "Subject:" not in seeded + worker
    # The summary names the folder; the logins and the address to open come last.
    lines = [line for line in seeded.splitlines() if line.strip()]
    assert any(str(tmp_path) in line for line in lines)
    logins = next(i for i, line in enumerate(lines) if line.startswith("Demo logins"))
    assert all("byhelp" in line or "admin" in line or "<org>" in line or "Open" in line
               for line in lines[logins + 1 :]), lines[logins:]  # fmt: skip
    assert lines[-1].startswith("Open http://192.0.2.10:8080/")
