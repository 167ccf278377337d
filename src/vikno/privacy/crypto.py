"""Personal data at rest: authenticated encryption with named keys, and keyed blind indexes for exact lookups.

Keys never live in the database. They come from settings (read from a file or the environment in conf/base.py):
a list of named 256-bit data keys, the first of which encrypts everything new, and one blind-index key.

A text value is stored as ``vk1.<key id>.<base64url(nonce | ciphertext | tag)>``, encrypted with AES-256-GCM.
The associated data names the column (``identity.user.rnokpp``), so a value copied into another column, or
another table, does not decrypt. A file is stored as ``VKF1 <id length> <key id> <nonce> <ciphertext | tag>``.
Naming the key in every value is what lets keys rotate while the portal runs (see ``rotate_data_keys``).

A blind index is HMAC-SHA256 of the normalised value under its own key: equal values give equal indexes, so
"the account with this taxpayer number" is one indexed equality, and the index alone reveals nothing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TEXT_PREFIX = "vk1."
FILE_MAGIC = b"VKF1"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionFailed(ValueError):
    """A stored value that is not ours, was changed, or was written under a key the portal no longer has."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str
    index_key: bytes

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """Named keys from ``id:base64`` entries separated by commas or new lines; the first is the current one."""
    keys: list[tuple[str, bytes]] = []
    for entry in re.split(r"[,\n]", text or ""):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        key_id, _, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(f"A data key id must be 1-32 letters, digits, _ or -, not {key_id!r}.")
        key = _decode_key(encoded.strip(), what=f"data key {key_id}")
        if any(key_id == known for known, _ in keys):
            raise ImproperlyConfigured(f"The data key id {key_id} is listed twice.")
        keys.append((key_id, key))
    return keys


def _decode_key(encoded: str, *, what: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"The {what} is not base64.") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"The {what} must be {KEY_BYTES} bytes, not {len(key)}.")
    return key


def new_key_text(key_id: str) -> str:
    """A fresh ``id:base64`` entry, for a key file."""
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def keyring() -> Keyring:
    return _keyring(settings.VIKNO_DATA_KEYS, settings.VIKNO_BLIND_INDEX_KEY)


@functools.lru_cache(maxsize=4)
def _keyring(data_keys: str, index_key: str) -> Keyring:
    keys = parse_keys(data_keys)
    if not keys:
        raise ImproperlyConfigured(
            "No data keys: set VIKNO_DATA_KEYS_FILE (or VIKNO_DATA_KEYS); `manage.py demo_keys` writes demo ones."
        )
    if not index_key:
        raise ImproperlyConfigured("No blind-index key: set VIKNO_BLIND_INDEX_KEY_FILE (or VIKNO_BLIND_INDEX_KEY).")
    return Keyring(keys=dict(keys), current_id=keys[0][0], index_key=_decode_key(index_key, what="blind-index key"))


def encrypt_text(plaintext: str, *, purpose: str) -> str:
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.current).encrypt(nonce, plaintext.encode(), _associated(ring.current_id, purpose))
    return f"{TEXT_PREFIX}{ring.current_id}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt_text(token: str, *, purpose: str) -> str:
    key_id, sealed = _split_token(token)
    ring = keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionFailed(f"a value of {purpose} is under key {key_id!r}, which is not configured")
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated(key_id, purpose))
    except InvalidTag:
        raise DecryptionFailed(f"a value of {purpose} was altered or belongs elsewhere") from None
    return plain.decode()


def text_key_id(token: str) -> str:
    """The id of the key a stored value is under."""
    return _split_token(token)[0]


def _split_token(token: str) -> tuple[str, bytes]:
    if not token.startswith(TEXT_PREFIX):
        raise DecryptionFailed("a stored value is not encrypted")
    key_id, dot, encoded = token[len(TEXT_PREFIX) :].partition(".")
    try:
        sealed = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionFailed("a stored value is damaged") from None
    if not dot or len(sealed) < NONCE_BYTES + 16:
        raise DecryptionFailed("a stored value is damaged")
    return key_id, sealed


def _associated(key_id: str, purpose: str) -> bytes:
    return f"{key_id}|{purpose}".encode()


def encrypt_bytes(data: bytes) -> bytes:
    ring = keyring()
    key_id = ring.current_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    header = FILE_MAGIC + bytes([len(key_id)]) + key_id
    return header + nonce + AESGCM(ring.current).encrypt(nonce, data, header)


def is_encrypted_bytes(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


def bytes_key_id(data: bytes) -> str:
    if not is_encrypted_bytes(data) or len(data) < len(FILE_MAGIC) + 1:
        raise DecryptionFailed("a stored file is not encrypted")
    length = data[len(FILE_MAGIC)]
    return data[len(FILE_MAGIC) + 1 : len(FILE_MAGIC) + 1 + length].decode("ascii", "replace")


def decrypt_bytes(data: bytes) -> bytes:
    key_id = bytes_key_id(data)
    header_end = len(FILE_MAGIC) + 1 + len(key_id.encode())
    key = keyring().keys.get(key_id)
    if key is None:
        raise DecryptionFailed(f"a stored file is under key {key_id!r}, which is not configured")
    nonce, sealed = data[header_end : header_end + NONCE_BYTES], data[header_end + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, sealed, data[:header_end])
    except InvalidTag:
        raise DecryptionFailed("a stored file was altered") from None


def blind_index(value: str, *, purpose: str) -> str:
    """The keyed index of an exact value ("" for no value, so that emptiness stays queryable)."""
    if not value:
        return ""
    digest = hmac.new(keyring().index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def data_key_problems(data_keys: str, index_key: str) -> list[str]:
    """Why the configured keys are unfit for production (conf/production.py refuses to start on any)."""
    if not data_keys:
        return ["VIKNO_DATA_KEYS_FILE (or VIKNO_DATA_KEYS) must name the keys that encrypt personal data."]
    try:
        keys = parse_keys(data_keys)
    except ImproperlyConfigured as error:
        return [str(error)]
    problems = []
    if any(key_id.startswith(("demo", "test")) for key_id, _ in keys):
        problems.append("The data keys must not be the demo or test keys (their ids start with demo or test).")
    if not index_key:
        problems.append("VIKNO_BLIND_INDEX_KEY_FILE (or VIKNO_BLIND_INDEX_KEY) must be set.")
        return problems
    try:
        index = _decode_key(index_key, what="blind-index key")
    except ImproperlyConfigured as error:
        return [*problems, str(error)]
    if any(index == key for _, key in keys):
        problems.append("The blind-index key must differ from every data key.")
    return problems
