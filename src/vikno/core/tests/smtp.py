"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, for tests."""

import contextlib
import email
import socket
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message

from aiosmtpd.controller import Controller


class _Inbox:
    """Keeps every message; refuses for good (550) any address at nowhere.example."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@nowhere.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(port: int | None = None, inbox: list[Message] | None = None) -> Iterator[tuple[int, list[Message]]]:
    """A server on `port` (a free one by default); pass the `inbox` of an earlier server to keep collecting."""
    handler = _Inbox()
    if inbox is not None:
        handler.messages = inbox
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler.messages
    finally:
        controller.stop()


def subject(message: Message) -> str:
    """The Subject header as the reader sees it (decoded from its MIME words)."""
    return str(make_header(decode_header(message["Subject"])))
