import datetime as dt

from django.core.management import BaseCommand, CommandError

from vikno.audit import sealing


class Command(BaseCommand):
    help = (
        "Seal the audit trail: every finished day not sealed yet (what the worker does hourly), or up to --day. "
        "--day today seals today's records so far as well, in a partial seal that does not stand in the way "
        "of the whole day's seal tomorrow."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", help="YYYY-MM-DD (Kyiv time); default: yesterday")

    def handle(self, *args, day: str | None, **options):
        until = None
        if day:
            try:
                until = dt.date.fromisoformat(day)
            except ValueError as error:
                raise CommandError(f"--day: {day!r} is not a date like 2026-11-27") from error
        try:
            written = sealing.days_seal(until=until)
        except sealing.SealRefused as error:
            raise CommandError(str(error)) from error
        if not written:
            self.stdout.write("Nothing new to seal.")
        for seal in written:
            kind = "day" if seal.complete else "so far"
            self.stdout.write(
                f"{seal.day} ({kind}): sequences {seal.first_sequence}-{seal.last_sequence}, "
                f"{seal.record_count} records, root {seal.merkle_root}"
            )
