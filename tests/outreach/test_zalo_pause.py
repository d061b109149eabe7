"""When Zalo refuses the Official Account's refresh token, the Zalo channel pauses instead of failing every
queued message: they wait (not failed, never in doubt), the campaign page tells the officer what the operator
must do, the other channels go on, and a new refresh token (the management command or the environment)
resumes sending where it stopped, each waiting message sent once. Against the Zalo sandbox."""

import io

import pytest
import requests
import schemathesis
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from adoption.models import ApiToken
from adoption.services import api_token_create, token_hash
from marketplace_connectors.crypto import token_decrypt
from messaging_sandbox.zalo import SEND_PATH as ZNS_PATH
from messaging_sandbox.zalo import TOKEN_PATH
from outreach import services
from outreach.models import (
    Campaign,
    CampaignStatus,
    Channel,
    ChannelPause,
    Message,
    MessageState,
    ZaloOaToken,
)
from outreach.selection import Selection
from sme.businesses.models import Business
from tests.adoption.factories import on_register
from tests.sme.businesses.factories import BusinessFactory, ward

pytestmark = pytest.mark.django_db


def zalo_campaign(province) -> Campaign:
    """An e-mail and Zalo campaign to Lai Vung, where four businesses on the platform have a phone."""
    for n in range(3):
        business = BusinessFactory(ward=ward("30226"), phone=f"090123450{n}")
        on_register(business, contact_email=f"chu{n}@lai-vung.example")
    campaign = services.campaign_create(name="Mời lên sàn Lai Vung", selection=Selection(wards=("30226",)),
                                        channels=[Channel.EMAIL, Channel.ZALO], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    return services.campaign_queue(campaign_id=campaign.pk)


def zalo_messages(campaign):
    return Message.objects.filter(campaign=campaign, channel=Channel.ZALO).exclude(state=MessageState.NO_ADDRESS)


def paused_by_zalo(zns, campaign) -> None:
    """Zalo has lost the refresh token (used by a process that died, or revoked): every refresh is refused."""
    zns.expire_access_tokens()
    zns.refresh_tokens.clear()
    services.channel_send_batch(channel=Channel.ZALO)


def conforming(client, response, *, path: str):
    """The API response's JSON, once it conforms to the API's own OpenAPI document (the fuzz test meets no
    paused channel)."""
    schema = schemathesis.openapi.from_dict(client.get(reverse("outreach:api_openapi")).json())
    request = requests.Request("GET", f"http://testserver{response.wsgi_request.path}").prepare()
    schema[path]["GET"].validate_response(schemathesis.Response(
        status_code=response.status_code, headers={k: [v] for k, v in response.headers.items()},
        content=response.content, request=request, elapsed=0.0, verify=True))
    return response.json()


def channel_audit(campaign, *, paused: bool):
    return [e.details for e in AuditEvent.objects.filter(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED,
                                                         target=f"campaign:{campaign.pk}")
            if e.details.get("channel_paused") is paused]


def test_a_refused_refresh_pauses_zalo_with_its_messages_waiting_while_email_goes_on(province, zns, smtp, client):
    # given
    campaign = zalo_campaign(province)
    assert zalo_messages(campaign).count() == 4 and Business.objects.exclude(phone="").count() >= 4

    # when: Zalo refuses the refresh; the senders of both channels run, the Zalo one twice more
    paused_by_zalo(zns, campaign)
    services.channel_send_batch(channel=Channel.EMAIL)
    again = [services.channel_send_batch(channel=Channel.ZALO) for _n in range(2)]

    # then: the four Zalo messages wait, untried; Zalo was asked for a token once, not once per message
    assert again == [None, None]
    assert sorted(zalo_messages(campaign).values_list("state", "attempts")) == [(MessageState.QUEUED, 0)] * 4
    assert zns.sent == [] and zns.count(path=TOKEN_PATH) == 1 and zns.count(path=ZNS_PATH) == 1
    assert ChannelPause.objects.get().reason == "token_-14020"
    # the e-mails of the same campaign were all sent; the campaign is still sending (Zalo waits)
    emails = Message.objects.filter(campaign=campaign, channel=Channel.EMAIL, state=MessageState.SENT)
    assert emails.count() == 5 and len(smtp.messages) == 5
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    # audit-logged once on the campaign, with what waits
    [pause] = channel_audit(campaign, paused=True)
    assert pause == {"channel": "zalo", "channel_paused": True, "reason": "token_-14020", "waiting": 4}

    # the officer's page says it, in Vietnamese first and in English
    client.force_login(province.officer)
    url = reverse("outreach:campaign_detail", args=[campaign.pk])
    page = {}
    for language in ("vi", "en"):
        province.officer.preferred_language = language
        province.officer.save(update_fields=["preferred_language"])
        page[language] = client.get(url).content.decode()
    vi, en = page["vi"], page["en"]
    assert "Việc gửi qua Zalo đang tạm dừng" in vi and "4 tin của chiến dịch này đang chờ gửi qua Zalo" in vi
    assert "manage.py outreach_zalo_authorize" in vi and "OUTREACH_ZALO_ZNS_REFRESH_TOKEN" in vi
    assert "Sending on Zalo is paused: it needs a new authorization from the operator." in en
    assert "4 messages of this campaign wait on Zalo" in en


def test_a_new_refresh_token_from_the_operator_resumes_zalo_where_it_stopped_each_message_once(province, zns,
                                                                                              smtp, client):
    # given: paused, with four Zalo messages waiting
    campaign = zalo_campaign(province)
    paused_by_zalo(zns, campaign)
    waiting = sorted(zalo_messages(campaign).values_list("pk", flat=True))

    # when: an OA admin authorized the app again and the operator sets the new refresh token
    zns.refresh_tokens["operator-new-refresh-token"] = zns.now() + 3600
    out = io.StringIO()
    call_command("outreach_zalo_authorize", stdin=io.StringIO("operator-new-refresh-token\n"), stdout=out)
    services.channel_send_batch(channel=Channel.ZALO)
    services.channel_send_batch(channel=Channel.ZALO)
    services.channel_send_batch(channel=Channel.EMAIL)

    # then: each waiting message sent once, in the order they were queued, tried once
    assert "accepted" in out.getvalue() and "operator-new-refresh-token" not in out.getvalue()
    assert [m.tracking_id for m in zns.sent] == [f"outreach-{pk}" for pk in waiting]
    assert sorted(zalo_messages(campaign).values_list("state", "attempts")) == [(MessageState.SENT, 1)] * 4
    assert len(zns.refreshes) == 1 and not ChannelPause.objects.exists()
    [resume] = channel_audit(campaign, paused=False)
    assert resume["channel"] == "zalo" and resume["waiting"] == 4 and resume["reason"] == "token_-14020"
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    client.force_login(province.officer)
    page = client.get(reverse("outreach:campaign_detail", args=[campaign.pk]))
    assert "data-channel-paused" not in page.content.decode()


def test_a_new_refresh_token_in_the_environment_resumes_zalo_too(province, zns, settings):
    # given
    campaign = zalo_campaign(province)
    paused_by_zalo(zns, campaign)

    # when: the operator sets the new refresh token in the environment (the workers restarted with it)
    zns.refresh_tokens["operator-env-refresh-token"] = zns.now() + 3600
    settings.OUTREACH_ZALO_ZNS_REFRESH_TOKEN = "operator-env-refresh-token"
    services.channel_send_batch(channel=Channel.ZALO)

    # then
    assert len(zns.sent) == 4 and len({m.tracking_id for m in zns.sent}) == 4
    assert set(zalo_messages(campaign).values_list("state", flat=True)) == {MessageState.SENT}
    assert len(channel_audit(campaign, paused=False)) == 1


def test_a_new_refresh_token_zalo_refuses_too_keeps_the_channel_paused(province, zns):
    # given
    campaign = zalo_campaign(province)
    paused_by_zalo(zns, campaign)

    # when: the operator pastes a refresh token Zalo does not take
    with pytest.raises(CommandError) as refused:
        call_command("outreach_zalo_authorize", stdin=io.StringIO("not-a-zalo-token\n"), stdout=io.StringIO())
    services.channel_send_batch(channel=Channel.ZALO)

    # then: said to the operator; still paused, nothing sent, nothing failed, not resumed in the audit trail
    assert "token_-14020" in str(refused.value) and "not-a-zalo-token" not in str(refused.value)
    assert zns.sent == [] and ChannelPause.objects.filter(channel=Channel.ZALO).exists()
    assert set(zalo_messages(campaign).values_list("state", flat=True)) == {MessageState.QUEUED}
    assert channel_audit(campaign, paused=False) == []


def test_an_empty_refresh_token_changes_nothing(province, zns):
    campaign = zalo_campaign(province)
    paused_by_zalo(zns, campaign)
    with pytest.raises(CommandError, match="refresh_token_empty"):
        call_command("outreach_zalo_authorize", stdin=io.StringIO("\n"), stdout=io.StringIO())
    assert ChannelPause.objects.exists() and zns.count(path=TOKEN_PATH) == 1


def test_the_operators_are_emailed_once_per_pause_with_what_to_do_and_no_token(province, zns, settings,
                                                                              mailoutbox):
    # given: the site's operators
    settings.ADMINS = [("Vận hành", "van-hanh@dongthap.example")]
    campaign = zalo_campaign(province)

    # when: Zalo refuses the refresh; the Zalo sender runs twice more (each message waits), and the e-mails go
    paused_by_zalo(zns, campaign)
    services.channel_send_batch(channel=Channel.ZALO)
    services.channel_send_batch(channel=Channel.ZALO)

    # then: one e-mail to the operators, Vietnamese first then English
    [mail] = [m for m in mailoutbox if m.to == ["van-hanh@dongthap.example"]]
    assert len(mailoutbox) == 1
    assert "Việc gửi qua Zalo đang tạm dừng (token_-14020)" in mail.subject
    assert "Sending on Zalo is paused (token_-14020)" in mail.subject
    vi, en = mail.body.split("----------")
    assert "4 tin đang chờ gửi qua kênh này" in vi and f'"Mời lên sàn Lai Vung" (mã {campaign.pk}): 4 tin' in vi
    assert "4 messages wait on it" in en and f'Campaign "Mời lên sàn Lai Vung" (id {campaign.pk}): 4 waiting' in en
    for body in (vi, en):
        assert "python manage.py outreach_zalo_authorize" in body and "token_-14020" in body
    assert "standard input" in en and "đầu vào chuẩn" in vi
    # no token or secret, neither the environment's nor the stored ones
    row = ZaloOaToken.objects.get()
    secrets = {settings.OUTREACH_ZALO_ZNS_REFRESH_TOKEN, settings.OUTREACH_ZALO_ZNS_ACCESS_TOKEN,
               settings.OUTREACH_ZALO_APP_SECRET_KEY, token_decrypt(row.refresh_token_encrypted),
               token_decrypt(row.access_token_encrypted), *zns.access_tokens} - {""}
    assert secrets and not [s for s in secrets if s in mail.subject or s in mail.body]


def test_an_officers_api_call_shows_the_paused_channel_until_it_resumes(province, zns, client):
    # given: paused, four Zalo messages of the campaign waiting; the officer's API token
    campaign = zalo_campaign(province)
    paused_by_zalo(zns, campaign)
    pause = ChannelPause.objects.get()
    record, _secret = api_token_create(user=province.officer, name="bi")
    ApiToken.objects.filter(pk=record.pk).update(token_hash=token_hash("dta_pause"))
    auth = {"HTTP_AUTHORIZATION": "Bearer dta_pause"}
    funnel_url = reverse("outreach:api_campaign_funnel", args=[campaign.pk])

    # when
    listed = conforming(client, client.get(reverse("outreach:api_campaigns"), **auth), path="/api/v1/campaigns")
    funnel = conforming(client, client.get(funnel_url, **auth), path="/api/v1/campaigns/{campaign_id}/funnel")

    # then: both say which channel, since when, why and how many wait
    paused = [{"channel": "zalo", "label": "Zalo", "reason": "token_-14020",
               "paused_since": pause.paused_at.isoformat(), "waiting": 4}]
    [listed_campaign] = [c for c in listed["campaigns"] if c["id"] == campaign.pk]
    assert listed_campaign["paused_channels"] == paused
    assert funnel["campaign"]["paused_channels"] == paused

    # and when the operator sets a new refresh token and the sender resumes, it is gone
    zns.refresh_tokens["operator-new-refresh-token"] = zns.now() + 3600
    call_command("outreach_zalo_authorize", stdin=io.StringIO("operator-new-refresh-token\n"),
                 stdout=io.StringIO())
    services.channel_send_batch(channel=Channel.ZALO)
    campaign.refresh_from_db()
    assert not ChannelPause.objects.exists() and campaign.status == CampaignStatus.SENDING  # e-mails still wait
    assert client.get(funnel_url, **auth).json()["campaign"]["paused_channels"] == []
    listed = client.get(reverse("outreach:api_campaigns"), **auth).json()
    assert [c["paused_channels"] for c in listed["campaigns"]] == [[]]
