"""Backup and restore of the PostgreSQL database with pg_dump / pg_restore.

The dump holds personal data only in encrypted form (Fernet, django-fernet-encrypted-fields):
it is readable with the keys that wrote it (SECRET_KEY or SECRET_KEY_FALLBACKS with
FIELD_ENCRYPTION_SALT), which are never in the dump. Keep them apart from the backups.
docs/deployment.md, *Backup and restore*, has the procedure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    pass


def _libpq(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore/psql (no password on argv)."""
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backup and restore need PostgreSQL (DATABASE_URL=postgres://...).")
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    environ = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environ["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, environ


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def backup(*, output: Path, alias: str = "default") -> Path:
    """A consistent snapshot (pg_dump's own transaction) in pg_dump's custom format."""
    args, environ = _libpq(connections[alias].settings_dict)
    result = subprocess.run(  # noqa: S603 - our own argv list, no shell
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
         "--file", str(output), *args],
        env=environ, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_dump failed")
    return output


def restore(*, source: Path, settings_dict: dict[str, Any]) -> None:
    """Restore a dump into an empty database, all or nothing (one transaction)."""
    args, environ = _libpq(settings_dict)
    tables = subprocess.run(  # noqa: S603 - our own argv list, no shell
        [_tool("psql"), *args, "-tAc",
         "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=environ, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if tables.returncode != 0:
        raise BackupError(tables.stderr.strip() or "cannot reach the target database")
    if tables.stdout.strip() != "0":
        raise BackupError("The target database is not empty; restore into a new database.")
    result = subprocess.run(  # noqa: S603 - our own argv list, no shell
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", *args, str(source)],
        env=environ, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_restore failed")
