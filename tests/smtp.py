"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, in a thread of the test process.

Make the fixture available in a test directory by importing it into its ``conftest.py``::

    from tests.smtp import smtp_sink  # noqa: F401

(or list ``"tests.smtp"`` in ``pytest_plugins`` of the root conftest). A test that asks for
``smtp_sink`` gets a running server and ``MAILERS["default"]`` pointing at it through Django's
SMTP backend, so mail goes over a real socket::

    def test_mail(smtp_sink):
        ...send...
        assert smtp_sink.messages[0]["Subject"] == "Hello"
        smtp_sink.stop()    # the mail server is down: connections are refused
        smtp_sink.start()   # back again, on the same port
"""

import email.policy
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"

# aiosmtpd logs every SMTP command at INFO; a failing test's output should show ours instead.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Delivery:
    """One message as the server received it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class _Handler:
    """aiosmtpd handler: refuses the addresses in ``sink.refused``, keeps everything else."""

    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.sink.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parser = BytesParser(policy=email.policy.default)
        message = parser.parsebytes(envelope.original_content)
        # The client gets "250" only after this returns, so a test that has sent sees the
        # message: no waiting or polling needed.
        self.sink.deliveries.append(Delivery(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpSink:
    """An SMTP server that keeps what it receives; stop and start it to simulate an outage."""

    def __init__(self, port: int | None = None) -> None:
        self.host = HOST
        self.port = port or _free_port()
        self.deliveries: list[Delivery] = []
        self.refused: set[str] = set()  # lower-case addresses answered with 550
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        """The messages received so far, oldest first."""
        return [delivery.message for delivery in self.deliveries]

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on the same port."""
        if self._controller is None:
            # A stopped Controller has closed its event loop: each start needs a new one.
            controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def refuse(self, address: str) -> None:
        """Answer RCPT TO for ``address`` with a permanent 550 error."""
        self.refused.add(address.lower())

    def mailer(self, timeout: float = 5) -> dict[str, Any]:
        """A ``MAILERS`` entry sending to this server."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "timeout": timeout},
        }


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """A running SMTP sink with ``MAILERS["default"]`` pointed at it; stopped at teardown."""
    sink = SmtpSink()
    sink.start()
    settings.MAILERS = {**settings.MAILERS, "default": sink.mailer()}
    try:
        yield sink
    finally:
        sink.stop()
