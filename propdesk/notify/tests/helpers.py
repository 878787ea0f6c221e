"""What the notification tests share: a ticket with an empty outbox, a real SMTP server in a
thread, and providers that fail on purpose."""

from __future__ import annotations

import email
import socket
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from propdesk.notify.models import OutboxMessage
from propdesk.notify.providers import PermanentError, Provider
from propdesk.tickets.models import Ticket
from propdesk.tickets.tests.helpers import register


def ticket_with_empty_outbox(world, now) -> Ticket:
    """A registered ticket; whatever its registration queued is removed, so a test counts only
    the messages it queues itself."""
    ticket = register(world, now)
    OutboxMessage.objects.all().delete()
    return ticket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collect:
    """aiosmtpd handler: keeps every message that arrived, parsed; refuses nobody@…."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = _Collect()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def start(self) -> None:
        self._controller = Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, ready_timeout=5
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server, and Django's SMTP backend pointed at it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "华宇物业客服中心 <service@huayu.example>"
    try:
        yield server
    finally:
        server.stop()


class FailingProvider(Provider):
    """Always down."""

    name = "failing"

    def send(self, message):
        raise ConnectionRefusedError("gateway unreachable")


class RefusingProvider(Provider):
    """Refuses every address for good."""

    name = "refusing"

    def send(self, message):
        raise PermanentError("number does not exist")


class CountingProvider(Provider):
    """Counts what it was given, thread-safely (for the two-worker test)."""

    name = "counting"
    sent: list[int] = []
    lock = threading.Lock()

    def send(self, message):
        with self.lock:
            self.sent.append(message.pk)
        return f"count:{message.pk}"
