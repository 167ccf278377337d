import os
import shutil

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vikno.identity.eid.demo import SERVER, server_environment


class Command(BaseCommand):
    help = "Run the demo national eID provider (made-up citizens; never for a real portal)."

    def handle(self, *args, **options):
        node = shutil.which("node")
        if node is None:
            raise CommandError("The demo eID provider needs Node.js (node >= 20) on the PATH.")
        try:
            environment = server_environment(keys_path=settings.VAR_DIR / "demo-eid" / "jwks.json")
        except LookupError as error:
            raise CommandError(str(error)) from error
        os.execve(node, [node, str(SERVER)], environment)  # noqa: S606 (a fixed program, no shell)
