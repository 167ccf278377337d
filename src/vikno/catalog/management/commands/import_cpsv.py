"""Read a CPSV-AP 3.2.0 document (as export_cpsv writes it) into the catalogue. Imported services are published."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vikno.catalog.cpsv.formats import FORMATS, format_for_path, parse
from vikno.catalog.cpsv.importer import CpsvImportError, catalogue_import


class Command(BaseCommand):
    help = (
        "Import a CPSV-AP 3.2.0 document (Turtle or JSON-LD). Services, organisations, sectors, life events and "
        "centres are created or updated by their identifiers; imported services are published, because an "
        "export holds published services only. All or nothing: a document with an error changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .ttl or .jsonld file")
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: from the file name")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            fmt = options["format"] or format_for_path(path.name).name
            graph = parse(path.read_bytes(), fmt)
            result = catalogue_import(graph=graph, actor=None)
        except (OSError, ValueError, CpsvImportError) as error:
            raise CommandError(f"{path}: {error}") from error
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            f"Imported {result.services} services, {result.organisations} organisations, {result.sectors} sectors, "
            f"{result.life_events} life events and {result.centres} service centres."
        )
