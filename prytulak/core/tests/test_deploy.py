import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "SECURE": "true",
        "DEBUG": "false",
        "SECRET_KEY": "x7!kq2Lr9#pVb3Zt8Wm1Yc6Hn0Jd4Fs5Ga-e&uQoXiR%TyUwPzS",
        "ALLOWED_HOSTS": "prytulak.example.org",
        "SITE_URL": "https://prytulak.example.org",
        "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "FIELD_ENCRYPTION_SALT": "Zq8vN3kL0pXw7Rt2Ys5Bh1Jm4Cd9Fg6E",
        "BLIND_INDEX_KEY": "uT4nW8qZ1xK6cV3bM9sL2dF7hJ0gR5yP",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_does_complain_with_development_defaults():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECURE", "SECRET_KEY", "DEBUG", "FIELD_ENCRYPTION_SALT", "BLIND_INDEX_KEY"}
    }
    env["REQUIRE_2FA"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "SECRET_KEY" in output
    for check in ("prytulak.W001", "prytulak.W002", "prytulak.W003", "security.W004"):
        assert check in output, check
