from django.core.management.base import BaseCommand

from prytulak.core.tasks import daily, daily_task


class Command(BaseCommand):
    help = "Daily follow-up and retention: expire offers, remind hosts, schedule check-ins, purge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run here and now instead of enqueuing the job."
        )

    def handle(self, *args, now: bool = False, **options):
        if now:
            for name, count in daily().items():
                self.stdout.write(f"{name}: {count}")
        else:
            result = daily_task.enqueue()
            self.stdout.write(f"Enqueued daily job {result.id}")
