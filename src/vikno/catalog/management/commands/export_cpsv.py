"""Write the published catalogue as CPSV-AP 3.2.0 (Turtle or JSON-LD) to a file or to standard output."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from vikno.catalog.cpsv.export import catalogue_graph
from vikno.catalog.cpsv.formats import FORMATS, TURTLE, serialize


class Command(BaseCommand):
    help = "Export the published catalogue as CPSV-AP 3.2.0 (services, organisations, life events, centres)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(FORMATS), default=TURTLE.name, help="default: turtle")
        parser.add_argument("--output", metavar="FILE", help="write to this file instead of standard output")

    def handle(self, *args, **options) -> None:
        data = serialize(catalogue_graph(), options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"Wrote {len(data)} bytes to {options['output']}.")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
