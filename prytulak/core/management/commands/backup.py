import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prytulak.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (pg_dump, custom format) to a file."

    def add_arguments(self, parser):
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        parser.add_argument("--output", default=f"prytulak-{stamp}.dump")

    def handle(self, *args, output: str, **options):
        try:
            path = backup(output=Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {path} ({path.stat().st_size} bytes)")
