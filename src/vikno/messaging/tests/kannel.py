"""Kannel for tests: bearerbox and smsbox on free localhost ports with the `fakesmsc` test SMSC of kannel-extras
standing in for the mobile network. A `Handset` is one fakesmsc connection: it may send one SMS to the portal
(what a person types) and it prints every SMS the network delivers, which the test reads back."""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

from vikno.core.tests.smtp import free_port

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
PASSWORD = "kannel-test-password"
RECEIVED = re.compile(r"Got message \d+: <(\S+) (\S+) (.*)>$")
# A part of a long SMS: its user data header (concatenation: 05 00 03 <ref> <parts> <number>), then the part.
PART = re.compile(r"udh (\S+) (\S+) (.*)$")

CONFIG = """\
group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = {password}
admin-allow-ip = "127.0.0.1"
smsbox-port = {smsbox_port}
box-allow-ip = "127.0.0.1"
log-file = "{folder}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fakesmsc
port = {network_port}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{folder}/smsbox.log"
log-level = 1

group = sendsms-user
username = vikno
password = {password}
user-allow-ip = "127.0.0.1"
concatenation = true
max-messages = 10

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{portal}/sms/kannel/incoming?token={token}&id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C"
"""


@dataclass(frozen=True)
class Sms:
    sender: str
    to: str
    text: str


def _wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"Kannel did not open port {port}")


def _bytes(data: str) -> bytes:
    return unquote_to_bytes(data.replace("+", "%20"))  # fakesmsc prints spaces as +


def _decode(kind: str, data: str) -> str:
    return _bytes(data).decode("utf-16-be") if kind in ("ucs-2", "data") else data


def _messages(lines: list[str]) -> list[Sms]:
    """Whole SMS in the order their last part arrived (a long one comes in parts that the phone joins)."""
    whole: list[Sms] = []
    parts: dict[tuple, dict[int, str]] = {}
    for line in lines:
        if not (found := RECEIVED.search(line)):
            continue
        sender, to, rest = found.groups()
        if not (part := PART.match(rest)):
            kind, _space, data = rest.partition(" ")
            whole.append(Sms(sender, to, _decode(kind, data)))
            continue
        header, kind, data = part.groups()
        _length, _element, _size, reference, count, number = _bytes(header)
        pieces = parts.setdefault((sender, to, reference), {})
        pieces[number] = _decode(kind, data)
        if len(pieces) == count:
            whole.append(Sms(sender, to, "".join(pieces[n] for n in sorted(pieces))))
            del parts[(sender, to, reference)]
    return whole


class Handset:
    """One connection of the fake mobile network; `send` is an SMS from a phone to the portal's number."""

    def __init__(self, network_port: int, folder: Path, sms: tuple[str, str, str] | None) -> None:
        self.log = folder / f"handset-{time.monotonic_ns()}.log"
        if sms is None:
            args = ["-m", "0", "0 0 text nothing"]
        else:
            sender, to, text = sms
            encoded = quote_from_bytes(text.encode("utf-16-be"))
            args = ["-m", "1", "-i", "0.1", f"{sender} {to} ucs2 {encoded}"]
        self.process = subprocess.Popen(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(network_port), *args],
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "wb"),  # noqa: SIM115 (closed with the process)
        )

    def received(self, count: int, seconds: float = 15) -> list[Sms]:
        """The first `count` SMS the network delivered to this connection (waits for them)."""
        deadline = time.monotonic() + seconds
        while True:
            messages = _messages(self.log.read_text(errors="replace").splitlines())
            if len(messages) >= count or time.monotonic() > deadline:
                return messages
            time.sleep(0.05)

    def hang_up(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Kannel:
    def __init__(self, folder: Path, portal_url: str, token: str) -> None:
        if not (Path(BEARERBOX).exists() and Path(FAKESMSC).exists()):
            raise RuntimeError(
                "Kannel is not installed: run `make system-deps` (Debian packages kannel, kannel-extras)"
            )
        self.folder = folder
        ports = {name: free_port() for name in ("admin_port", "smsbox_port", "network_port", "sendsms_port")}
        self.network_port, self.sendsms_port = ports["network_port"], ports["sendsms_port"]
        config = folder / "kannel.conf"
        config.write_text(CONFIG.format(folder=folder, password=PASSWORD, portal=portal_url, token=token, **ports))
        self.boxes = [subprocess.Popen([BEARERBOX, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        _wait_for_port(ports["smsbox_port"])
        self.boxes.append(subprocess.Popen([SMSBOX, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait_for_port(self.sendsms_port)
        self.handsets: list[Handset] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def handset(self, sms: tuple[str, str, str] | None = None) -> Handset:
        """Connect the network (hanging up the previous connection: the fake SMSC serves one at a time)."""
        self.hang_up()
        self.handsets = [Handset(self.network_port, self.folder, sms)]
        return self.handsets[0]

    def hang_up(self) -> None:
        for handset in self.handsets:
            handset.hang_up()
        self.handsets = []

    def stop(self) -> None:
        self.hang_up()
        for box in reversed(self.boxes):
            box.terminate()
            box.wait(timeout=15)


@contextlib.contextmanager
def kannel(folder: Path, portal_url: str, token: str) -> Iterator[Kannel]:
    gateway = Kannel(folder, portal_url, token)
    try:
        yield gateway
    finally:
        gateway.stop()
