"""The Django admin shows campaigns, messages and opt-outs, and changes none of them."""

import pytest
from django.urls import reverse

from outreach.models import Channel, Message
from outreach.selection import Selection
from tests.adoption.test_admin import superuser

from .test_campaigns import launched

pytestmark = pytest.mark.django_db


def test_admin_lists_outreach_records_read_only(province, client):
    # given
    client.force_login(superuser())
    admin_client = client
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    message = Message.objects.filter(campaign=campaign, channel=Channel.EMAIL).first()

    # when / then
    for name in ("campaign", "message", "optout"):
        assert admin_client.get(reverse(f"admin:outreach_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:outreach_{name}_add")).status_code == 403
    page = admin_client.get(reverse("admin:outreach_message_change", args=[message.pk]))
    assert page.status_code == 200
    assert admin_client.post(reverse("admin:outreach_message_change", args=[message.pk]),
                             {"state": "sent"}).status_code == 403
    message.refresh_from_db()
    assert message.state == "queued"
