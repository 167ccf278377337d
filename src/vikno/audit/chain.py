"""The hash chain and the Merkle tree of the audit trail: pure functions, no database.

Anyone can re-implement these from this description (the transparency page points here and to ADR 0010).

Record hash
    ``record_hash = SHA-256(canonical)``, written as 64 lowercase hex digits. ``canonical`` is the UTF-8 encoding
    of a JSON object with exactly these keys, sorted, with no spaces (``separators=(",", ":")``), non-ASCII
    characters written as themselves (not ``\\u`` escapes)::

        sequence       the record's place in the chain, an integer from 1, gap-free
        id             the record's UUID, lowercase with hyphens
        occurred_at    UTC, ISO 8601 with microseconds and a Z: "2026-11-27T08:15:00.123456Z"
        actor          the acting account's UUID as above, or null
        action, object_type, object_id, reason, on_behalf_of    strings, as stored
        source_ip      the address written out in full (IPv4 dotted; IPv6 as eight groups of four hex digits), or null
        details        the details object as stored (keys sorted at every level; a number with no fraction is
                       written as an integer, as databases return it)
        previous_hash  the record_hash of the record before (sequence - 1); for sequence 1, 64 zeros

Merkle tree of a seal (the records of one sealed range, in sequence order)
    leaf = SHA-256(0x00 || the 32 bytes of a record_hash)
    node = SHA-256(0x01 || left || right)
    The leaves are paired left to right, level by level; a node left without a partner at the end of a level is
    carried up unchanged (never paired with itself). The prefixes keep a leaf from passing for a node (the
    second-preimage trick). With no records the root is SHA-256 of nothing. This is the tree of RFC 6962 (2.1).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Iterable
from typing import Any

GENESIS_HASH = "0" * 64
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

# The fields in the canonical serialisation, besides previous_hash (every column of the record).
FIELDS = (
    "sequence",
    "id",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "source_ip",
    "reason",
    "on_behalf_of",
    "details",
)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.lru_cache(maxsize=4096)
def ip_text(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return ipaddress.ip_address(address).exploded
    except ValueError:
        return str(address)


def json_value(value: Any) -> Any:
    """The details as a database gives them back: integral numbers as integers (PostgreSQL's jsonb returns
    1e3 as 1000), keys as strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical(
    *,
    sequence: int,
    id: uuid.UUID | str,
    occurred_at: dt.datetime,
    actor: uuid.UUID | str | None,
    action: str,
    object_type: str,
    object_id: str,
    source_ip: str | None,
    reason: str,
    on_behalf_of: str,
    details: Any,
    previous_hash: str,
) -> bytes:
    payload = {
        "sequence": int(sequence),
        "id": str(id),
        "occurred_at": utc_text(occurred_at),
        "actor": None if actor is None else str(actor),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "source_ip": ip_text(source_ip),
        "reason": reason,
        "on_behalf_of": on_behalf_of,
        "details": json_value(details),
        "previous_hash": previous_hash,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def record_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


def leaf_hash(record_hash_hex: str) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + bytes.fromhex(record_hash_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class MerkleBuilder:
    """The root over record hashes fed one at a time, in memory that grows with log2 of their number.

    The stack holds the roots of complete subtrees, largest first; two of the same height merge at once. At the
    end the leftovers fold from the right, which is exactly the tree with odd nodes carried up."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []
        self.count = 0

    def add(self, record_hash_hex: str) -> None:
        height, digest = 0, leaf_hash(record_hash_hex)
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            height, digest = height + 1, node_hash(left, digest)
        self._stack.append((height, digest))
        self.count += 1

    def root(self) -> str:
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest.hex()


def merkle_root(record_hashes: Iterable[str]) -> str:
    """The root as the tree is described: level by level, an odd node carried up."""
    level = [leaf_hash(item) for item in record_hashes]
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        pairs = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return level[0].hex()
