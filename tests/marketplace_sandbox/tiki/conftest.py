"""A Tiki simulator on a random loopback port, decisions by hand (no auto-approval)."""

import pytest

from marketplace_sandbox.tiki import TikiSimulator

CLIENT_ID = "7590139168389961"
CLIENT_SECRET = "test_client_secret"
SELLER = "5678"
REDIRECT = "https://sme.example.vn/marketplaces/tiki/callback/"


@pytest.fixture
def tiki():
    sim = TikiSimulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
    yield sim
    sim.stop()
