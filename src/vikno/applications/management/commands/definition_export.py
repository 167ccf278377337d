import json

from django.core.management import BaseCommand, CommandError

from vikno.applications.definition_files import definition_export
from vikno.applications.models import ServiceDefinition


class Command(BaseCommand):
    help = "Print a service's definition as JSON (the published version, or --version N)."

    def add_arguments(self, parser):
        parser.add_argument("service", help="The catalogue service's identifier")
        parser.add_argument("--version", type=int, dest="number")

    def handle(self, *args, service: str, number: int | None, **options):
        versions = ServiceDefinition.objects.filter(service__identifier=service)
        stored = versions.filter(version=number).first() if number else versions.filter(status="published").first()
        if stored is None:
            raise CommandError(f"no such definition of {service}")
        self.stdout.write(json.dumps(definition_export(stored), ensure_ascii=False, indent=2))
