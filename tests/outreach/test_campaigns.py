"""Campaigns from the indicator's selection to e-mails on a real SMTP server: selection, cool-down,
opt-out, at-most-once sending, audit trail."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from outreach import services
from outreach.models import Campaign, CampaignStatus, Channel, Message, MessageState, OptOut
from outreach.selection import DECLARED_ONLY, Selection, selection_members

from .conftest import register_only

pytestmark = pytest.mark.django_db


def launched(*, officer, selection: Selection, name: str = "Lai Vung tháng 11") -> Campaign:
    """A campaign created, launched and queued (what the launch's task does)."""
    campaign = services.campaign_create(name=name, selection=selection, channels=[Channel.EMAIL], officer=officer)
    services.campaign_launch(campaign=campaign, officer=officer)
    return services.campaign_queue(campaign_id=campaign.pk)


def test_selection_is_the_dashboards_not_online_list_filtered_by_ward(province):
    # when
    members = selection_members(selection=Selection(wards=("30226",)), day=timezone.localdate())

    # then: the register-only entry and the registered business not selling; not the seller, not the
    # household (another series), not Sa Đéc
    assert sorted(m.identifier for m in members) == sorted(
        [province.lai_vung_entry.identifier, province.registered.identifier])


def test_declared_only_selects_nobody_without_declarations(province):
    assert selection_members(selection=Selection(which=DECLARED_ONLY), day=timezone.localdate()) == []


def test_campaign_e_mails_each_selected_business_once_at_its_register_address(province, smtp):
    # given
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))

    # when
    again = services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert again is None
    assert sorted(rcpt for rcpts, _m in smtp.messages for rcpt in rcpts) == [
        "chu@dang-ky.example", "lienhe@sen-lai-vung.example"]
    mail = smtp.to("lienhe@sen-lai-vung.example")[0]
    body = smtp.body(mail)
    assert "Công ty TNHH Sen Lai Vung" in body
    assert "http://testserver/outreach/i/" in body
    assert "http://testserver/outreach/stop/" in body
    assert mail["List-Unsubscribe"].strip().startswith("<http://testserver/outreach/stop/")
    # Vietnamese first, then English
    assert mail["Subject"].strip() == ("[Đồng Tháp SME] Thư mời: bán hàng trực tuyến với sự hỗ trợ của tỉnh / "
                               "Invitation: sell your products online with the province's support")
    assert body.index("Kính gửi Công ty TNHH Sen Lai Vung") < body.index("Dear Công ty TNHH Sen Lai Vung")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    assert set(Message.objects.filter(campaign=campaign).values_list("state", flat=True)) == {MessageState.SENT}
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_MESSAGE_SENT).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_CAMPAIGN_CREATED,
                                     target=f"campaign:{campaign.pk}").exists()


def test_a_business_without_a_register_address_is_not_e_mailed(province, smtp):
    # given
    register_only(email="", name="Không có thư")

    # when
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    states = dict(Message.objects.filter(campaign=campaign).values_list("target__name", "state"))
    assert states["Không có thư"] == MessageState.NO_ADDRESS
    assert len(smtp.messages) == 2


def test_sending_a_message_twice_sends_it_once(province, smtp):
    # given
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    message = Message.objects.filter(campaign=campaign).first()

    # when: a retry (or a second worker) sends the same row again
    first = services.message_send(message=message, deliver=services.email_deliver)
    second = services.message_send(message=message, deliver=services.email_deliver)

    # then
    assert (first, second) == (MessageState.SENT, MessageState.SENT)
    assert len(smtp.to(message.address)) == 1


def test_a_message_whose_sender_died_is_in_doubt_and_never_sent_again(province, smtp):
    # given: a sender claimed it and died before marking it sent
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    message = Message.objects.filter(campaign=campaign).first()
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING,
                                                 claimed_at=timezone.now() - datetime.timedelta(minutes=10))

    # when
    marked = services.messages_mark_in_doubt()
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert marked == 1
    message.refresh_from_db()
    assert message.state == MessageState.IN_DOUBT
    assert smtp.to(message.address) == []
    assert len(smtp.messages) == 1  # the other business only


def test_overlapping_campaigns_contact_a_business_once_within_the_cool_down(province, smtp):
    # given: two campaigns over the same ward, both queued before either sends
    first = launched(officer=province.officer, selection=Selection(wards=("30226",)), name="Một")
    second = launched(officer=province.officer, selection=Selection(wards=("30226",)), name="Hai")

    # when
    services.channel_send_batch(channel=Channel.EMAIL)
    third = launched(officer=province.officer, selection=Selection(), name="Ba")
    services.channel_send_batch(channel=Channel.EMAIL)

    # then: each business got one e-mail; the second campaign found them contacted at sending time, the
    # third at queuing time (Sa Đéc, contacted by nobody, gets its e-mail from the third)
    assert sorted(rcpt for rcpts, _m in smtp.messages for rcpt in rcpts) == [
        "chu@dang-ky.example", "hello@sa-dec.example", "lienhe@sen-lai-vung.example"]
    assert set(Message.objects.filter(campaign=first).values_list("state", flat=True)) == {MessageState.SENT}
    assert set(Message.objects.filter(campaign=second).values_list("state", flat=True)) == {
        MessageState.COOLING_DOWN}
    assert dict(Message.objects.filter(campaign=third).values_list("identifier", "state")) == {
        province.lai_vung_entry.identifier: MessageState.COOLING_DOWN,
        province.registered.identifier: MessageState.COOLING_DOWN,
        province.sa_dec_entry.identifier: MessageState.SENT}


def test_after_the_cool_down_a_business_may_be_contacted_again(province, smtp, settings):
    # given
    launched(officer=province.officer, selection=Selection(wards=("30226",)), name="Một")
    services.channel_send_batch(channel=Channel.EMAIL)
    settings.OUTREACH_COOLDOWN_DAYS = 0

    # when
    launched(officer=province.officer, selection=Selection(wards=("30226",)), name="Hai")
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert len(smtp.to("lienhe@sen-lai-vung.example")) == 2


def test_opting_out_stops_every_campaign(province, smtp, client):
    # given
    first = launched(officer=province.officer, selection=Selection(wards=("30226",)), name="Một")
    services.channel_send_batch(channel=Channel.EMAIL)
    message = Message.objects.get(campaign=first, identifier=province.lai_vung_entry.identifier)
    url = services.opt_out_url(message=message).removeprefix("http://testserver")

    # when: the link alone changes nothing (a mail scanner follows links); the button opts out
    page = client.get(url)
    assert page.status_code == 200
    assert not OptOut.objects.exists()
    done = client.post(url)

    # then
    assert done.status_code == 200
    assert OptOut.objects.filter(identifier=message.identifier).exists()
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_OPTED_OUT, target=message.identifier).exists()
    settings_cooldown_over = launched(officer=province.officer, selection=Selection(), name="Sau")
    states = dict(Message.objects.filter(campaign=settings_cooldown_over).values_list("identifier", "state"))
    assert states[message.identifier] == MessageState.OPTED_OUT


def test_a_business_opting_out_while_queued_is_not_sent(province, smtp):
    # given
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    OptOut.objects.create(identifier=province.lai_vung_entry.identifier)

    # when
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert smtp.to("lienhe@sen-lai-vung.example") == []
    assert Message.objects.get(campaign=campaign, identifier=province.lai_vung_entry.identifier
                               ).state == MessageState.OPTED_OUT


def test_nothing_is_sent_outside_sending_hours(province, smtp, settings):
    # given
    launched(officer=province.officer, selection=Selection(wards=("30226",)))
    settings.OUTREACH_SENDING_HOURS = (0, 0)

    # when
    wait = services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert wait is not None and wait > 0
    assert smtp.messages == []
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.QUEUED}


def test_a_paused_campaign_sends_nothing_until_resumed(province, smtp):
    # given
    campaign = launched(officer=province.officer, selection=Selection(wards=("30226",)))
    services.campaign_set_paused(campaign=campaign, paused=True, officer=province.officer)

    # when
    services.channel_send_batch(channel=Channel.EMAIL)
    assert smtp.messages == []
    services.campaign_set_paused(campaign=campaign, paused=False, officer=province.officer)
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert len(smtp.messages) == 2


def test_a_refused_address_fails_that_message_only(province, smtp, settings):
    # given: the SMTP server is gone
    launched(officer=province.officer, selection=Selection(wards=("30226",)))
    settings.EMAIL_PORT = 1  # nothing listens there

    # when
    services.channel_send_batch(channel=Channel.EMAIL)

    # then
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.FAILED}
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_MESSAGE_NOT_SENT).count() == 2


def test_a_campaign_without_name_or_channel_is_refused_and_nothing_is_written(province):
    from django.core.exceptions import ValidationError

    for name, channels in (("", [Channel.EMAIL]), ("Tên", []), ("Tên", ["fax"])):
        with pytest.raises(ValidationError):
            services.campaign_create(name=name, selection=Selection(), channels=channels, officer=province.officer)
    assert not Campaign.objects.exists()


def test_launching_through_the_worker_queues_and_sends(province, smtp, django_capture_on_commit_callbacks):
    # given
    campaign = services.campaign_create(name="Qua worker", selection=Selection(wards=("30226",)),
                                        channels=[Channel.EMAIL], officer=province.officer)

    # when: the tasks run as a worker runs them (eagerly here), once the launch commits
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_launch(campaign=campaign, officer=province.officer)

    # then
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    assert campaign.target_count == 2
    assert len(smtp.messages) == 2
