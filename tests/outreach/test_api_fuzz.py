"""The campaigns API fuzzed from its own OpenAPI document, as the indicator's API is (tests/adoption/
test_api_fuzz.py): every generated request, conforming or not, gets a clear 4xx or a 2xx that conforms to the
document, never a 500, and changes nothing but the audit trail of its reads."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings

from adoption.models import ApiToken
from adoption.services import api_token_create, token_hash
from outreach import services
from outreach.models import Channel
from outreach.selection import Selection
from tests.adoption.test_api_fuzz import _row_counts

schema = schemathesis.openapi.from_wsgi(reverse("outreach:api_openapi"), get_wsgi_application())
FUZZ_TOKEN = "dta_fuzz-" + "o" * 34


@pytest.fixture
def officer_token(province):
    # A sent campaign (id 1 in a fresh database, which generated paths often ask for) and the officer's token.
    campaign = services.campaign_create(name="Fuzz", selection=Selection(wards=("30226",)),
                                        channels=[Channel.EMAIL], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    services.campaign_queue(campaign_id=campaign.pk)
    record, _secret = api_token_create(user=province.officer, name="fuzz")
    ApiToken.objects.filter(pk=record.pk).update(token_hash=token_hash(FUZZ_TOKEN), prefix=FUZZ_TOKEN[:10])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FUZZ_TOKEN
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.auth(refresh_interval=None)
class OfficerToken:
    def get(self, case, context):
        return FUZZ_TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_every_generated_request_gets_a_clear_4xx_or_a_conforming_2xx_and_changes_nothing(case, officer_token):
    # given
    before = _row_counts()

    # when
    response = case.call()

    # then
    assert response.status_code < 500, response.text
    case.validate_response(response)
    if 400 <= response.status_code < 500 and case.method != "HEAD":
        error = response.json()["error"]
        assert error["code"] and error["message"], response.text
    assert _row_counts() == before
