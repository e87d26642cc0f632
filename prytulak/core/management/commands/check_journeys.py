from django.core.management.base import BaseCommand

from prytulak.core.tasks import journeys_task
from prytulak.journeys.services import journeys_check_late


class Command(BaseCommand):
    help = "Raise alerts for journeys not confirmed as arrived (run every 15 minutes from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run here instead of enqueuing.")

    def handle(self, *args, now: bool = False, **options):
        if now:
            self.stdout.write(f"alerts raised: {journeys_check_late()}")
        else:
            self.stdout.write(f"Enqueued journey check {journeys_task.enqueue().id}")
