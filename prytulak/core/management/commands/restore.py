from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError

from prytulak.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a dump made by `manage.py backup` into an empty PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument("dump")
        parser.add_argument(
            "--database-url",
            required=True,
            help="the new, empty database, e.g. postgres://postgres@127.0.0.1:5432/restored",
        )

    def handle(self, *args, dump: str, database_url: str, **options):
        source = Path(dump)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        try:
            restore(source=source, settings_dict=dict(dj_database_url.parse(database_url)))
        except (BackupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {source} into {database_url.rsplit('/', 1)[-1]}")
