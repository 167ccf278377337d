"""`manage.py load_demo`: write the demo catalogue (both languages) to the database. Safe to run again."""

from django.core.management import BaseCommand, CommandError

from vikno.catalog.demo.loader import DemoDataError, load_demo


class Command(BaseCommand):
    help = "Load the demo catalogue of organisations, services, life events and service centres (idempotent)."

    def handle(self, *args, **options) -> None:
        try:
            summary = load_demo()
        except DemoDataError as exc:
            raise CommandError(f"The demo catalogue was not loaded: {exc}") from exc
        self.stdout.write(summary.line())
