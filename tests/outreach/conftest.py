"""Outreach fixtures: a real SMTP server on loopback (aiosmtpd), settings that send at once, a small province."""

import datetime
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from adoption.models import RegisterEntry
from messaging_sandbox.sandbox import esms_sandbox, zalo_sandbox
from sme.businesses.models import Business, LegalForm
from tests.adoption.factories import RegisterEntryFactory, listing, officer, on_register
from tests.sme.businesses.factories import BusinessFactory, HouseholdFactory, _tax_code, ward


@dataclass
class Inbox:
    """What the SMTP server received: parsed messages, in order."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler protocol
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]

    def body(self, message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def _send_now(settings):
    """Sending hours around the clock and no pacing wait worth measuring (the benchmark measures the rate)."""
    settings.OUTREACH_SENDING_HOURS = (0, 24)
    settings.OUTREACH_RATE_PER_MINUTE = {"email": 60_000}
    settings.SITE_URL = "http://testserver"


# far above the businesses the session's BusinessFactory numbers (it uses the same tax-code sequence from 0)
_seq = iter(range(5_000_000, 6_000_000))


def register_only(*, ward_code: str = "30226", email: str = "", **kwargs) -> RegisterEntry:
    """A business on the register only (not on the platform), with a valid tax code."""
    return RegisterEntryFactory(identifier=_tax_code(next(_seq)), ward=ward(ward_code), contact_email=email,
                                **kwargs)


@dataclass
class Province:
    officer: object
    lai_vung_entry: RegisterEntry  # register only, with an e-mail: selected
    sa_dec_entry: RegisterEntry  # register only, another ward
    registered: Business  # on the platform and the register, not selling: selected
    selling: Business  # a live listing: online, never selected
    household: Business  # household series


@pytest.fixture
def province(db) -> Province:
    """Lai Vung (30226) and Sa Đéc (29905): two register-only businesses, one registered but not selling,
    one selling, one household."""
    the_officer = officer()
    lai_vung = register_only(email="lienhe@sen-lai-vung.example", name="Công ty TNHH Sen Lai Vung")
    sa_dec = register_only(ward_code="29905", email="hello@sa-dec.example", name="Công ty TNHH Hoa Sa Đéc")
    registered = BusinessFactory(ward=ward("30226"))
    on_register(registered, contact_email="chu@dang-ky.example")
    selling = BusinessFactory(ward=ward("30226"))
    on_register(selling, contact_email="ban@online.example")
    listing(selling, published=timezone.now() - datetime.timedelta(days=3))
    household = HouseholdFactory(ward=ward("30226"))
    on_register(household, legal_form=LegalForm.HOUSEHOLD, contact_email="ho@kinh-doanh.example")
    return Province(officer=the_officer, lai_vung_entry=lai_vung, sa_dec_entry=sa_dec, registered=registered,
                    selling=selling, household=household)


@pytest.fixture
def zns(settings, db):
    """The Zalo ZNS sandbox (and Zalo's OAuth token endpoint), with the settings that point the provider at
    it; the Official Account's tokens are stored in the database."""
    sandbox = zalo_sandbox()
    for name, value in sandbox.settings.items():
        setattr(settings, name, value)
    yield sandbox.simulator
    sandbox.simulator.stop()


@pytest.fixture
def esms(settings):
    """The eSMS sandbox, with the settings that point the provider at it."""
    sandbox = esms_sandbox()
    for name, value in sandbox.settings.items():
        setattr(settings, name, value)
    yield sandbox.simulator
    sandbox.simulator.stop()
