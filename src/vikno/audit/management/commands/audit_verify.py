import sys

from django.core.management import BaseCommand

from vikno.audit.verification import trail_verify


class Command(BaseCommand):
    help = (
        "Check the whole audit trail: sequence gaps, each record's hash and its link to the one before, the chain "
        "head, and every seal's Merkle root. Exits 1 and names the first broken record when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=5000, help="records read per round trip")

    def handle(self, *args, chunk_size: int, **options):
        result = trail_verify(chunk_size=chunk_size)
        if result.broken is not None:
            self.stderr.write(f"BROKEN at {result.broken}")
            if len(result.problems) > 1:
                self.stderr.write(f"({len(result.problems) - 1} more problem(s) after it)")
            self.stderr.write(f"{result.records} records checked intact before the break.")
            sys.exit(1)
        days = f", days {result.first_day} to {result.last_day}" if result.first_day else ""
        self.stdout.write(
            f"Intact: {result.records} records (sequences 1-{result.last_sequence}), chain head {result.head_hash}; "
            f"{result.seals} seals checked ({result.complete_days} whole days{days})."
        )
