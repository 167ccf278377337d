"""`manage.py demo_fee_accounts`: a made-up treasury account for every organisation whose online services charge a
fee, so the demo can show paying by bank transfer (idempotent; never for a real portal)."""

import zlib

from django.core.management import BaseCommand

from vikno.applications.models import ServiceDefinition
from vikno.catalog.constants import CostKind
from vikno.catalog.models import Organisation
from vikno.payments.models import FeeAccount
from vikno.payments.statements.generate import ukrainian_iban


class Command(BaseCommand):
    help = "Give the demo organisations that charge fees a made-up fee account at the State Treasury."

    def handle(self, *args, **options):
        charging = ServiceDefinition.objects.filter(status="published").exclude(fee={})
        ids = set(charging.values_list("service__competent_authority_id", flat=True))
        ids |= set(
            ServiceDefinition.objects.filter(status="published", service__cost_kind=CostKind.FIXED).values_list(
                "service__competent_authority_id", flat=True
            )
        )
        for organisation in Organisation.objects.filter(pk__in=ids):
            # The account number is derived from the organisation, so every run makes the same one.
            number = f"3141{zlib.crc32(str(organisation.pk).encode()):010d}"
            _account, created = FeeAccount.objects.get_or_create(
                organisation=organisation,
                defaults={
                    "iban": ukrainian_iban(account=number),
                    "recipient_name": f"{organisation.name} (адміністративні збори)"[:200],
                    "recipient_code": organisation.code or "37567646",
                    "budget_code": "22012500",
                },
            )
            if created:
                self.stdout.write(f"Fee account for {organisation.name}")
