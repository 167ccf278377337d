"""Writers appending at once, each in its own transaction on its own connection (threads), make one unbroken
chain: on PostgreSQL they queue on the chain head's row lock, on SQLite on the database's write lock."""

import threading
import time

import pytest
from django.db import connection, transaction

from vikno.audit.models import AuditRecord, ChainHead
from vikno.audit.services import record
from vikno.audit.verification import trail_verify

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8
EACH = 15


def test_concurrent_appends_make_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(EACH):
                with transaction.atomic():
                    record(actor=None, action="test.concurrent", target_type="test.writer", target_id=f"{number}-{n}")
                    # More work in the same transaction after the append: the next writer waits for the commit.
                    time.sleep(0.002)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert not any(thread.is_alive() for thread in threads)
    rows = list(
        AuditRecord.objects.order_by("sequence").values_list("sequence", "object_id", "previous_hash", "record_hash")
    )
    assert [row[0] for row in rows] == list(range(1, WRITERS * EACH + 1))
    assert sorted(row[1] for row in rows) == sorted(f"{w}-{n}" for w in range(WRITERS) for n in range(EACH))
    assert all(rows[i][2] == rows[i - 1][3] for i in range(1, len(rows)))
    assert ChainHead.objects.get().sequence == WRITERS * EACH
    result = trail_verify()
    assert (result.intact, result.records) == (True, WRITERS * EACH)
