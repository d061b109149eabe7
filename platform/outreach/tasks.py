"""Celery tasks of outreach: thin wrappers that take ids (or a channel's code) and call the services."""

from celery import shared_task

from .messaging import RetryableSendError
from .models import Message
from .services import (
    SENT_BY_WORKERS,
    campaign_queue,
    channel_send_batch,
    letter_job_mark_failed,
    letter_job_run,
    letter_pdfs_sweep,
    messages_mark_in_doubt,
    sending_hours_allow,
    sms_deliveries_poll,
    sms_delivery_check,
)


@shared_task(acks_late=True)
def campaign_queue_task(campaign_id: int) -> None:
    """Select a launched campaign's businesses and queue its messages (services.campaign_queue). Idempotent."""
    campaign_queue(campaign_id=campaign_id)


@shared_task(acks_late=True)
def channel_send_task(channel: str) -> None:
    """Send one paced batch of a channel's queued messages, then run again while some are left. Outside
    sending hours it waits for ``outreach_send_due_task`` (every minute) to start it again. A second
    delivery is harmless: messages are claimed before sending and the channel's lease admits one sender."""
    again = channel_send_batch(channel=channel)
    if again is not None and sending_hours_allow():
        channel_send_task.apply_async(args=[channel], countdown=again)


@shared_task(acks_late=True)
def outreach_send_due_task() -> None:
    """Every minute: messages whose sender died are marked in doubt (never re-sent), and each channel with
    queued messages gets a sender (one that already runs keeps the channel's lease)."""
    messages_mark_in_doubt()
    if sending_hours_allow():
        for channel in SENT_BY_WORKERS:
            channel_send_task.delay(channel)


@shared_task(acks_late=True, max_retries=0)
def letter_job_run_task(job_id: int) -> None:
    """Print a campaign's waiting letters into one PDF (services.letter_job_run); a second delivery is a
    no-op. Rendering has no error worth retrying (no network; the same letters fail the same way): a crash
    fails the job, its letters go back to the queue and the officer sees a retry."""
    try:
        letter_job_run(job_id=job_id)
    except Exception as exc:
        letter_job_mark_failed(job_id=job_id, error_code=type(exc).__name__)
        raise


@shared_task
def letter_pdfs_sweep_task() -> None:
    """Hourly: delete the letter PDFs printed more than OUTREACH_LETTER_RETENTION_DAYS ago."""
    letter_pdfs_sweep()


@shared_task
def sms_deliveries_poll_task() -> None:
    """Every 10 minutes: ask eSMS for the delivery reports that have not come (services.sms_deliveries_poll)."""
    sms_deliveries_poll()


@shared_task(bind=True, acks_late=True, autoretry_for=(RetryableSendError,), retry_backoff=True,
             retry_jitter=True, max_retries=5)
def sms_delivery_check_task(self, message_id: int) -> None:
    """Ask eSMS for one message's delivery report (after eSMS called back about it). Idempotent."""
    message = Message.objects.filter(pk=message_id).first()
    if message is not None:
        sms_delivery_check(message=message)
