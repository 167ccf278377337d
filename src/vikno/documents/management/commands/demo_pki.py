"""`manage.py demo_pki`: a demo PKI in settings.VIKNO_SIGNING_DIR, so that the demo can issue signed documents.

Makes only what is missing (a rerun changes no file): the demo root CA, one EC P-256 signing certificate per
organisation of the catalogue (and a default one for organisations added later), and the DEMO marker file
that keeps production from starting with these keys. Run it after `manage.py load_demo`.
"""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from vikno.catalog.models import Organisation
from vikno.documents import pki


class Command(BaseCommand):
    help = "Create the demo signing CA and a demo certificate for every organisation (only what is missing)."

    def handle(self, *args, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("The demo PKI has no secret keys; it is never made in production.")
        directory = pki.signing_dir()
        organisations = [pki.demo_organisation(o) for o in Organisation.objects.order_by("slug")]
        try:
            written = pki.ensure_demo_pki(directory, organisations)
        except pki.DemoPkiRefused as error:
            raise CommandError(str(error)) from error
        certificates = sum(1 for path in written if path.name == pki.CERTIFICATE)
        self.stdout.write(
            f"Demo PKI in {directory}: {certificates} new signing certificate(s), {len(written)} file(s) written."
        )
