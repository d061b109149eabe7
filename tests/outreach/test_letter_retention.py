"""Printed letters are personal data: their PDF is deleted OUTREACH_LETTER_RETENTION_DAYS after printing (an
hourly task) and with its campaign; the officer sees that it expired and prints the same letters again,
without anything being sent again."""

import datetime
import io
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from celery import current_app
from django.conf import settings as django_settings
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEvent
from outreach import services
from outreach.models import (
    Campaign,
    CampaignStatus,
    Channel,
    LetterJobStatus,
    LetterPrintJob,
    Message,
    MessageState,
    OptOut,
    RecentContact,
)
from outreach.selection import Selection
from tests.factories import owner_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = ""


def printed_campaign(province, client, capture) -> tuple[Campaign, LetterPrintJob]:
    campaign = services.campaign_create(name="Đi phát thư", selection=Selection(wards=("30226",)),
                                        channels=[Channel.LETTER], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    services.campaign_queue(campaign_id=campaign.pk)
    client.force_login(province.officer)
    with capture(execute=True):
        client.post(reverse("outreach:campaign_letters", args=[campaign.pk]))
    job = LetterPrintJob.objects.get(campaign=campaign)
    assert job.status == LetterJobStatus.DONE and Path(job.pdf.path).exists()
    campaign.refresh_from_db()
    return campaign, job


def detail(client, campaign) -> str:
    return client.get(reverse("outreach:campaign_detail", args=[campaign.pk])).content.decode()


def businesses_in(pdf: bytes) -> set[str]:
    """The identifier of the business each page's QR code leads to."""
    reader, document = PdfReader(io.BytesIO(pdf)), pypdfium2.PdfDocument(pdf)
    found = set()
    for number, page in enumerate(reader.pages):
        [code] = [c.text for c in zxingcpp.read_barcodes(document[number].render(scale=2).to_pil())]
        message = services.link_open(token=code.removeprefix("http://testserver/outreach/i/").rstrip("/"))
        assert message.target.name in page.extract_text()
        found.add(message.identifier)
    document.close()
    return found


def test_a_letter_pdf_is_kept_for_the_retention_period_then_deleted_and_the_officer_prints_it_again(
        province, client, django_capture_on_commit_callbacks):
    # given
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)
    stored = Path(job.pdf.path)
    download_url = reverse("outreach:campaign_letters_download", args=[campaign.pk, job.pk])
    days = django_settings.OUTREACH_LETTER_RETENTION_DAYS
    assert days == 30
    sent_before = sorted(Message.objects.filter(campaign=campaign).values_list("pk", "state", "sent_at"))

    # when: a day before the end of the retention period, then a day after
    kept = services.letter_pdfs_sweep(now=job.finished_at + datetime.timedelta(days=days - 1))
    assert kept == 0 and stored.exists() and client.get(download_url).status_code == 200
    deleted = services.letter_pdfs_sweep(now=job.finished_at + datetime.timedelta(days=days, hours=1))
    again = services.letter_pdfs_sweep(now=job.finished_at + datetime.timedelta(days=days, hours=2))

    # then: the file is gone, the officer sees it expired and is offered to print again
    assert (deleted, again) == (1, 0)
    job.refresh_from_db()
    assert not stored.exists() and not job.pdf and job.pdf_deleted_at is not None
    assert client.get(download_url).status_code == 404
    page = detail(client, campaign)
    assert "The PDF of the 2 letters printed on" in page and "has expired" in page
    assert "Print these letters again" in page and download_url not in page
    reprint_url = reverse("outreach:campaign_letters_reprint", args=[campaign.pk, job.pk])
    assert reprint_url in page

    # when: the officer prints them again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reprint_url, follow=True)

    # then: a new PDF with the same two businesses' letters; nothing was sent again
    assert "being printed again" in response.content.decode()
    reprint = LetterPrintJob.objects.exclude(pk=job.pk).get()
    assert (reprint.status, reprint.done, reprint.reprint_of_id) == (LetterJobStatus.DONE, 2, job.pk)
    with reprint.pdf.open("rb") as pdf:
        assert businesses_in(pdf.read()) == {province.lai_vung_entry.identifier, province.registered.identifier}
    assert sorted(Message.objects.filter(campaign=campaign).values_list("pk", "state", "sent_at")) == sent_before
    assert set(Message.objects.filter(campaign=campaign).values_list("print_job", flat=True)) == {job.pk}
    new_download = reverse("outreach:campaign_letters_download", args=[campaign.pk, reprint.pk])
    page = detail(client, campaign)
    assert new_download in page and "2 letters printed on" in page
    assert client.get(new_download).status_code == 200
    assert AuditEvent.objects.filter(target=f"campaign:{campaign.pk}", actor=province.officer,
                                     details__reprint_of=job.pk).count() == 1

    # and the reprint expires in its turn, and can be printed again from it
    assert services.letter_pdfs_sweep(now=reprint.finished_at + datetime.timedelta(days=days, hours=1)) == 1
    assert "has expired" in detail(client, campaign)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:campaign_letters_reprint", args=[campaign.pk, reprint.pk]))
    third = LetterPrintJob.objects.exclude(pk__in=[job.pk, reprint.pk]).get()
    assert (third.status, third.done, third.reprint_of_id) == (LetterJobStatus.DONE, 2, job.pk)


def test_the_hourly_task_deletes_expired_letter_pdfs(province, client, django_capture_on_commit_callbacks,
                                                    settings):
    # given: a PDF printed just now, and a retention of no days at all
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)
    stored = Path(job.pdf.path)
    entry = settings.CELERY_BEAT_SCHEDULE["outreach-letter-pdfs-sweep"]
    assert entry["schedule"] == 3600.0
    settings.OUTREACH_LETTER_RETENTION_DAYS = 0

    # when: beat's task runs
    current_app.tasks[entry["task"]].apply().get()

    # then
    job.refresh_from_db()
    assert not stored.exists() and job.pdf_deleted_at is not None


def test_a_letter_is_not_printed_again_for_a_business_that_opted_out_since(
        province, client, django_capture_on_commit_callbacks):
    # given: an expired PDF; one of the two businesses opted out after the visit
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)
    services.letter_pdfs_delete(jobs=LetterPrintJob.objects.filter(pk=job.pk))
    OptOut.objects.create(identifier=province.registered.identifier)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach:campaign_letters_reprint", args=[campaign.pk, job.pk]))

    # then
    reprint = LetterPrintJob.objects.exclude(pk=job.pk).get()
    with reprint.pdf.open("rb") as pdf:
        assert businesses_in(pdf.read()) == {province.lai_vung_entry.identifier}


def test_a_pdf_that_has_not_expired_is_not_printed_again(province, client, django_capture_on_commit_callbacks):
    # given
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)

    # when
    with django_capture_on_commit_callbacks(execute=True) as sent:
        response = client.post(reverse("outreach:campaign_letters_reprint", args=[campaign.pk, job.pk]),
                               follow=True)

    # then
    assert "nothing to print again" in response.content.decode()
    assert sent == [] and LetterPrintJob.objects.count() == 1


def test_deleting_a_campaign_deletes_its_letter_pdfs_and_keeps_the_cool_down(
        province, client, django_capture_on_commit_callbacks):
    # given: a finished letter campaign
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)
    assert campaign.status == CampaignStatus.FINISHED
    stored = Path(job.pdf.path)
    contacted = set(RecentContact.objects.values_list("identifier", flat=True))
    assert contacted == {province.lai_vung_entry.identifier, province.registered.identifier}
    assert "Delete this campaign" in detail(client, campaign)

    # when
    response = client.post(reverse("outreach:campaign_delete", args=[campaign.pk]), follow=True)

    # then: the campaign and its file are gone; the businesses stay in their cool-down
    assert "The campaign and its printed letters were deleted." in response.content.decode()
    assert not Campaign.objects.filter(pk=campaign.pk).exists() and not LetterPrintJob.objects.exists()
    assert not stored.exists() and not Message.objects.exists()
    assert set(RecentContact.objects.values_list("identifier", flat=True)) == contacted
    assert AuditEvent.objects.filter(target=f"campaign:{campaign.pk}", actor=province.officer,
                                     details__deleted=True, details__letter_pdfs_deleted=1).count() == 1
    # a later campaign to the same ward does not reach them again within the cool-down
    later = services.campaign_create(name="Lần hai", selection=Selection(wards=("30226",)),
                                     channels=[Channel.LETTER], officer=province.officer)
    services.campaign_launch(campaign=later, officer=province.officer)
    services.campaign_queue(campaign_id=later.pk)
    assert set(Message.objects.filter(campaign=later, identifier__in=contacted).values_list("state", flat=True)
               ) == {MessageState.COOLING_DOWN}


def test_a_campaign_still_sending_is_not_deleted(province, client, django_capture_on_commit_callbacks):
    # given: a letter campaign queued, its letters not printed yet (it is still sending)
    campaign = services.campaign_create(name="Đang gửi", selection=Selection(wards=("30226",)),
                                        channels=[Channel.LETTER], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    services.campaign_queue(campaign_id=campaign.pk)
    client.force_login(province.officer)
    province.officer.preferred_language = "vi"
    province.officer.save(update_fields=["preferred_language"])
    events = AuditEvent.objects.count()

    # when
    response = client.post(reverse("outreach:campaign_delete", args=[campaign.pk]), follow=True)

    # then: a clear error in the officer's language, nothing changed
    assert response.status_code == 200
    assert "Không thể xoá chiến dịch đang gửi" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENDING
    assert Message.objects.filter(campaign=campaign).count() == 2 and AuditEvent.objects.count() == events


def test_only_officers_of_the_province_delete_a_campaign_or_print_its_letters_again(
        province, client, django_capture_on_commit_callbacks):
    # given: an expired PDF
    campaign, job = printed_campaign(province, client, django_capture_on_commit_callbacks)
    services.letter_pdfs_delete(jobs=LetterPrintJob.objects.filter(pk=job.pk))
    urls = [reverse("outreach:campaign_delete", args=[campaign.pk]),
            reverse("outreach:campaign_letters_reprint", args=[campaign.pk, job.pk])]

    # when / then: signed out -> sign-in; an owner -> 403; an officer of another province -> 404
    client.logout()
    for url in urls:
        assert client.post(url).status_code == 302, url
    client.force_login(owner_user())
    for url in urls:
        assert client.post(url).status_code == 403, url
    client.force_login(province.officer)
    Campaign.objects.filter(pk=campaign.pk).update(province_code="99")
    for url in urls:
        assert client.post(url).status_code == 404, url
    # a print job of another campaign -> 404; GET is refused
    Campaign.objects.filter(pk=campaign.pk).update(province_code=services.province_code())
    other = services.campaign_create(name="Khác", selection=Selection(), channels=[Channel.LETTER],
                                     officer=province.officer)
    assert client.post(reverse("outreach:campaign_letters_reprint", args=[other.pk, job.pk])).status_code == 404
    assert client.get(urls[0]).status_code == 405
    # nothing changed
    assert Campaign.objects.filter(pk=campaign.pk).exists() and LetterPrintJob.objects.count() == 1
