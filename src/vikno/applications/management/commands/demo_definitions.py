"""`manage.py demo_definitions`: publish the demo services' definitions (idempotent: unchanged files are skipped)."""

import json
from pathlib import Path

from django.core.management import BaseCommand

from vikno.applications.definition_files import definition_import, same_content
from vikno.applications.models import ServiceDefinition

DEMO_DIR = Path(__file__).resolve().parents[2] / "definitions"


class Command(BaseCommand):
    help = "Publish the service definitions of the demo services (applications/definitions/*.json)."

    def handle(self, *args, **options):
        for path in sorted(DEMO_DIR.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            published = ServiceDefinition.objects.filter(
                service__identifier=data["service"], status="published"
            ).first()
            if published is not None and same_content(published, data):
                continue
            stored = definition_import(data=data, publish=True)
            self.stdout.write(f"Published {path.name}: {stored.service.identifier} version {stored.version}")
