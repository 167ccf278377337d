"""`manage.py rotate_data_keys`: re-encrypt personal data at rest under the current (first) data key.

To rotate: put a new key first in the key file, keep the old ones after it, restart the portal's processes so
they write with the new key, run this command (the portal keeps running), then remove the old keys once
`--check` reports nothing left under them.
"""

from django.core.management import BaseCommand, CommandError

from vikno.privacy.rotation import data_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and private file under the current data key."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only count what is still under an older key.")

    def handle(self, *args, check=False, **options):
        report = data_keys_rotate(dry_run=check)
        if check:
            for name, count in sorted(report.left.items()):
                self.stdout.write(f"{name}: {count} under an older key")
            if report.left:
                raise CommandError(f"{sum(report.left.values())} value(s) or file(s) are still under older keys.")
            self.stdout.write("Everything is under the current key.")
            return
        for name, count in sorted(report.values.items()):
            self.stdout.write(f"{name}: {count} re-encrypted")
        self.stdout.write(f"files: {report.files} re-encrypted")
