"""The letter channel: an officer asks for a campaign's letters; a worker prints the whole batch into one
private PDF, read back (text and QR code), each letter leading to its own business's personal link; a letter
is printed once, never for a business that opted out; the page shows the progress, then the download."""

import datetime
import io
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditAction, AuditEvent
from outreach import services
from outreach.models import Channel, LetterJobStatus, LetterPrintJob, Message, MessageState, OptOut
from outreach.selection import Selection
from tests.factories import owner_user
from tests.outreach.conftest import register_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Printed PDFs go to a throw-away folder (private storage sits beside MEDIA_ROOT)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = ""


def letter_campaign(province):
    campaign = services.campaign_create(name="Đi phát thư", selection=Selection(wards=("30226",)),
                                        channels=[Channel.LETTER], officer=province.officer)
    services.campaign_launch(campaign=campaign, officer=province.officer)
    return services.campaign_queue(campaign_id=campaign.pk)


def print_letters(client, campaign, capture):
    with capture(execute=True):
        return client.post(reverse("outreach:campaign_letters", args=[campaign.pk]))


def detail(client, campaign) -> str:
    return client.get(reverse("outreach:campaign_detail", args=[campaign.pk])).content.decode()


def read_letters(pdf: bytes) -> dict[str, str]:
    """Each page's business identifier (from its QR code's personal link) -> the page's text."""
    reader, document = PdfReader(io.BytesIO(pdf)), pypdfium2.PdfDocument(pdf)
    found = {}
    for number, page in enumerate(reader.pages):
        [code] = [c.text for c in zxingcpp.read_barcodes(document[number].render(scale=2).to_pil())]
        token = code.removeprefix("http://testserver/outreach/i/").rstrip("/")
        message = services.link_open(token=token)
        assert message.target.name in page.extract_text()
        found[message.identifier] = page.extract_text()
    document.close()
    return found


def test_the_whole_batch_is_printed_into_one_private_pdf_each_business_its_own_link_once(
        province, client, django_capture_on_commit_callbacks):
    # given
    campaign = letter_campaign(province)
    client.force_login(province.officer)
    assert "2 letters are waiting to be printed" in detail(client, campaign)

    # when
    response = print_letters(client, campaign, django_capture_on_commit_callbacks)
    again = print_letters(client, campaign, django_capture_on_commit_callbacks)

    # then: one job printed both letters; the page offers its PDF; nothing is left to print
    assert response.status_code == 302
    [job] = LetterPrintJob.objects.filter(campaign=campaign)
    assert (job.status, job.done, job.total) == (LetterJobStatus.DONE, 2, 2)
    page = detail(client, campaign)
    download_url = reverse("outreach:campaign_letters_download", args=[campaign.pk, job.pk])
    assert download_url in page and "2 letters printed" in page and "waiting to be printed for" not in page
    assert again.status_code == 302 and LetterPrintJob.objects.count() == 1  # no letter twice
    # stored privately: under no public URL
    stored = Path(job.pdf.path)
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT)) and stored.exists()

    download = client.get(download_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "no-store"
    found = read_letters(b"".join(download.streaming_content))
    assert set(found) == {province.lai_vung_entry.identifier, province.registered.identifier}
    assert set(Message.objects.filter(campaign=campaign).values_list("state", flat=True)) == {MessageState.SENT}
    campaign.refresh_from_db()
    assert campaign.status == "finished"
    audited = AuditEvent.objects.filter(target=f"campaign:{campaign.pk}",
                                        action=AuditAction.OUTREACH_CAMPAIGN_CHANGED)
    assert [e.details["letter_job_status"] for e in audited.order_by("id")] == ["queued", "done"]
    assert AuditEvent.objects.filter(action=AuditAction.OUTREACH_EXPORT,
                                     target=f"campaign:{campaign.pk}.letters-{job.pk}.pdf").count() == 1


def test_a_batch_of_many_businesses_is_printed_whole(province, client, django_capture_on_commit_callbacks):
    # given: more letters than the old per-download limit of 100
    for n in range(120):
        register_only(name=f"Cơ sở in thư số {n:03d}")
    campaign = letter_campaign(province)
    client.force_login(province.officer)

    # when
    print_letters(client, campaign, django_capture_on_commit_callbacks)

    # then
    job = LetterPrintJob.objects.get(campaign=campaign)
    assert job.status == LetterJobStatus.DONE and job.done == job.total == campaign.target_count >= 122
    with job.pdf.open("rb") as pdf:
        reader = PdfReader(pdf)
        texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == job.total  # one page a letter
    for n in range(120):
        assert sum(f"Cơ sở in thư số {n:03d}" in text for text in texts) == 1, n


def test_no_letter_for_a_business_that_opted_out(province, client, django_capture_on_commit_callbacks):
    # given
    campaign = letter_campaign(province)
    OptOut.objects.create(identifier=province.registered.identifier)
    client.force_login(province.officer)

    # when
    print_letters(client, campaign, django_capture_on_commit_callbacks)

    # then
    job = LetterPrintJob.objects.get(campaign=campaign)
    with job.pdf.open("rb") as pdf:
        assert set(read_letters(pdf.read())) == {province.lai_vung_entry.identifier}
    assert Message.objects.get(campaign=campaign, identifier=province.registered.identifier
                               ).state == MessageState.OPTED_OUT


def test_while_a_job_runs_the_page_shows_its_progress_and_a_second_request_queues_nothing(
        province, client, django_capture_on_commit_callbacks):
    # given: a job waiting for a worker (its task not run yet), one letter of two done
    campaign = letter_campaign(province)
    client.force_login(province.officer)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        client.post(reverse("outreach:campaign_letters", args=[campaign.pk]))
    assert len(sent) == 1
    job = LetterPrintJob.objects.get(campaign=campaign)
    LetterPrintJob.objects.filter(pk=job.pk).update(status=LetterJobStatus.RUNNING, done=1)

    # when
    with django_capture_on_commit_callbacks(execute=False) as sent_again:
        again = client.post(reverse("outreach:campaign_letters", args=[campaign.pk]), follow=True)
    status = client.get(reverse("outreach:campaign_letters_status", args=[campaign.pk])).json()

    # then
    assert sent_again == [] and LetterPrintJob.objects.count() == 1
    assert "already being printed" in again.content.decode()
    page = detail(client, campaign)
    assert "Printing · 1 / 2" in page and 'data-letters-status-url' in page
    assert status == {"pending": True, "status": "running", "status_label": "Printing", "done": 1, "total": 2,
                      "percent": 50}
    # Vietnamese first: an officer reading in Vietnamese sees the same progress in Vietnamese
    province.officer.preferred_language = "vi"
    province.officer.save(update_fields=["preferred_language"])
    assert "Đang in · 1 / 2" in detail(client, campaign)


def test_a_job_that_stops_moving_becomes_an_error_with_a_retry_and_its_letters_wait_again(
        province, client, django_capture_on_commit_callbacks, settings):
    # given: a job that claimed a letter, then its worker stopped
    campaign = letter_campaign(province)
    client.force_login(province.officer)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("outreach:campaign_letters", args=[campaign.pk]))
    job = LetterPrintJob.objects.get(campaign=campaign)
    first = Message.objects.filter(campaign=campaign).order_by("id").first()
    Message.objects.filter(pk=first.pk).update(state=MessageState.SENT, print_job=job, sent_at=timezone.now())
    LetterPrintJob.objects.filter(pk=job.pk).update(
        status=LetterJobStatus.RUNNING, done=1,
        updated_at=timezone.now() - datetime.timedelta(seconds=settings.JOB_STALL_SECONDS + 1))

    # when
    assert services.letter_jobs_fail_stalled() == 1
    page = detail(client, campaign)

    # then: the officer sees the error and a retry; no letter counts as printed
    job.refresh_from_db()
    assert job.status == LetterJobStatus.FAILED and job.error_code == "timed_out"
    assert "took too long" in page and "Try again" in page and "2 letters are waiting" in page
    assert client.get(reverse("outreach:campaign_letters_download", args=[campaign.pk, job.pk])).status_code == 404

    # and the retry prints both
    print_letters(client, campaign, django_capture_on_commit_callbacks)
    retried = LetterPrintJob.objects.exclude(pk=job.pk).get()
    assert (retried.status, retried.done) == (LetterJobStatus.DONE, 2)


def test_only_officers_of_the_province_download_a_print_job(province, client, django_capture_on_commit_callbacks):
    # given
    campaign = letter_campaign(province)
    client.force_login(province.officer)
    print_letters(client, campaign, django_capture_on_commit_callbacks)
    job = LetterPrintJob.objects.get(campaign=campaign)
    urls = [reverse("outreach:campaign_letters_download", args=[campaign.pk, job.pk]),
            reverse("outreach:campaign_letters_status", args=[campaign.pk])]
    client.logout()

    # when / then: signed out -> sign-in page; a business owner -> 403
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(owner_user())
    for url in urls:
        assert client.get(url).status_code == 403, url
    # an officer: an unknown job, a job of another campaign, a campaign of another province -> 404
    client.force_login(province.officer)
    other = services.campaign_create(name="Khác", selection=Selection(), channels=[Channel.LETTER],
                                     officer=province.officer)
    for url in (reverse("outreach:campaign_letters_download", args=[campaign.pk, 10**6]),
                reverse("outreach:campaign_letters_download", args=[other.pk, job.pk])):
        assert client.get(url).status_code == 404, url
    type(campaign).objects.filter(pk=campaign.pk).update(province_code="99")
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action=AuditAction.OUTREACH_EXPORT).exists()
