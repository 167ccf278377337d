"""Daily seals: the Merkle root of each Kyiv day, partial seals of a day so far, the scheduled task and the
command; the transparency page, the JSON and the leaf download show exactly the computed roots."""

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from vikno.audit import chain, guards, sealing
from vikno.audit.models import AuditRecord, DaySeal
from vikno.audit.services import record
from vikno.audit.tasks import seal_finished_days
from vikno.audit.tests.conftest import DAY_ONE, DAY_TWO, kyiv
from vikno.audit.verification import trail_verify

pytestmark = pytest.mark.django_db

DAY_THREE = dt.date(2026, 11, 22)


def hashes(first: int, last: int) -> list[str]:
    return list(
        AuditRecord.objects.filter(sequence__range=(first, last))
        .order_by("sequence")
        .values_list("record_hash", flat=True)
    )


def rfc6962(leaves: list[str]) -> str:
    """The root as RFC 6962 defines it, independently of chain.py."""

    def tree(items: list[bytes]) -> bytes:
        if len(items) == 1:
            return hashlib.sha256(b"\x00" + items[0]).digest()
        split = 1
        while split * 2 < len(items):
            split *= 2
        return hashlib.sha256(b"\x01" + tree(items[:split]) + tree(items[split:])).digest()

    return tree([bytes.fromhex(h) for h in leaves]).hex() if leaves else hashlib.sha256(b"").hexdigest()


def add(at, moment, name: str):
    at(moment)
    return record(actor=None, action="test.more", target_type="test.thing", target_id=name)


def test_each_finished_day_is_sealed_once_over_its_records(trail):
    one, two = trail.seals
    assert (one.day, one.complete, one.first_sequence, one.last_sequence, one.record_count) == (DAY_ONE, True, 1, 5, 5)
    assert (two.day, two.complete, two.first_sequence, two.last_sequence, two.record_count) == (DAY_TWO, True, 6, 10, 5)
    assert one.merkle_root == rfc6962(hashes(1, 5)) and one.head_hash == trail.records[5].record_hash
    assert two.merkle_root == rfc6962(hashes(6, 10)) and two.head_hash == trail.records[10].record_hash
    assert one.computed_at == kyiv(DAY_THREE, 1)
    assert sealing.days_seal() == []
    assert seal_finished_days.call() == 0
    assert DaySeal.objects.count() == 2


def test_a_day_is_its_kyiv_calendar_day(at):
    # Kyiv is UTC+2 in November: 21:59:59 UTC on the 19th is still the 19th there, 22:00 UTC is the 20th.
    for moment in ("2026-11-19T21:59:59+00:00", "2026-11-19T22:00:00+00:00", "2026-11-20T21:59:59+00:00"):
        add(at, dt.datetime.fromisoformat(moment), moment)
    add(at, dt.datetime.fromisoformat("2026-11-20T22:00:00+00:00"), "21st")
    assert [(s.day, s.first_sequence, s.last_sequence) for s in sealing.days_seal()] == [
        (dt.date(2026, 11, 19), 1, 1),
        (DAY_ONE, 2, 3),
    ]


def test_sealing_today_so_far_leaves_the_whole_day_to_be_sealed_after_midnight(trail, at):
    add(at, kyiv(DAY_THREE, 9), "a")
    add(at, kyiv(DAY_THREE, 10), "b")
    at(kyiv(DAY_THREE, 11))
    [morning] = sealing.days_seal(until=DAY_THREE)
    assert sealing.days_seal(until=DAY_THREE) == []  # nothing new since
    add(at, kyiv(DAY_THREE, 15), "c")
    at(kyiv(DAY_THREE, 16))
    [afternoon] = sealing.days_seal(until=DAY_THREE)
    add(at, kyiv(DAY_THREE, 23, 59), "d")
    at(kyiv(dt.date(2026, 11, 23), 0, 5))
    [whole] = seal_finished_days.call() and DaySeal.objects.filter(day=DAY_THREE, complete=True)

    assert [(s.complete, s.first_sequence, s.last_sequence) for s in (morning, afternoon, whole)] == [
        (False, 11, 12),
        (False, 11, 13),
        (True, 11, 14),
    ]
    assert morning.merkle_root == rfc6962(hashes(11, 12))
    assert afternoon.merkle_root == rfc6962(hashes(11, 13))
    assert whole.merkle_root == rfc6962(hashes(11, 14))
    result = trail_verify()
    assert (result.intact, result.seals, result.complete_days) == (True, 5, 3)


def test_a_day_without_records_is_sealed_with_the_root_of_nothing(trail, at):
    add(at, kyiv(dt.date(2026, 11, 23), 12), "later")
    at(kyiv(dt.date(2026, 11, 24), 3))
    empty, later = sorted(sealing.days_seal(), key=lambda s: s.day)
    assert (empty.day, empty.first_sequence, empty.last_sequence, empty.record_count) == (DAY_THREE, 11, 10, 0)
    assert (empty.merkle_root, empty.head_hash) == (chain.EMPTY_ROOT, trail.records[10].record_hash)
    assert (later.first_sequence, later.last_sequence) == (11, 11)
    assert trail_verify().intact


def test_a_record_committed_after_its_day_was_sealed_opens_the_next_days_range(trail, at):
    """A transaction that read the clock at 23:59:59 but committed after the seal: the ranges still cover
    the chain without a gap."""
    late = add(at, kyiv(DAY_TWO, 23, 59), "late")
    at(kyiv(dt.date(2026, 11, 23), 1))
    [seal] = sealing.days_seal()
    assert (seal.day, seal.first_sequence, seal.last_sequence) == (DAY_THREE, late.sequence, late.sequence)
    assert trail_verify().intact


def test_no_root_is_published_over_a_gap(trail, at):
    with connection.cursor() as cursor:
        for statement in guards.remove_sql(connection.vendor):
            cursor.execute(statement)
    add(at, kyiv(DAY_THREE, 9), "a")
    add(at, kyiv(DAY_THREE, 10), "b")
    AuditRecord._base_manager.filter(sequence=11).delete()
    at(kyiv(dt.date(2026, 11, 23), 1))
    with pytest.raises(sealing.SealRefused, match="sequences 11-12 have 1 records; run audit_verify"):
        sealing.days_seal()
    assert DaySeal.objects.count() == 2


def test_the_seal_command(trail, at):
    out = io.StringIO()
    call_command("audit_seal", stdout=out)
    assert out.getvalue() == "Nothing new to seal.\n"
    add(at, kyiv(DAY_THREE, 9), "a")
    at(kyiv(DAY_THREE, 12))
    out = io.StringIO()
    call_command("audit_seal", "--day", "2026-11-22", stdout=out)
    seal = DaySeal.objects.get(day=DAY_THREE)
    assert out.getvalue() == f"2026-11-22 (so far): sequences 11-11, 1 records, root {seal.merkle_root}\n"
    with pytest.raises(CommandError, match="2026-11-23 has not begun yet"):
        call_command("audit_seal", "--day", "2026-11-23")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("audit_seal", "--day", "22.11.2026")


# --- What the public sees ---------------------------------------------------------------------------------


def test_the_transparency_page_lists_exactly_the_computed_roots(client, trail, at):
    add(at, kyiv(DAY_THREE, 9), "a")
    at(kyiv(DAY_THREE, 10))
    sealing.days_seal(until=DAY_THREE)
    partial = DaySeal.objects.get(day=DAY_THREE)

    page = client.get("/transparency/").content.decode()
    for seal, root in (
        (trail.seals[0], rfc6962(hashes(1, 5))),
        (trail.seals[1], rfc6962(hashes(6, 10))),
        (partial, rfc6962(hashes(11, 11))),
    ):
        row_id = f'id="seal-{seal.day:%Y-%m-%d}{"" if seal.complete else f"-{seal.last_sequence}"}"'
        row = page[page.index(row_id) : page.index("</tr>", page.index(row_id))]
        assert f'<code class="merkle-root">{root[:32]}<wbr>{root[32:]}</code>' in row
        assert f"/transparency/{seal.day:%Y-%m-%d}/leaves.txt" in row
    assert page.index("seal-2026-11-22") < page.index("seal-2026-11-21") < page.index("seal-2026-11-20")
    assert '<html lang="uk"' in page
    english = client.get("/en/transparency/").content.decode()
    assert '<h1 class="govuk-heading-xl">Transparency of the audit trail</h1>' in english


def test_the_transparency_page_reads_the_same_number_of_queries_for_any_number_of_days(
    client, trail, at, django_assert_num_queries
):
    client.get("/transparency/")
    with django_assert_num_queries(3):  # the count, the page and the last check of the trail
        client.get("/transparency/")
    for day in range(23, 30):
        add(at, kyiv(dt.date(2026, 11, day), 9), str(day))
    at(kyiv(dt.date(2026, 12, 1), 1))
    sealing.days_seal()
    with django_assert_num_queries(3):
        response = client.get("/transparency/")
    # 20 to 30 November (the 22nd and the 30th without records).
    assert response.content.decode().count('class="merkle-root"') == 11


def test_the_json_of_the_roots(client, trail):
    data = client.get("/transparency/roots.json").json()
    assert data["tree"] == {
        "hash": "SHA-256",
        "leaf": "SHA-256(0x00 || record_hash bytes)",
        "node": "SHA-256(0x01 || left || right)",
        "odd_node": "carried up to the next level unchanged",
        "empty_root": hashlib.sha256(b"").hexdigest(),
        "day": "Europe/Kyiv calendar day",
    }
    assert data["seals"] == [
        {
            "day": day,
            "complete": True,
            "first_sequence": first,
            "last_sequence": last,
            "record_count": 5,
            "merkle_root": rfc6962(hashes(first, last)),
            "head_hash": trail.records[last].record_hash,
            "computed_at": "2026-11-21T23:00:00.000000Z",
            "leaves": f"http://testserver/transparency/{day}/leaves.txt",
        }
        for day, first, last in (("2026-11-21", 6, 10), ("2026-11-20", 1, 5))
    ]


def test_anyone_recomputes_a_day_root_from_its_leaf_download(client, trail, at):
    published = {s["day"]: s["merkle_root"] for s in client.get("/transparency/roots.json").json()["seals"]}
    for day, first, last in (("2026-11-20", 1, 5), ("2026-11-21", 6, 10)):
        response = client.get(f"/transparency/{day}/leaves.txt")
        assert response["Content-Type"] == "text/plain; charset=us-ascii"
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines == hashes(first, last)
        assert rfc6962(lines) == published[day] == response["X-Merkle-Root"]


def test_a_partial_root_is_the_root_of_the_first_lines_of_the_days_download(client, trail, at):
    for hour in (9, 10, 11):
        add(at, kyiv(DAY_THREE, hour), str(hour))
        if hour == 10:
            sealing.days_seal(until=DAY_THREE)
    at(kyiv(dt.date(2026, 11, 23), 1))
    sealing.days_seal()
    seals = [s for s in client.get("/transparency/roots.json").json()["seals"] if s["day"] == "2026-11-22"]
    assert [(s["complete"], s["record_count"]) for s in seals] == [(True, 3), (False, 2)]
    lines = b"".join(client.get("/transparency/2026-11-22/leaves.txt").streaming_content).decode().splitlines()
    assert rfc6962(lines) == seals[0]["merkle_root"]
    assert rfc6962(lines[: seals[1]["record_count"]]) == seals[1]["merkle_root"]


@pytest.mark.parametrize("day", ["2026-11-25", "2026-13-01", "yesterday"])
def test_no_leaves_for_a_day_without_a_seal(client, trail, day):
    assert client.get(f"/transparency/{day}/leaves.txt").status_code == 404


def test_an_empty_trail_has_nothing_to_show(client):
    assert sealing.days_seal() == []
    assert 'id="no-roots"' in client.get("/transparency/").content.decode()
    assert json.loads(client.get("/transparency/roots.json").content)["seals"] == []
