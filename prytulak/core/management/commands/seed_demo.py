from django.conf import settings
from django.core.management.base import BaseCommand

from prytulak.core.demo import DEMO_PASSWORD, ORGANISATIONS, seed_demo
from prytulak.orgs.models import Organization


class Command(BaseCommand):
    help = "Fill the database with realistic demo data (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--offers", type=int, default=2000)
        parser.add_argument("--households", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args, offers, households, seed, **options):
        if Organization.objects.filter(slug=ORGANISATIONS[0][1]).exists():
            self.stdout.write("Demo data is already there; not seeding again.")
        else:
            report = seed_demo(offers=offers, households=households, seed=seed)
            self.stdout.write(
                f"Seeded {report.organisations} organisations, {report.users} users, "
                f"{report.offers} offers, {report.households} households "
                f"({report.people} people), {report.placements} placements, "
                f"{report.trips} trips, {report.bookings} bookings, "
                f"{report.shipments} aid shipments."
            )
        self.stdout.write(_where_mail_goes())
        # Last, so that nothing the seed prints pushes them out of sight.
        slugs = ", ".join(slug for _name, slug, _country in ORGANISATIONS)
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(
            "\nDemo logins (password for all: "
            f"{DEMO_PASSWORD}):\n"
            "  admin                       site administrator (/admin/)\n"
            "  byhelp-coordinator          coordinator of BY_help (demo): sees its own and pooled households\n"
            "  byhelp-caseworker           caseworker: its organisation's households\n"
            "  byhelp-warehouse            warehouse volunteer: stock, donations, shipments\n"
            "  byhelp-viewer               viewer: no contact details\n"
            f"  <org>-<role> for the other organisations: {slugs}\n"
            f"\nOpen {site}/ (Ukrainian: {site}/uk/)\n"
        )


def _where_mail_goes() -> str:
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend == "filebased":
        return (
            f"E-mails (proposals to hosts, confirmation links) are written to files in "
            f"{settings.EMAIL_FILE_PATH}/, not sent."
        )
    return f"E-mails go through the {backend} backend (EMAIL_BACKEND)."
