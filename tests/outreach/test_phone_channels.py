"""Zalo and SMS invitations through the sandbox providers: who can be reached (the register gives no phone:
the businesses on the platform), the links in the message, a provider's "later" retried once sent once."""

import re

import pytest

from outreach import services
from outreach.forms import CampaignForm
from outreach.models import Channel, Message, MessageState
from outreach.selection import Selection

pytestmark = pytest.mark.django_db


def token(url: str, prefix: str) -> str:
    """The signed token of a personal or opt-out link as the message carries it."""
    assert url.startswith("http://testserver" + prefix)
    return url.removeprefix("http://testserver" + prefix).rstrip("/")


def launched(officer, channels):
    campaign = services.campaign_create(name="Zalo Lai Vung", selection=Selection(wards=("30226",)),
                                        channels=channels, officer=officer)
    services.campaign_launch(campaign=campaign, officer=officer)
    return services.campaign_queue(campaign_id=campaign.pk)


def test_unconfigured_providers_are_not_offered(province):
    assert [value for value, _label in CampaignForm().fields["channels"].choices] == ["email", "letter"]


def test_zalo_reaches_the_registered_business_with_its_links(province, zns):
    # given
    assert "zalo" in [value for value, _label in CampaignForm().fields["channels"].choices]
    campaign = launched(province.officer, [Channel.ZALO])

    # when
    services.channel_send_batch(channel=Channel.ZALO)

    # then: the register-only business has no phone; the registered one gets the template
    states = dict(Message.objects.filter(campaign=campaign).values_list("identifier", "state"))
    assert states == {province.lai_vung_entry.identifier: MessageState.NO_ADDRESS,
                      province.registered.identifier: MessageState.SENT}
    [sent] = zns.sent
    message = Message.objects.get(campaign=campaign, state=MessageState.SENT)
    assert sent.tracking_id == f"outreach-{message.pk}"
    assert services.link_open(token=token(sent.params["link"], "/outreach/i/")) == message
    assert services.opt_out_check(token=token(sent.params["opt_out"], "/outreach/stop/")) == message
    assert sent.params["business_name"] == province.registered.legal_name


def test_a_provider_asking_to_wait_is_retried_later_and_sends_once(province, zns):
    # given
    campaign = launched(province.officer, [Channel.ZALO])
    zns.unknown_errors = 1

    # when
    again = services.channel_send_batch(channel=Channel.ZALO)
    message = Message.objects.get(campaign=campaign, identifier=province.registered.identifier)
    waiting = message.state
    services.channel_send_batch(channel=Channel.ZALO)

    # then
    assert again == 60 and waiting == MessageState.QUEUED
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 2
    assert len(zns.sent) == 1


def test_sms_carries_the_personal_and_opt_out_links_in_vietnamese(province, esms):
    # given
    campaign = launched(province.officer, [Channel.SMS])

    # when
    services.channel_send_batch(channel=Channel.SMS)

    # then
    [sent] = esms.sent
    message = Message.objects.get(campaign=campaign, state=MessageState.SENT)
    link, opt_out = re.findall(r"http://testserver\S+", sent.text)
    assert services.link_open(token=token(link, "/outreach/i/")) == message
    assert services.opt_out_check(token=token(opt_out, "/outreach/stop/")) == message
    assert sent.text.startswith("Sở Công Thương mời")


def test_a_refused_number_fails_that_message_and_is_not_retried(province, esms):
    # given
    campaign = launched(province.officer, [Channel.SMS])
    message = Message.objects.get(campaign=campaign, identifier=province.registered.identifier)
    esms.blocked.update({"84901234567", "0901234567"})  # the business's +84901234567, either way written

    # when
    services.channel_send_batch(channel=Channel.SMS)

    # then
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.error_code == "99"
    assert esms.sent == []
