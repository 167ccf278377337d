import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from vikno.applications.definition import DefinitionError
from vikno.applications.definition_files import definition_import


class Command(BaseCommand):
    help = "Import a service definition file as a new version (see docs/service-definitions.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the new version at once.")

    def handle(self, *args, path: Path, publish: bool, **options):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            stored = definition_import(data=data, publish=publish)
        except (OSError, ValueError) as error:
            problems = error.problems if isinstance(error, DefinitionError) else [str(error)]
            raise CommandError("\n".join(problems)) from error
        self.stdout.write(f"{stored.service.identifier}: version {stored.version} ({stored.get_status_display()})")
