"""Writes of outreach: campaigns, queuing their messages, sending them, the personal link and opt-outs.

Sending is at-most-once per (campaign, business, channel): the ``Message`` row is claimed with a conditional
UPDATE (``queued`` -> ``sending``) before anything leaves, and only the claimer sends it. A sender that dies
between the claim and marking it sent leaves the row ``sending``; ``messages_mark_in_doubt`` turns it
``in_doubt`` after ``OUTREACH_SENDING_TIMEOUT_SECONDS``, and nothing re-sends it (it may have left: an
officer sees it on the campaign page). One sender per channel holds a lease (``SendLease``) and paces the
channel at ``OUTREACH_<CHANNEL>_PER_MINUTE`` within ``OUTREACH_SENDING_HOURS``.
"""

from __future__ import annotations

import datetime
import logging
import os
import smtplib
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import EmailMessage, mail_admins
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from adoption.models import RegisterEntry
from sme.businesses.models import AdministrativeUnit, Business
from sme.businesses.ownership import ownership_confirm_by_register_link
from sme.jobs import task_enqueue

from .letters import Letter, LetterError, write_letters
from .messaging import (
    AmbiguousSendError,
    AuthorizationRefused,
    PermanentSendError,
    ProviderNotConfigured,
    RetryableSendError,
    SendResult,
    authorization_refusal,
    provider_for,
)
from .models import (
    LETTER_JOB_ACTIVE,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Channel,
    ChannelPause,
    DeliveryStatus,
    LetterJobStatus,
    LetterPrintJob,
    Message,
    MessageState,
    OptOut,
    RecentContact,
    SendLease,
)
from .selection import Selection, selection_members

LINK_SALT = "outreach.link"
OPT_OUT_SALT = "outreach.opt-out"
logger = logging.getLogger(__name__)
# Channels a worker sends through (letters are printed by an officer instead).
SENT_BY_WORKERS = (Channel.EMAIL, Channel.ZALO, Channel.SMS)
PHONE_CHANNELS = (Channel.ZALO, Channel.SMS)
# Tries of a message a provider keeps answering "try later" before it is marked failed.
MAX_ATTEMPTS = 5
# How long a sender's hold on a channel outlives its last message (more than one delivery can take).
LEASE_MARGIN_SECONDS = 30


class SendLater(Exception):
    """The provider asked to try a message later (nothing was sent); its row is queued again."""


class ChannelPaused(Exception):
    """The channel's provider refused the platform's authorization (nothing was sent): the message is queued
    again and the channel paused (``channel_pause``) until an operator authorizes it again."""


class LinkInvalid(Exception):
    """A personal link that is not ours, was altered, has expired or was used by someone else. ``code``
    says which (``bad``, ``expired``, ``used``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def available_channels() -> tuple[str, ...]:
    """The channels a campaign may pick on this server: e-mail always, Zalo and SMS when their provider is
    configured (``outreach.messaging``)."""
    return (Channel.EMAIL, Channel.LETTER, *(c for c in PHONE_CHANNELS if provider_for(c).configured))


def province_code() -> str:
    """The province this server serves: the code of its current wards (Đồng Tháp since July 2025)."""
    return (AdministrativeUnit.objects.current().order_by().values_list("province_code", flat=True).first()
            or "")


# --- Campaigns --------------------------------------------------------------------------------------------


def campaign_create(*, name: str, selection: Selection, channels: Sequence[str], officer: User,
                    request: HttpRequest | None = None) -> Campaign:
    """A draft campaign (nothing is selected or sent yet). Raises ``ValidationError`` for no name, no channel
    or a channel this server cannot send. Audit-logged with its selection."""
    name = " ".join(name.split())[:200]
    channels = list(dict.fromkeys(channels))
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    if not channels:
        raise ValidationError({"channels": _("Pick at least one channel.")})
    if any(c not in available_channels() for c in channels):
        raise ValidationError({"channels": _("This channel cannot be used yet.")})
    campaign = Campaign.objects.create(name=name, selection=selection.as_dict(), channels=channels,
                                       province_code=province_code(), created_by=officer)
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CREATED, actor=officer, target=f"campaign:{campaign.pk}",
                 details={"name": name, "selection": campaign.selection, "channels": channels}, request=request)
    return campaign


def campaign_launch(*, campaign: Campaign, officer: User, request: HttpRequest | None = None) -> Campaign:
    """Queue a draft campaign: a worker selects its businesses and queues their messages, then the senders
    start. Idempotent: a campaign already launched is returned as it is."""
    launched = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
        status=CampaignStatus.QUEUING, queued_at=timezone.now(), updated_at=timezone.now())
    campaign.refresh_from_db()
    if launched:
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_LAUNCHED, actor=officer,
                     target=f"campaign:{campaign.pk}", details={"name": campaign.name}, request=request)
        task_enqueue("outreach.tasks.campaign_queue_task", campaign.pk)
    return campaign


def campaign_set_paused(*, campaign: Campaign, paused: bool, officer: User,
                        request: HttpRequest | None = None) -> Campaign:
    """Pause a sending campaign (its queued messages wait) or resume it. Nothing else changes state."""
    source, destination = ((CampaignStatus.SENDING, CampaignStatus.PAUSED) if paused
                           else (CampaignStatus.PAUSED, CampaignStatus.SENDING))
    changed = Campaign.objects.filter(pk=campaign.pk, status=source).update(status=destination,
                                                                           updated_at=timezone.now())
    campaign.refresh_from_db()
    if changed:
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=officer, target=f"campaign:{campaign.pk}",
                     details={"status": destination}, request=request)
        if not paused:
            for channel in campaign.channels:
                task_enqueue("outreach.tasks.channel_send_task", channel)
    return campaign


def campaign_cancel(*, campaign: Campaign, officer: User, request: HttpRequest | None = None) -> Campaign:
    """Stop a campaign for good: its messages not sent yet are cancelled (those sent stay sent)."""
    with transaction.atomic():
        changed = Campaign.objects.filter(pk=campaign.pk).exclude(
            status__in=(CampaignStatus.FINISHED, CampaignStatus.CANCELLED)).update(
            status=CampaignStatus.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now())
        if changed:
            Message.objects.filter(campaign=campaign, state=MessageState.QUEUED).update(
                state=MessageState.CANCELLED, updated_at=timezone.now())
    campaign.refresh_from_db()
    if changed:
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=officer, target=f"campaign:{campaign.pk}",
                     details={"status": CampaignStatus.CANCELLED}, request=request)
    return campaign


DELETABLE_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.FINISHED, CampaignStatus.CANCELLED,
                      CampaignStatus.FAILED)


def campaign_delete(*, campaign: Campaign, officer: User, request: HttpRequest | None = None) -> None:
    """Delete a campaign that sends nothing any more (a draft, finished, cancelled or failed) with its
    targets, messages and print jobs; its letter PDFs are deleted from storage first. The businesses it
    contacted stay in their cool-down, opt-outs stay, and the audit trail keeps the campaign's history.
    Raises ``ValidationError`` (nothing changes) while it is being queued or sent, or a print job runs."""
    campaign.refresh_from_db()
    if (campaign.status not in DELETABLE_STATUSES
            or campaign.letter_jobs.filter(status__in=LETTER_JOB_ACTIVE).exists()):
        raise ValidationError(_("A campaign that is still sending or printing cannot be deleted: cancel it "
                                "or wait until it has finished."), code="campaign_busy")
    with transaction.atomic():
        pk, name = campaign.pk, campaign.name
        deleted_pdfs = letter_pdfs_delete(jobs=campaign.letter_jobs.all())
        campaign.delete()
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=officer, target=f"campaign:{pk}",
                 details={"deleted": True, "name": name, "letter_pdfs_deleted": deleted_pdfs}, request=request)


def _cooldown() -> datetime.timedelta:
    return datetime.timedelta(days=settings.OUTREACH_COOLDOWN_DAYS)


def campaign_queue(*, campaign_id: int) -> Campaign:
    """Select a launched campaign's businesses (the indicator's selection today) and queue one message per
    business and channel. Businesses that opted out, or that another campaign contacted within the
    cool-down, get a message row saying so and are never sent anything. Idempotent: a campaign past
    ``queuing`` is left alone, and rows already written are kept (``bulk_create`` ignores the duplicates)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != CampaignStatus.QUEUING:
        return campaign
    members = selection_members(selection=Selection.from_dict(campaign.selection), day=timezone.localdate())
    entry_ids = [m.entry_id for m in members if m.entry_id]
    contacts = dict(RegisterEntry.objects.filter(pk__in=entry_ids).values_list("pk", "contact_email"))
    # The register gives no phone number: Zalo and SMS reach the businesses already on the platform.
    phones = dict(Business.objects.filter(pk__in=[m.business_id for m in members if m.business_id])
                  .exclude(phone="").values_list("pk", "phone"))
    opted_out = set(OptOut.objects.values_list("identifier", flat=True))
    cutoff = timezone.now() - _cooldown()
    cooling = set(RecentContact.objects.filter(contacted_at__gte=cutoff).exclude(campaign=campaign)
                  .values_list("identifier", flat=True))
    with transaction.atomic():
        CampaignTarget.objects.bulk_create([
            CampaignTarget(campaign=campaign, identifier=m.identifier, register_entry_id=m.entry_id,
                           business_id=m.business_id, name=m.name[:255], ward_key=m.ward_key[:16])
            for m in members], batch_size=2000, ignore_conflicts=True)
        targets = {identifier: (pk, entry_id, business_id) for pk, identifier, entry_id, business_id
                   in CampaignTarget.objects.filter(campaign=campaign).values_list(
                       "pk", "identifier", "register_entry_id", "business_id")}
        messages = []
        for identifier, (target_id, entry_id, business_id) in targets.items():
            for channel in campaign.channels:
                if channel == Channel.EMAIL:
                    address = contacts.get(entry_id, "")
                elif channel in PHONE_CHANNELS:
                    address = phones.get(business_id, "")
                else:
                    address = ""
                if identifier in opted_out:
                    state = MessageState.OPTED_OUT
                elif identifier in cooling:
                    state = MessageState.COOLING_DOWN
                elif channel in SENT_BY_WORKERS and not address:
                    state = MessageState.NO_ADDRESS
                else:
                    state = MessageState.QUEUED
                messages.append(Message(campaign=campaign, target_id=target_id, identifier=identifier,
                                        channel=channel, address=address,
                                        to_register_contact=bool(address) and channel == Channel.EMAIL,
                                        state=state))
        Message.objects.bulk_create(messages, batch_size=2000, ignore_conflicts=True)
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.SENDING, target_count=len(targets),
            message_count=Message.objects.filter(campaign=campaign).count(), updated_at=timezone.now())
    campaign.refresh_from_db()
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_QUEUED, actor=None, target=f"campaign:{campaign.pk}",
                 details={"targets": campaign.target_count, "messages": campaign.message_count,
                          "identifiers": sorted(targets)[:10000]})
    for channel in campaign.channels:
        task_enqueue("outreach.tasks.channel_send_task", channel)
    return campaign


# --- Personal link and opt-out -----------------------------------------------------------------------------


def link_token(*, message: Message) -> str:
    """The signed token of a message's personal link. It carries only the message's id; it expires
    ``OUTREACH_LINK_DAYS`` after it was made."""
    return signing.dumps(message.pk, salt=LINK_SALT, compress=True)


def opt_out_token(*, message: Message) -> str:
    """The signed token of a message's opt-out link (it never expires: opting out must always work)."""
    return signing.dumps(message.pk, salt=OPT_OUT_SALT, compress=True)


def link_url(*, message: Message) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("outreach:invitation", args=[link_token(message=message)])


def opt_out_url(*, message: Message) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("outreach:opt_out", args=[opt_out_token(message=message)])


def _message_from(token: str, *, salt: str, max_age: int | None) -> Message:
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise LinkInvalid("bad") from exc
    message = (Message.objects.select_related("campaign", "target", "target__register_entry", "business")
               .filter(pk=pk).first() if isinstance(pk, int) else None)
    if message is None or message.state != MessageState.SENT:
        raise LinkInvalid("bad")
    return message


def link_open(*, token: str) -> Message:
    """The message behind a personal link, recording the first time it was opened. Raises ``LinkInvalid``
    for a bad or expired link. Idempotent."""
    message = _message_from(token, salt=LINK_SALT, max_age=settings.OUTREACH_LINK_DAYS * 86400)
    if message.link_opened_at is None:
        now = timezone.now()
        if Message.objects.filter(pk=message.pk, link_opened_at__isnull=True).update(link_opened_at=now):
            message.link_opened_at = now
            audit_record(action=AuditAction.OUTREACH_LINK_OPENED, actor=None, target=f"message:{message.pk}",
                         details={"campaign": message.campaign_id, "channel": message.channel})
    return message


def link_use(*, token: str, user: User, request: HttpRequest | None = None) -> Message:
    """``user`` follows a personal link: it becomes theirs, once (single use). The same user may come back
    to it; anyone else gets ``LinkInvalid("used")``. Raises ``LinkInvalid`` for a bad or expired link."""
    message = link_open(token=token)
    if message.link_used_by_id == user.pk:
        return message
    now = timezone.now()
    claimed = Message.objects.filter(pk=message.pk, link_used_at__isnull=True).update(
        link_used_at=now, link_used_by=user, updated_at=now)
    if not claimed:
        raise LinkInvalid("used")
    message.refresh_from_db()
    audit_record(action=AuditAction.OUTREACH_LINK_USED, actor=user, target=f"message:{message.pk}",
                 details={"campaign": message.campaign_id, "identifier": message.identifier}, request=request)
    return message


def invitation_business_linked(*, message: Message, business: Business, user: User,
                               request: HttpRequest | None = None) -> Business:
    """Record that ``business`` was registered (or found) through ``message``'s link; when the message went
    to the register's own contact address, that is the ownership proof (``sme.businesses.ownership``)."""
    Message.objects.filter(pk=message.pk).update(business=business, updated_at=timezone.now())
    message.business = business
    if message.to_register_contact and business.identifier == message.identifier:
        ownership_confirm_by_register_link(business=business, user=user, request=request,
                                           details={"campaign": message.campaign_id, "message": message.pk})
        business.refresh_from_db()
    return business


def opt_out_check(*, token: str) -> Message:
    """The message behind an opt-out link, changing nothing. Raises ``LinkInvalid`` for a bad link."""
    return _message_from(token, salt=OPT_OUT_SALT, max_age=None)


def opt_out(*, token: str, request: HttpRequest | None = None) -> Message:
    """The business of the message behind an opt-out link is never contacted again by any campaign; its
    messages still queued anywhere are marked opted out. Idempotent. Raises ``LinkInvalid`` for a bad link."""
    message = _message_from(token, salt=OPT_OUT_SALT, max_age=None)
    with transaction.atomic():
        try:
            with transaction.atomic():
                OptOut.objects.create(identifier=message.identifier, message=message)
        except IntegrityError:
            return message
        Message.objects.filter(identifier=message.identifier, state=MessageState.QUEUED).update(
            state=MessageState.OPTED_OUT, updated_at=timezone.now())
    audit_record(action=AuditAction.OUTREACH_OPTED_OUT, actor=None, target=message.identifier,
                 details={"campaign": message.campaign_id, "message": message.pk}, request=request)
    return message


# --- Sending ----------------------------------------------------------------------------------------------


def sending_hours_allow(*, moment: datetime.datetime | None = None) -> bool:
    """Whether ``moment`` (now) is within ``OUTREACH_SENDING_HOURS`` in the province's time zone."""
    local = timezone.localtime(moment or timezone.now())
    start, end = settings.OUTREACH_SENDING_HOURS
    return start <= local.hour < end


def seconds_until_sending_hours(*, moment: datetime.datetime | None = None) -> int:
    local = timezone.localtime(moment or timezone.now())
    start, _end = settings.OUTREACH_SENDING_HOURS
    opens = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if opens <= local:
        opens += datetime.timedelta(days=1)
    return max(int((opens - local).total_seconds()), 1)


def _lease_take(*, channel: str, holder: str, seconds: float) -> bool:
    now = timezone.now()
    until = now + datetime.timedelta(seconds=seconds)
    SendLease.objects.get_or_create(channel=channel)
    return bool(SendLease.objects.filter(channel=channel).filter(
        Q(until__isnull=True) | Q(until__lt=now) | Q(holder=holder)).update(holder=holder, until=until))


def _lease_release(*, channel: str, holder: str) -> None:
    SendLease.objects.filter(channel=channel, holder=holder).update(holder="", until=None)


def _contact_claim(*, message: Message) -> bool:
    """Reserve the business for this campaign: False when another campaign contacted it within the
    cool-down. A conditional UPDATE (or the insert's unique constraint) decides, never a read."""
    now = timezone.now()
    allowed = RecentContact.objects.filter(identifier=message.identifier).filter(
        Q(campaign_id=message.campaign_id) | Q(contacted_at__lt=now - _cooldown())).update(
        campaign_id=message.campaign_id, contacted_at=now)
    if allowed:
        return True
    try:
        with transaction.atomic():
            RecentContact.objects.create(identifier=message.identifier, campaign_id=message.campaign_id,
                                         contacted_at=now)
    except IntegrityError:
        return False
    return True


def _next_message(channel: str) -> Message | None:
    return (Message.objects.filter(channel=channel, state=MessageState.QUEUED,
                                   campaign__status=CampaignStatus.SENDING)
            .select_related("campaign", "target").order_by("id").first())


def message_send(*, message: Message, deliver: Callable[[Message], None]) -> str:
    """Send one queued message through ``deliver``, at most once. Returns its final state.

    Claims the row first (``queued`` -> ``sending``; a message someone else claimed is left alone and its
    state returned), then checks opt-out and the cool-down, then delivers and marks it ``sent``. A delivery
    that fails with an error the sender reports (refused address, SMTP error) is ``failed``; the process
    dying in between leaves it ``sending`` for ``messages_mark_in_doubt``. A provider refusing the platform's
    authorization (``AuthorizationRefused``) queues it again, untried, pauses the channel (``channel_pause``)
    and raises ``ChannelPaused``.
    """
    now = timezone.now()
    claimed = Message.objects.filter(pk=message.pk, state__in=(MessageState.QUEUED,)).update(
        state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return Message.objects.values_list("state", flat=True).get(pk=message.pk)
    message.attempts += 1
    refused: AuthorizationRefused | None = None
    if OptOut.objects.filter(identifier=message.identifier).exists():
        state = MessageState.OPTED_OUT
    elif not _contact_claim(message=message):
        state = MessageState.COOLING_DOWN
    else:
        try:
            deliver(message)
        except AuthorizationRefused as exc:
            # Every message of the channel would be refused the same way: this one waits with the others
            # (the try does not count: nothing reached the provider's send endpoint).
            refused = exc
            state = MessageState.QUEUED
            Message.objects.filter(pk=message.pk).update(error_code=(exc.code or "authorization_refused")[:64],
                                                         attempts=F("attempts") - 1)
        except AmbiguousSendError as exc:
            # It may have left: only a provider that recognises the message's tracking id may be asked again.
            deduplicates = message.channel in PHONE_CHANNELS and provider_for(message.channel).deduplicates
            state = (MessageState.QUEUED if deduplicates and message.attempts < MAX_ATTEMPTS
                     else MessageState.IN_DOUBT)
            Message.objects.filter(pk=message.pk).update(error_code=(exc.code or "ambiguous")[:64])
        except RetryableSendError as exc:
            state = MessageState.QUEUED if message.attempts < MAX_ATTEMPTS else MessageState.FAILED
            Message.objects.filter(pk=message.pk).update(error_code=(exc.code or "retryable")[:64])
        except PermanentSendError as exc:
            state = MessageState.FAILED
            Message.objects.filter(pk=message.pk).update(error_code=(exc.code or "refused")[:64])
        except LetterError:
            state = MessageState.FAILED
            Message.objects.filter(pk=message.pk).update(error_code="letter_refused")
        except (smtplib.SMTPException, OSError) as exc:
            state = MessageState.FAILED
            Message.objects.filter(pk=message.pk).update(error_code=type(exc).__name__[:64])
        else:
            state = MessageState.SENT
    sent_at = timezone.now() if state == MessageState.SENT else None
    Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(state=state, sent_at=sent_at,
                                                                             updated_at=timezone.now())
    audit_record(action=AuditAction.OUTREACH_MESSAGE_SENT if state == MessageState.SENT
                 else AuditAction.OUTREACH_MESSAGE_NOT_SENT, actor=None, target=f"message:{message.pk}",
                 details={"campaign": message.campaign_id, "identifier": message.identifier,
                          "channel": message.channel, "state": state})
    if refused is not None:
        channel_pause(channel=message.channel, reason=refused.code or "authorization_refused")
        raise ChannelPaused(message.pk)
    if state == MessageState.QUEUED:
        # Not sent (the provider said "later"): the business's cool-down slot stays this campaign's.
        raise SendLater(message.pk)
    return state


def email_deliver(message: Message) -> None:
    """E-mail one invitation (Vietnamese first, then English) with its personal and opt-out links.

    The Message-ID is derived from the message row, so a mail server or a reader can tell two copies apart
    from two invitations."""
    context = {"campaign": message.campaign, "name": message.target.name, "link": link_url(message=message),
               "opt_out": opt_out_url(message=message), "days": settings.OUTREACH_LINK_DAYS}
    subjects, bodies = [], []
    for language in ("vi", "en"):
        with translation.override(language):
            subjects.append(render_to_string("outreach/email/invitation_subject.txt", context).strip())
            bodies.append(render_to_string("outreach/email/invitation.txt", context).strip())
    email = EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " / ".join(dict.fromkeys(subjects)),
        body="\n\n----------\n\n".join(bodies) + "\n", to=[message.address],
        headers={"Message-ID": f"<outreach-{message.pk}@{settings.OUTREACH_MESSAGE_ID_DOMAIN}>",
                 "List-Unsubscribe": f"<{context['opt_out']}>"})
    email.send()


def _phone_text(message: Message) -> str:
    with translation.override("vi"):
        return render_to_string("outreach/sms/invitation.txt", {
            "name": message.target.name, "link": link_url(message=message),
            "opt_out": opt_out_url(message=message)}).strip()


def _provider_id_record(*, message: Message, result: SendResult) -> None:
    """Keep the provider's id of a message it accepted (its delivery report is asked by it)."""
    if not result.provider_message_id:
        return
    try:
        with transaction.atomic():
            Message.objects.filter(pk=message.pk).update(provider_message_id=result.provider_message_id[:64],
                                                         delivery_status=DeliveryStatus.PENDING)
    except IntegrityError:
        # The provider gave an id it gave another message (uniq_outreach_message_provider_id): the message
        # was sent all the same; only its delivery report cannot be told apart.
        pass


def zalo_deliver(message: Message) -> None:
    """The invitation as the Official Account's approved ZNS template, with the links as its parameters."""
    ward = AdministrativeUnit.objects.current().filter(code=message.target.ward_key).values_list(
        "name", flat=True).first() or ""
    provider_for(Channel.ZALO).send(phone=message.address, tracking_id=f"outreach-{message.pk}", params={
        "business_name": message.target.name[:100], "ward": ward, "link": link_url(message=message),
        "opt_out": opt_out_url(message=message)})


def sms_deliver(message: Message) -> None:
    """The invitation as a brandname SMS: one line, the personal link and the opt-out link."""
    result = provider_for(Channel.SMS).send(phone=message.address, tracking_id=f"outreach-{message.pk}",
                                            text=_phone_text(message))
    _provider_id_record(message=message, result=result)


# How long eSMS keeps a message's status (E-status: the last 7 days).
SMS_REPORT_DAYS = 7
SMS_REPORT_BATCH = 200


def sms_delivery_check(*, message: Message) -> str:
    """Ask eSMS whether ``message`` (an SMS it accepted) reached the phone and record the answer on it.
    Returns its delivery status. Idempotent; a message without an SMSID or already delivered or not is left
    as it is. Raises what ``EsmsSmsProvider.delivery_report`` raises."""
    if (message.channel != Channel.SMS or not message.provider_message_id
            or message.delivery_status not in (DeliveryStatus.UNKNOWN, DeliveryStatus.PENDING)):
        return message.delivery_status
    report = provider_for(Channel.SMS).delivery_report(provider_message_id=message.provider_message_id)
    Message.objects.filter(pk=message.pk, delivery_status__in=(DeliveryStatus.UNKNOWN, DeliveryStatus.PENDING)
                           ).update(delivery_status=report.status, delivery_checked_at=timezone.now(),
                                    updated_at=timezone.now())
    message.delivery_status = report.status
    return report.status


def sms_deliveries_poll(*, now: datetime.datetime | None = None) -> int:
    """Every few minutes: the SMS sent in eSMS's 7 days whose delivery report has not come are asked about,
    oldest check first. Stops at the first retryable error (eSMS busy: the next run goes on) or when eSMS
    refuses the credentials. Returns how many reports were final."""
    now = now or timezone.now()
    waiting = (Message.objects.filter(channel=Channel.SMS, state=MessageState.SENT,
                                      delivery_status=DeliveryStatus.PENDING,
                                      sent_at__gte=now - datetime.timedelta(days=SMS_REPORT_DAYS))
               .exclude(provider_message_id="").order_by(F("delivery_checked_at").asc(nulls_first=True), "id"))
    final = 0
    for message in waiting[:SMS_REPORT_BATCH]:
        try:
            status = sms_delivery_check(message=message)
        except (RetryableSendError, ProviderNotConfigured):
            break
        except PermanentSendError:
            Message.objects.filter(pk=message.pk).update(delivery_checked_at=timezone.now())
            continue
        final += status != DeliveryStatus.PENDING
    return final


def sms_delivery_callback(*, provider_message_id: str) -> int | None:
    """eSMS called back about ``provider_message_id`` (E-callback). The call is not signed, so what it says
    is not believed: the message it names, if it is ours and waiting, gets its report asked from eSMS
    (``outreach.tasks.sms_delivery_check_task``). Returns the message's id, or None (nothing happens)."""
    message_id = (Message.objects.filter(channel=Channel.SMS, provider_message_id=provider_message_id[:64],
                                         delivery_status=DeliveryStatus.PENDING)
                   .values_list("pk", flat=True).first() if provider_message_id else None)
    if message_id is not None:
        task_enqueue("outreach.tasks.sms_delivery_check_task", message_id)
    return message_id


DELIVERERS: dict[str, Callable[[Message], None]] = {Channel.EMAIL: email_deliver, Channel.ZALO: zalo_deliver,
                                                    Channel.SMS: sms_deliver}


def channel_send_batch(*, channel: str, holder: str | None = None, limit: int | None = None,
                       sleep: Callable[[float], None] = time.sleep) -> float | None:
    """Send up to ``limit`` (``OUTREACH_SEND_BATCH``) queued messages of ``channel``, paced at the channel's
    rate, holding the channel's lease. Returns the seconds after which to run again, or None when nothing
    is left to send. Outside sending hours it sends nothing and returns the wait until they open."""
    if channel not in DELIVERERS:
        return None
    holder = holder or f"{os.getpid()}:{uuid.uuid4().hex}"  # the pid tells an operator which process holds it
    if not Message.objects.filter(channel=channel, state=MessageState.QUEUED,
                                  campaign__status=CampaignStatus.SENDING).exists():
        campaigns_finish()
        return None
    if not channel_pause_lifted(channel=channel):
        return None  # outreach_send_due_task asks again every minute
    if not sending_hours_allow():
        return float(seconds_until_sending_hours())
    interval = 60.0 / max(settings.OUTREACH_RATE_PER_MINUTE.get(channel, 60), 1)
    limit = limit or settings.OUTREACH_SEND_BATCH
    if not _lease_take(channel=channel, holder=holder, seconds=interval + LEASE_MARGIN_SECONDS):
        return None  # another sender has the channel; it runs again itself
    deliver = DELIVERERS[channel]
    try:
        last = None
        for _n in range(limit):
            # Renewed before each message: a sender that dies frees the channel within the margin.
            if not _lease_take(channel=channel, holder=holder, seconds=interval + LEASE_MARGIN_SECONDS):
                return None
            message = _next_message(channel)
            if message is None:
                break
            if last is not None:
                wait = interval - (time.monotonic() - last)
                if wait > 0:
                    sleep(wait)
            last = time.monotonic()
            try:
                message_send(message=message, deliver=deliver)
            except SendLater:
                return float(settings.OUTREACH_RETRY_SECONDS)
            except ChannelPaused:
                return None
    finally:
        _lease_release(channel=channel, holder=holder)
    campaigns_finish()
    return interval if _next_message(channel) is not None else None


def _campaigns_waiting(channel: str) -> dict[int, int]:
    """{campaign id: messages of ``channel`` waiting} for the campaigns not over yet."""
    return dict(Message.objects.filter(channel=channel, state=MessageState.QUEUED)
                .exclude(campaign__status__in=(CampaignStatus.FINISHED, CampaignStatus.CANCELLED,
                                               CampaignStatus.FAILED))
                .order_by().values("campaign_id").annotate(n=Count("pk")).values_list("campaign_id", "n"))


def channel_pause(*, channel: str, reason: str) -> bool:
    """Pause ``channel``: its provider refused the platform's authorization (``reason``, e.g. Zalo's
    ``token_-14020``), so its queued messages wait, in every campaign, instead of failing one by one; the
    other channels go on. Audit-logged once, on each campaign with messages waiting on it. Returns False when
    the channel was paused already (nothing changes)."""
    try:
        with transaction.atomic():
            ChannelPause.objects.create(channel=channel, reason=reason[:64], paused_at=timezone.now())
    except IntegrityError:  # uniq_outreach_channel_pause_channel: another sender paused it first
        return False
    waiting = _campaigns_waiting(channel)
    logger.warning("Outreach channel %s paused (%s): %s messages wait for a new authorization", channel,
                   reason, sum(waiting.values()))
    for campaign_id, count in waiting.items():
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=None, target=f"campaign:{campaign_id}",
                     details={"channel": channel, "channel_paused": True, "reason": reason[:64],
                              "waiting": count})
    _operators_tell_paused(channel=channel, reason=reason[:64], waiting=waiting)
    return True


def _operators_tell_paused(*, channel: str, reason: str, waiting: dict[int, int]) -> None:
    """E-mail the site's operators (``ADMINS``, Django's ``mail_admins``) that ``channel`` paused, once per
    pause (its caller won the pause row): the refusal code, the messages waiting per campaign and what to do.
    No token is in it (the refusal code is Zalo's error number). An SMTP failure is logged, not raised: the
    pause holds either way and the campaign page says it too."""
    if not settings.ADMINS:
        logger.warning("Outreach channel %s paused: no ADMINS are set, so no operator is e-mailed", channel)
        return
    names = dict(Campaign.objects.filter(pk__in=waiting).values_list("pk", "name"))
    context = {"channel": str(Channel(channel).label), "reason": reason, "total": sum(waiting.values()),
               "campaigns": [(names.get(pk, ""), pk, n) for pk, n in sorted(waiting.items())]}
    subjects, bodies = [], []
    for language in ("vi", "en"):
        with translation.override(language):
            subjects.append(render_to_string("outreach/email/channel_paused_subject.txt", context).strip())
            bodies.append(render_to_string("outreach/email/channel_paused.txt", context).strip())
    try:
        mail_admins(" / ".join(dict.fromkeys(subjects)), "\n\n----------\n\n".join(bodies) + "\n")
    except (smtplib.SMTPException, OSError):
        logger.exception("Outreach channel %s paused: the e-mail to the operators could not be sent", channel)


def channel_pause_lifted(*, channel: str) -> bool:
    """Whether ``channel`` may send: True when it is not paused, or when it was and its provider's
    authorization is no longer refused (an operator set a new refresh token): the pause is then lifted,
    audit-logged once on each campaign with messages waiting, and sending goes on where it stopped. False
    while the refusal stands (nothing is asked of the provider)."""
    pause = ChannelPause.objects.filter(channel=channel).first()
    if pause is None:
        return True
    if authorization_refusal(channel):
        return False
    if not ChannelPause.objects.filter(pk=pause.pk).delete()[0]:
        return True  # another sender lifted it
    waiting = _campaigns_waiting(channel)
    logger.info("Outreach channel %s resumed: %s messages waiting", channel, sum(waiting.values()))
    for campaign_id, count in waiting.items():
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=None, target=f"campaign:{campaign_id}",
                     details={"channel": channel, "channel_paused": False, "paused_since": pause.paused_at.isoformat(),
                              "reason": pause.reason, "waiting": count})
    return True


class LetterJobAbandoned(Exception):
    """The print job is no longer running (the watchdog failed it): its worker stops and keeps nothing."""


LETTER_JOB_TIMED_OUT = "timed_out"


def _letter_for(*, message: Message, officer: User | None, wards: dict[str, str], today: datetime.date) -> Letter:
    business = message.target.business
    signer = (officer.full_name or officer.email) if officer is not None else ""
    return Letter(
        business_name=message.target.name, address=business.street if business else "",
        ward=wards.get(message.target.ward_key, ""), personal_link=link_url(message=message),
        opt_out_link=opt_out_url(message=message), signer_name=signer,
        signer_title=settings.OUTREACH_LETTER_SIGNER_TITLE, department=settings.OUTREACH_LETTER_DEPARTMENT,
        letter_date=today, link_expires_on=today + datetime.timedelta(days=settings.OUTREACH_LINK_DAYS),
        contact=settings.OUTREACH_LETTER_CONTACT, reference=f"CD{message.campaign_id}-{message.pk}")


def _letters_waiting(campaign_id: int):
    return Message.objects.filter(campaign_id=campaign_id, channel=Channel.LETTER, state=MessageState.QUEUED)


def letter_job_request(*, campaign: Campaign, officer: User,
                       request: HttpRequest | None = None) -> tuple[LetterPrintJob | None, bool]:
    """Ask a worker to print every letter of ``campaign`` waiting to be printed, into one PDF.

    Returns (job, created): the new job, or the one already waiting or running (a second request queues
    nothing), or (None, False) when no letter waits. Audit-logged; the task is sent once the request commits.
    """
    active = campaign.letter_jobs.filter(status__in=LETTER_JOB_ACTIVE).first()
    if active is not None:
        return active, False
    total = _letters_waiting(campaign.pk).count()
    if not total:
        return None, False
    try:
        with transaction.atomic():
            job = LetterPrintJob.objects.create(campaign=campaign, requested_by=officer, total=total)
    except IntegrityError:  # another request won the race (uniq_outreach_letter_job_active_per_campaign)
        return campaign.letter_jobs.filter(status__in=LETTER_JOB_ACTIVE).first(), False
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=officer, target=f"campaign:{campaign.pk}",
                 details={"letter_job": job.pk, "letter_job_status": LetterJobStatus.QUEUED, "letters": total},
                 request=request)
    task_enqueue("outreach.tasks.letter_job_run_task", job.pk)
    return job, True


def letter_job_run(*, job_id: int) -> LetterPrintJob:
    """Print a job's letters into one PDF in private storage (a worker runs this).

    Each letter's message is claimed and marked sent as e-mails are (``message_send``), so a letter is
    printed once, and never for a business that opted out or another campaign contacted within the
    cool-down. Letters stream into ``write_letters`` one at a time (memory stays flat for thousands); the
    progress moves with each letter. Idempotent: a job that is not waiting is left alone.
    """
    now = timezone.now()
    if not LetterPrintJob.objects.filter(pk=job_id, status=LetterJobStatus.QUEUED).update(
            status=LetterJobStatus.RUNNING, started_at=now, updated_at=now):
        return LetterPrintJob.objects.get(pk=job_id)
    job = LetterPrintJob.objects.select_related("campaign", "requested_by").get(pk=job_id)
    if job.reprint_of_id is not None:
        return _letter_job_reprint_run(job=job)
    ids = list(_letters_waiting(job.campaign_id).order_by("id").values_list("pk", flat=True))
    LetterPrintJob.objects.filter(pk=job.pk).update(total=len(ids), done=0, updated_at=timezone.now())
    wards = dict(AdministrativeUnit.objects.current().values_list("code", "name"))
    today = timezone.localdate()

    printed: list[Letter] = []  # the letter of the message being sent, when it was claimed and is printable

    def collect(claimed: Message) -> None:
        letter = _letter_for(message=claimed, officer=job.requested_by, wards=wards, today=today)
        letter.check()
        Message.objects.filter(pk=claimed.pk).update(print_job=job)
        printed.append(letter)

    def letters():
        done = 0
        for message_id in ids:
            message = (Message.objects.select_related("campaign", "target", "target__business")
                       .filter(pk=message_id).first())
            if message is None:
                continue
            printed.clear()
            message_send(message=message, deliver=collect)
            done += 1
            if not LetterPrintJob.objects.filter(pk=job.pk, status=LetterJobStatus.RUNNING).update(
                    done=done, updated_at=timezone.now()):
                raise LetterJobAbandoned(job.pk)
            yield from list(printed)

    with tempfile.TemporaryFile() as output:
        try:
            try:
                pages = write_letters(letters=letters(), output=output)
            except LetterError:
                pages = 0  # nothing to print: every letter was opted out, cooling down or refused
            with transaction.atomic():
                finished = LetterPrintJob.objects.filter(pk=job.pk, status=LetterJobStatus.RUNNING).update(
                    status=LetterJobStatus.DONE, finished_at=timezone.now(), updated_at=timezone.now())
                if not finished:
                    raise LetterJobAbandoned(job.pk)
                if pages:
                    output.seek(0)
                    job.refresh_from_db()
                    job.pdf.save(f"campaign-{job.campaign_id}-letters-{job.pk}.pdf", File(output), save=True)
        except LetterJobAbandoned:
            # The watchdog failed it meanwhile: letters this worker claimed since then go back too.
            _letter_job_release_messages(job_id=job.pk)
            raise
    campaigns_finish()
    job.refresh_from_db()
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=None, target=f"campaign:{job.campaign_id}",
                 details={"letter_job": job.pk, "letter_job_status": job.status, "letters": job.done,
                          "printed": job.messages.filter(state=MessageState.SENT).count(), "pages": pages})
    return job


def _letters_to_reprint(job: LetterPrintJob):
    """The letters ``job`` printed, except to a business that opted out since (nothing more goes to it)."""
    return (Message.objects.filter(print_job=job, channel=Channel.LETTER, state=MessageState.SENT)
            .exclude(identifier__in=OptOut.objects.values("identifier")))


def _letter_job_reprint_run(*, job: LetterPrintJob) -> LetterPrintJob:
    """Render again the letters of an earlier job whose PDF was deleted. They were sent already: nothing is
    claimed or marked sent, and each message keeps pointing at the job that first printed it (the one a
    further reprint starts from, and the one whose failure would send it back to the queue)."""
    ids = list(_letters_to_reprint(job.reprint_of).order_by("id").values_list("pk", flat=True))
    LetterPrintJob.objects.filter(pk=job.pk).update(total=len(ids), done=0, updated_at=timezone.now())
    wards = dict(AdministrativeUnit.objects.current().values_list("code", "name"))
    today = timezone.localdate()

    def letters():
        for done, message in enumerate(Message.objects.select_related("campaign", "target", "target__business")
                                       .filter(pk__in=ids).order_by("id").iterator(), start=1):
            yield _letter_for(message=message, officer=job.requested_by, wards=wards, today=today)
            if not LetterPrintJob.objects.filter(pk=job.pk, status=LetterJobStatus.RUNNING).update(
                    done=done, updated_at=timezone.now()):
                raise LetterJobAbandoned(job.pk)

    with tempfile.TemporaryFile() as output:
        try:
            pages = write_letters(letters=letters(), output=output)
        except LetterError:
            pages = 0
        with transaction.atomic():
            if not LetterPrintJob.objects.filter(pk=job.pk, status=LetterJobStatus.RUNNING).update(
                    status=LetterJobStatus.DONE, finished_at=timezone.now(), updated_at=timezone.now()):
                raise LetterJobAbandoned(job.pk)
            if pages:
                output.seek(0)
                job.refresh_from_db()
                job.pdf.save(f"campaign-{job.campaign_id}-letters-{job.pk}.pdf", File(output), save=True)
    job.refresh_from_db()
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=None, target=f"campaign:{job.campaign_id}",
                 details={"letter_job": job.pk, "letter_job_status": job.status, "letters": job.done,
                          "reprint_of": job.reprint_of_id, "pages": pages})
    return job


def letter_job_reprint(*, campaign: Campaign, job: LetterPrintJob, officer: User,
                       request: HttpRequest | None = None) -> tuple[LetterPrintJob | None, bool]:
    """Ask a worker to print again the letters of ``job``, whose PDF was deleted after the retention
    period. Returns (job, created) as ``letter_job_request`` does; (None, False) when ``job`` is not an
    expired print job of ``campaign`` or none of its letters may be printed again (all opted out since).
    Nothing is sent again: the same messages, each with a freshly signed link. Audit-logged."""
    if job.campaign_id != campaign.pk or job.status != LetterJobStatus.DONE or job.pdf_deleted_at is None:
        return None, False
    job = job.reprint_of or job  # the messages point at the job that first printed them
    active = campaign.letter_jobs.filter(status__in=LETTER_JOB_ACTIVE).first()
    if active is not None:
        return active, False
    total = _letters_to_reprint(job).count()
    if not total:
        return None, False
    try:
        with transaction.atomic():
            reprint = LetterPrintJob.objects.create(campaign=campaign, requested_by=officer, total=total,
                                                    reprint_of=job)
    except IntegrityError:
        return campaign.letter_jobs.filter(status__in=LETTER_JOB_ACTIVE).first(), False
    audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=officer, target=f"campaign:{campaign.pk}",
                 details={"letter_job": reprint.pk, "letter_job_status": LetterJobStatus.QUEUED, "letters": total,
                          "reprint_of": job.pk}, request=request)
    task_enqueue("outreach.tasks.letter_job_run_task", reprint.pk)
    return reprint, True


def letter_pdfs_delete(*, jobs: QuerySet[LetterPrintJob]) -> int:
    """Delete the printed PDFs of ``jobs`` from private storage and record when (``pdf_deleted_at``); the
    jobs themselves (counts, which letters they printed) stay. A file already gone is not an error.
    Idempotent. Returns how many jobs had a PDF."""
    count = 0
    for job in jobs.exclude(pdf="").iterator():
        job.pdf.delete(save=False)
        LetterPrintJob.objects.filter(pk=job.pk).update(pdf="", pdf_deleted_at=timezone.now())
        count += 1
    return count


def letter_pdfs_sweep(*, now: datetime.datetime | None = None) -> int:
    """The hourly sweep: letter PDFs printed more than OUTREACH_LETTER_RETENTION_DAYS ago are deleted (they
    hold names, addresses and personal links: kept no longer than a visit round needs). Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.OUTREACH_LETTER_RETENTION_DAYS)
    expired = letter_pdfs_delete(jobs=LetterPrintJob.objects.filter(finished_at__lt=cutoff))
    if expired:
        logger.info("Letter PDFs: %s deleted after the retention period", expired)
    return expired


def letter_job_mark_failed(*, job_id: int, error_code: str) -> bool:
    """A job that crashed or stopped moving becomes an error its officer sees (with a retry). Its letters go
    back to the queue: no PDF with them was kept, so none reached a printer. Returns False when the job was
    not waiting or running (nothing changes)."""
    with transaction.atomic():
        failed = LetterPrintJob.objects.filter(pk=job_id, status__in=LETTER_JOB_ACTIVE).update(
            status=LetterJobStatus.FAILED, error_code=error_code[:64], finished_at=timezone.now(),
            updated_at=timezone.now())
        if failed:
            _letter_job_release_messages(job_id=job_id)
    if failed:
        campaign_id = LetterPrintJob.objects.values_list("campaign_id", flat=True).get(pk=job_id)
        audit_record(action=AuditAction.OUTREACH_CAMPAIGN_CHANGED, actor=None, target=f"campaign:{campaign_id}",
                     details={"letter_job": job_id, "letter_job_status": LetterJobStatus.FAILED,
                              "error": error_code[:64]})
    return bool(failed)


def _letter_job_release_messages(*, job_id: int) -> int:
    # A reprint's letters point at the job that first printed them: a failed reprint releases nothing.
    return Message.objects.filter(print_job_id=job_id, state__in=(MessageState.SENDING, MessageState.SENT)).update(
        state=MessageState.QUEUED, sent_at=None, print_job=None, updated_at=timezone.now())


def letter_jobs_fail_stalled() -> int:
    """The watchdog (settings.STALLED_JOB_SWEEPERS): a print job waiting or running that has not moved for
    JOB_STALL_SECONDS (past Celery's hard time limit: its worker died or was stopped) becomes an error with
    a retry. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALL_SECONDS)
    ids = list(LetterPrintJob.objects.filter(status__in=LETTER_JOB_ACTIVE, updated_at__lt=cutoff)
               .values_list("pk", flat=True))
    return sum(letter_job_mark_failed(job_id=job_id, error_code=LETTER_JOB_TIMED_OUT) for job_id in ids)


def letter_job_audit_download(*, job: LetterPrintJob, officer: User, request: HttpRequest | None = None) -> None:
    audit_record(action=AuditAction.OUTREACH_EXPORT, actor=officer,
                 target=f"campaign:{job.campaign_id}.letters-{job.pk}.pdf", details={"letters": job.done},
                 request=request)


def messages_mark_in_doubt(*, now: datetime.datetime | None = None) -> int:
    """Messages left ``sending`` longer than ``OUTREACH_SENDING_TIMEOUT_SECONDS`` (their sender died):
    ``in_doubt``, never re-sent. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTREACH_SENDING_TIMEOUT_SECONDS)
    return Message.objects.filter(state=MessageState.SENDING, claimed_at__lt=cutoff).update(
        state=MessageState.IN_DOUBT, error_code="sender_stopped", updated_at=now)


def campaigns_finish() -> int:
    """Sending campaigns with nothing queued or being sent are finished. Returns how many."""
    busy = Message.objects.filter(state__in=(MessageState.QUEUED, MessageState.SENDING)).values("campaign_id")
    return Campaign.objects.filter(status=CampaignStatus.SENDING).exclude(pk__in=busy).update(
        status=CampaignStatus.FINISHED, finished_at=timezone.now(), updated_at=timezone.now())
