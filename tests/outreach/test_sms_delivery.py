"""eSMS's delivery reports (E-status, E-callback) against the sandbox: an SMS eSMS accepted is followed until
eSMS says whether the phone got it, and the campaign page shows it. eSMS's callback is not signed, so it only
makes us ask eSMS."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outreach import services
from outreach.models import Channel, DeliveryStatus, Message, MessageState
from outreach.selection import Selection

pytestmark = pytest.mark.django_db


def sent_sms(province, esms) -> Message:
    campaign = services.campaign_create(name="SMS Lai Vung", selection=Selection(wards=("30226",)),
                                        channels=[Channel.SMS], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    services.campaign_queue(campaign_id=campaign.pk)
    services.channel_send_batch(channel=Channel.SMS)
    return Message.objects.get(campaign=campaign, state=MessageState.SENT)


def delivery_rows(client, message) -> str:
    page = client.get(reverse("outreach:campaign_detail", args=[message.campaign_id])).content.decode()
    start = page.find("data-sms-delivery")
    return page[start:page.find("</ul>", start)] if start >= 0 else ""


def test_a_delivered_sms_is_shown_delivered_on_the_campaign_page(province, esms, client):
    # given: eSMS accepted the SMS; its report has not been asked yet
    message = sent_sms(province, esms)
    [sent] = esms.sent
    assert (message.provider_message_id, message.delivery_status) == (sent.provider_message_id,
                                                                      DeliveryStatus.PENDING)
    client.force_login(province.officer)
    assert "Waiting for the delivery report: 1" in delivery_rows(client, message)

    # when: the poll asks eSMS
    assert services.sms_deliveries_poll() == 1

    # then
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.DELIVERED and message.delivery_checked_at is not None
    rows = delivery_rows(client, message)
    assert "Delivered to the phone: 1" in rows and "Waiting" not in rows
    # Vietnamese first
    province.officer.preferred_language = "vi"
    province.officer.save(update_fields=["preferred_language"])
    assert "Đã đến máy người nhận: 1" in delivery_rows(client, message)
    # a report that came is not asked again
    asked = esms.count(path="/MainService.svc/json/GetSendStatus")
    services.sms_deliveries_poll()
    assert esms.count(path="/MainService.svc/json/GetSendStatus") == asked == 1


def test_an_sms_the_phone_did_not_get_is_shown_not_delivered(province, esms, client):
    # given
    esms.undelivered.add("0901234567")
    message = sent_sms(province, esms)
    # when
    services.sms_deliveries_poll()
    # then
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.UNDELIVERED
    client.force_login(province.officer)
    assert "Not delivered: 1" in delivery_rows(client, message)


def test_a_report_still_waiting_at_the_telco_stays_waiting_and_is_asked_again(province, esms):
    # given
    esms.reports_pending = True
    message = sent_sms(province, esms)
    # when
    assert services.sms_deliveries_poll() == 0
    # then
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.PENDING and message.delivery_checked_at is not None
    esms.reports_pending = False
    assert services.sms_deliveries_poll() == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.DELIVERED


def test_esms_busy_leaves_the_report_waiting_for_the_next_poll(province, esms):
    message = sent_sms(province, esms)
    esms.set_faults(status_5xx=1)
    assert services.sms_deliveries_poll() == 0
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.PENDING
    assert services.sms_deliveries_poll() == 1


def test_messages_older_than_esms_keeps_are_not_asked(province, esms):
    message = sent_sms(province, esms)
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() - datetime.timedelta(days=8))
    assert services.sms_deliveries_poll() == 0
    assert esms.count(path="/MainService.svc/json/GetSendStatus") == 0


def test_the_esms_callback_makes_us_ask_esms_and_its_own_words_are_not_believed(
        province, esms, client, django_capture_on_commit_callbacks, settings):
    # given: the phone did not get the SMS; the callback URL is given to eSMS with each SMS
    settings.OUTREACH_ESMS_CALLBACK_URL = "https://sme.example.vn/outreach/esms/delivery/"
    esms.undelivered.add("0901234567")
    message = sent_sms(province, esms)
    assert esms.callback_urls == {message.provider_message_id: "https://sme.example.vn/outreach/esms/delivery/"}

    # when: a callback (as eSMS sends it: a GET) that claims the SMS was delivered
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        answer = client.get(reverse("outreach:esms_delivery_callback"), {
            "SMSID": message.provider_message_id, "SendFailed": "0", "SendStatus": "5", "SendSuccess": "1",
            "TotalPrice": "850", "TotalReceiver": "1", "TotalSent": "1", "RequestId": "", "TypeId": "2",
            "telcoid": "1", "phonenumber": "0901234567"})

    # then: eSMS was asked, and what eSMS says is recorded
    assert answer.status_code == 200 and answer.content == b"OK" and len(enqueued) == 1
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.UNDELIVERED


@pytest.mark.parametrize("query", [{"SMSID": "not-ours"}, {}, {"SMSID": "x" * 5000}])
def test_a_callback_about_no_message_of_ours_changes_nothing(province, esms, client,
                                                             django_capture_on_commit_callbacks, query):
    message = sent_sms(province, esms)
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        answer = client.get(reverse("outreach:esms_delivery_callback"), query)
    assert answer.status_code == 200 and answer.content == b"OK" and enqueued == []
    message.refresh_from_db()
    assert message.delivery_status == DeliveryStatus.PENDING
    assert esms.count(path="/MainService.svc/json/GetSendStatus") == 0
