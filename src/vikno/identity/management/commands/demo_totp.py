from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from vikno.identity.management.commands.demo_accounts import DEMO_ACCOUNTS, demo_totp_key


class Command(BaseCommand):
    help = "Print the current authenticator code of each demo official (their secrets are public)."

    def handle(self, *args, **options) -> None:
        if (settings.SETTINGS_MODULE or "").endswith(".production"):
            raise CommandError("Demo accounts are never used in production.")
        for account in DEMO_ACCOUNTS:
            code = TOTP(bytes.fromhex(demo_totp_key(account.email))).token()
            self.stdout.write(f"{account.email:<36} {code:06d}")
