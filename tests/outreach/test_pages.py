"""Officers' campaign pages: building a campaign with its count and sample before sending, progress, and who
may open which URL (every URL taking a campaign id is checked against the officer's province)."""

import pytest
from django.urls import reverse

from adoption.models import ApiToken
from adoption.services import api_token_create, token_hash
from outreach import services
from outreach.models import Campaign, CampaignStatus, Channel, Message
from outreach.selection import Selection
from tests.factories import owner_user

pytestmark = pytest.mark.django_db


def campaign_urls(pk: int) -> list[tuple[str, str]]:
    """(method, url) of every page that takes a campaign id."""
    return [("get", reverse("outreach:campaign_detail", args=[pk])),
            ("get", reverse("outreach:campaign_status", args=[pk])),
            ("get", reverse("outreach:campaign_export", args=[pk, "csv"])),
            ("get", reverse("outreach:campaign_export", args=[pk, "xlsx"])),
            ("post", reverse("outreach:campaign_letters", args=[pk])),
            *[("post", reverse("outreach:campaign_action", args=[pk, a]))
              for a in ("launch", "pause", "resume", "cancel")]]


def test_an_officer_builds_a_campaign_seeing_count_and_sample_before_sending(province, client, smtp,
                                                                            django_capture_on_commit_callbacks):
    # given
    client.force_login(province.officer)
    data = {"name": "Lai Vung", "series": "sme", "which": "not_online", "wards": ["30226"], "channels": ["email"]}

    # when: preview, then save, then start
    preview = client.post(reverse("outreach:campaign_new"), {**data, "preview": "1"})
    saved = client.post(reverse("outreach:campaign_new"), {**data, "save": "1"})
    campaign = Campaign.objects.get()
    detail = client.get(saved["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("outreach:campaign_action", args=[campaign.pk, "launch"]))
    after = client.get(started["Location"])
    status = client.get(reverse("outreach:campaign_status", args=[campaign.pk])).json()

    # then
    assert "2 businesses are selected." in preview.content.decode()
    assert not Campaign.objects.exclude(pk=campaign.pk).exists()
    assert campaign.status == CampaignStatus.DRAFT and campaign.selection["wards"] == ["30226"]
    html = detail.content.decode()
    assert "2 businesses are selected." in html and "Công ty TNHH Sen Lai Vung" in html
    assert "Start sending" in html
    assert len(smtp.messages) == 2
    assert '<td data-step="sent">2' in after.content.decode()
    assert status["status"] == "finished" and status["percent"] == 100 and status["total"] == 2


def test_a_campaign_form_with_errors_saves_nothing(province, client):
    client.force_login(province.officer)
    response = client.post(reverse("outreach:campaign_new"), {"name": "", "series": "sme", "which": "x",
                                                              "wards": ["nowhere"], "channels": ["fax"], "save": "1"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "which", "wards", "channels"}
    assert not Campaign.objects.exists()


def test_business_owners_and_strangers_reach_no_officer_page(province, client):
    # given
    campaign = services.campaign_create(name="Riêng", selection=Selection(), channels=[Channel.EMAIL],
                                        officer=province.officer)
    pages = [("get", reverse("outreach:campaign_list")), ("get", reverse("outreach:campaign_new")),
             *campaign_urls(campaign.pk)]

    # when / then: signed out -> sign-in page; an owner -> 403; nothing changes
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 302, url
    client.force_login(owner_user())
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403, url
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_a_campaign_of_another_province_is_not_found(province, client):
    # given
    campaign = services.campaign_create(name="Tỉnh khác", selection=Selection(), channels=[Channel.EMAIL],
                                        officer=province.officer)
    Campaign.objects.filter(pk=campaign.pk).update(province_code="99")
    client.force_login(province.officer)

    # when / then
    for method, url in campaign_urls(campaign.pk):
        assert getattr(client, method)(url).status_code == 404, url
    for method, url in campaign_urls(10**6):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("outreach:campaign_list")).content.decode().count("Tỉnh khác") == 0
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and not Message.objects.exists()


def test_an_unknown_action_or_format_is_not_found(province, client):
    campaign = services.campaign_create(name="A", selection=Selection(), channels=[Channel.EMAIL],
                                        officer=province.officer)
    client.force_login(province.officer)
    assert client.post(reverse("outreach:campaign_action", args=[campaign.pk, "explode"])).status_code == 404
    assert client.get(reverse("outreach:campaign_export", args=[campaign.pk, "pdf"])).status_code == 404


def test_the_api_answers_404_for_another_provinces_campaign_and_401_without_a_token(province, client):
    # given
    campaign = services.campaign_create(name="Tỉnh khác", selection=Selection(), channels=[Channel.EMAIL],
                                        officer=province.officer)
    Campaign.objects.filter(pk=campaign.pk).update(province_code="99")
    record, _secret = api_token_create(user=province.officer, name="bi")
    ApiToken.objects.filter(pk=record.pk).update(token_hash=token_hash("dta_pages"))
    url = reverse("outreach:api_campaign_funnel", args=[campaign.pk])

    # when / then
    assert client.get(url).status_code == 401
    response = client.get(url, HTTP_AUTHORIZATION="Bearer dta_pages")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    listed = client.get(reverse("outreach:api_campaigns"), HTTP_AUTHORIZATION="Bearer dta_pages").json()
    assert listed["campaigns"] == []
