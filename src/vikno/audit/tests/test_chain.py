"""The hash chain's serialisation and the Merkle tree, as documented in chain.py (no database)."""

import datetime as dt
import hashlib
import json
import uuid

from hypothesis import given
from hypothesis import strategies as st

from vikno.audit import chain

RECORD = {
    "sequence": 7,
    "id": uuid.UUID("0b5e4f5c-1c0d-4a4e-9f3b-2f6a8e1d2c3b"),
    "occurred_at": dt.datetime(2026, 11, 27, 10, 15, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "actor": uuid.UUID("6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"),
    "action": "applications.submitted",
    "object_type": "applications.application",
    "object_id": "a1b2",
    "source_ip": "::ffff:10.0.0.1",
    "reason": "Заява",
    "on_behalf_of": "",
    "details": {"b": [1, 2.0, {"z": None, "a": True}], "a": "ї"},
    "previous_hash": "ab" * 32,
}


def test_the_canonical_form_is_sorted_compact_utf8_json_with_utc_times_and_ids_as_text():
    expected = (
        '{"action":"applications.submitted","actor":"6f1d2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",'
        '"details":{"a":"ї","b":[1,2,{"a":true,"z":null}]},"id":"0b5e4f5c-1c0d-4a4e-9f3b-2f6a8e1d2c3b",'
        '"object_id":"a1b2","object_type":"applications.application","occurred_at":"2026-11-27T08:15:00.123456Z",'
        '"on_behalf_of":"","previous_hash":"' + "ab" * 32 + '","reason":"Заява","sequence":7,'
        '"source_ip":"0000:0000:0000:0000:0000:ffff:0a00:0001"}'
    )
    assert chain.canonical(**RECORD) == expected.encode("utf-8")
    assert chain.record_hash(**RECORD) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


def test_every_field_and_the_previous_hash_change_the_hash():
    original = chain.record_hash(**RECORD)
    changes = {
        "sequence": 8,
        "id": uuid.uuid4(),
        "occurred_at": RECORD["occurred_at"] + dt.timedelta(microseconds=1),
        "actor": None,
        "action": "applications.withdrawn",
        "object_type": "applications.attachment",
        "object_id": "a1b3",
        "source_ip": "10.0.0.1",
        "reason": "Заява ",
        "on_behalf_of": "x",
        "details": {**RECORD["details"], "a": "i"},
        "previous_hash": "ac" * 32,
    }
    assert set(changes) == set(chain.FIELDS) | {"previous_hash"}
    for name, value in changes.items():
        assert chain.record_hash(**{**RECORD, name: value}) != original, name


def test_values_read_back_from_a_database_hash_the_same():
    """jsonb gives 1e3 back as 1000 and keys as text; an IPv6 address may come back written another way."""
    as_read = {**RECORD, "details": {"b": [1.0, 2, {"a": True, "z": None}], "a": "ї"}, "source_ip": "::FFFF:a00:1"}
    assert chain.record_hash(**as_read) == chain.record_hash(**RECORD)
    assert chain.record_hash(**{**RECORD, "details": {1: 5e3}}) == chain.record_hash(
        **{**RECORD, "details": {"1": 5000}}
    )


def rfc6962_root(hashes: list[str]) -> bytes:
    """RFC 6962's definition, recursively: split at the largest power of two below n."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashlib.sha256(b"\x00" + bytes.fromhex(hashes[0])).digest()
    split = 1
    while split * 2 < len(hashes):
        split *= 2
    return hashlib.sha256(b"\x01" + rfc6962_root(hashes[:split]) + rfc6962_root(hashes[split:])).digest()


def test_small_trees_by_hand():
    a, b, c = (hashlib.sha256(name).hexdigest() for name in (b"a", b"b", b"c"))
    leaf = {h: hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in (a, b, c)}
    ab = hashlib.sha256(b"\x01" + leaf[a] + leaf[b]).digest()
    assert chain.merkle_root([]) == chain.EMPTY_ROOT == hashlib.sha256(b"").hexdigest()
    assert chain.merkle_root([a]) == leaf[a].hex()
    assert chain.merkle_root([a, b]) == ab.hex()
    # The odd third is carried up, not paired with itself.
    assert chain.merkle_root([a, b, c]) == hashlib.sha256(b"\x01" + ab + leaf[c]).hexdigest()


@given(st.lists(st.binary(min_size=32, max_size=32).map(bytes.hex), max_size=70))
def test_the_streaming_builder_the_level_by_level_tree_and_rfc_6962_agree(hashes):
    builder = chain.MerkleBuilder()
    for item in hashes:
        builder.add(item)
    assert builder.count == len(hashes)
    assert builder.root() == chain.merkle_root(hashes) == rfc6962_root(hashes).hex()


def test_the_python_check_on_the_transparency_page_computes_the_same_root(tmp_path):
    """The snippet shown to the public, run as it stands on a downloaded file."""
    from django.template.loader import get_template

    html = get_template("audit/transparency.html").template.source
    code = html.split("<code>")[1].split("</code>")[0].replace("&gt;", ">")
    for count in (0, 1, 2, 5, 8, 13):
        hashes = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(count)]
        (tmp_path / "audit-leaves-2026-11-27.txt").write_text("".join(f"{h}\n" for h in hashes))
        printed = []
        exec(  # noqa: S102 (the page's own snippet)
            code.replace('"audit-leaves-2026-11-27.txt"', json.dumps(str(tmp_path / "audit-leaves-2026-11-27.txt")), 1),
            {"print": printed.append},
        )
        assert printed == [chain.merkle_root(hashes)]
