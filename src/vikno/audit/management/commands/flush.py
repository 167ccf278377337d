"""Django's flush, able to empty the append-only audit tables (see `vikno.audit.guards`).

Flushing removes every row of every table, the chain head with the records, so the trail that follows starts
again at sequence 1 and verifies. The test suite flushes after each test that commits (pytest-django and
Django's TransactionTestCase call this command), and so may a demo reset; the portal itself never does.
"""

from django.core.management.commands import flush
from django.db import connections

from vikno.audit.guards import maintenance


class Command(flush.Command):
    def handle(self, **options):
        with maintenance(connections[options["database"]]):
            return super().handle(**options)
