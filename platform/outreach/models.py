"""Campaigns, the businesses each one selected, one message per business and channel, and opt-outs.

A campaign's targets are fixed when it is queued (the indicator's selection as it stood then). Each target
gets one ``Message`` per channel the officer picked: that row is the only record that something was sent,
and it is claimed (``queued`` -> ``sending``) by a conditional UPDATE before anything leaves, so a retried
or re-delivered task never sends twice (``uniq_outreach_message_target_channel``). A message whose sender
died after claiming it is ``in_doubt``: never re-sent automatically, because it may have left.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sme.catalog.storage import private_storage


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Printed letter")
    ZALO = "zalo", _("Zalo")
    SMS = "sms", _("SMS")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUING = "queuing", _("Being queued")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class Campaign(models.Model):
    """An officer's invitation to a selection of the businesses not online yet.

    ``selection`` is the indicator's filter (``outreach.selection.Selection.as_dict``): series, wards, old
    districts, sector groups, sizes, legal forms and which businesses (not online / declared only).
    ``channels`` lists ``Channel`` values. The campaign is audit-logged at creation, launch and each change.
    """

    name = models.CharField(_("name"), max_length=200)
    selection = models.JSONField(_("selection"), default=dict)
    channels = models.JSONField(_("channels"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    # The province's code (the current wards'): officers see the campaigns of their own province only.
    province_code = models.CharField(_("province code"), max_length=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    target_count = models.PositiveIntegerField(_("businesses selected"), default=0)
    message_count = models.PositiveIntegerField(_("messages queued"), default=0)
    error_code = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["status"], name="outreach_campaign_status")]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One business a campaign selected, as the indicator saw it when the campaign was queued."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    identifier = models.CharField(_("tax code or personal ID"), max_length=14)
    register_entry = models.ForeignKey("adoption.RegisterEntry", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    # The platform business at selection time (a registered business not selling yet), if any.
    business = models.ForeignKey("businesses.Business", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    name = models.CharField(_("name"), max_length=255)
    ward_key = models.CharField(_("ward code"), max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "identifier"],
                                               name="uniq_outreach_target_campaign_identifier")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.identifier}"


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    IN_DOUBT = "in_doubt", _("Sender stopped while sending: not re-sent")
    NO_ADDRESS = "no_address", _("No address for this channel")
    OPTED_OUT = "opted_out", _("Opted out")
    COOLING_DOWN = "cooling_down", _("Contacted recently by another campaign")
    CANCELLED = "cancelled", _("Cancelled")


# What a sender may claim, and what no longer changes.
CLAIMABLE_STATES = (MessageState.QUEUED,)
FINAL_STATES = (MessageState.SENT, MessageState.FAILED, MessageState.IN_DOUBT, MessageState.NO_ADDRESS,
                MessageState.OPTED_OUT, MessageState.COOLING_DOWN, MessageState.CANCELLED)


class DeliveryStatus(models.TextChoices):
    """What the provider's delivery report says (SMS through eSMS: ``messaging.esms.Delivery``)."""

    UNKNOWN = "", _("No delivery report")
    PENDING = "pending", _("Waiting for the delivery report")
    DELIVERED = "delivered", _("Delivered to the phone")
    UNDELIVERED = "undelivered", _("Not delivered")


class Message(models.Model):
    """One invitation to one business on one channel, with its personal link's life (opened, used).

    ``address`` is where it goes (an e-mail address; empty for a letter). ``to_register_contact``: the
    address is the register's own contact address for the business, so following the link proves the
    follower reads that mailbox (``sme.businesses.ownership``).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="messages")
    identifier = models.CharField(max_length=14)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)
    to_register_contact = models.BooleanField(default=False)
    state = models.CharField(_("state"), max_length=16, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    # The provider's id of the message (eSMS SMSID, ZNS msg_id), and what its delivery report said.
    provider_message_id = models.CharField(max_length=64, blank=True)
    delivery_status = models.CharField(_("delivery"), max_length=12, choices=DeliveryStatus.choices, blank=True,
                                       default=DeliveryStatus.UNKNOWN)
    delivery_checked_at = models.DateTimeField(null=True, blank=True)
    link_opened_at = models.DateTimeField(_("link opened at"), null=True, blank=True)
    link_used_at = models.DateTimeField(_("link used at"), null=True, blank=True)
    link_used_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    # The business registered (or found) through this message's link.
    business = models.ForeignKey("businesses.Business", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    # The print job that put this letter in its PDF (letters only).
    print_job = models.ForeignKey("LetterPrintJob", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="messages")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target", "channel"],
                                    name="uniq_outreach_message_target_channel"),
            models.UniqueConstraint(fields=["channel", "provider_message_id"],
                                    condition=~models.Q(provider_message_id=""),
                                    name="uniq_outreach_message_provider_id"),
        ]
        indexes = [
            models.Index(fields=["channel", "state"], name="outreach_message_channel_state"),
            models.Index(fields=["channel", "delivery_status", "sent_at"], name="outreach_message_delivery"),
            models.Index(fields=["identifier", "sent_at"], name="outreach_message_ident_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.identifier} {self.channel} {self.state}"


class RecentContact(models.Model):
    """When a business was last contacted and by which campaign: one row per business, claimed with a
    conditional UPDATE so two campaigns' senders can never both contact it within the cool-down."""

    identifier = models.CharField(max_length=14)
    # Deleting a campaign keeps the cool-down of the businesses it contacted (SET_NULL, not CASCADE).
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contacted_at = models.DateTimeField()

    class Meta:
        ordering = ["identifier"]
        constraints = [models.UniqueConstraint(fields=["identifier"], name="uniq_outreach_recent_contact")]

    def __str__(self) -> str:
        return f"{self.identifier} {self.campaign_id} {self.contacted_at}"


class OptOut(models.Model):
    """A business asked not to be contacted again (Decree 91/2020, Decree 13/2023): nothing is sent to it
    by any campaign or channel afterwards."""

    identifier = models.CharField(max_length=14)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint(fields=["identifier"], name="uniq_outreach_optout_identifier")]

    def __str__(self) -> str:
        return self.identifier


class SendLease(models.Model):
    """Which sender holds a channel until when: one sender per channel paces the configured rate."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    holder = models.CharField(max_length=64, blank=True)
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel"]
        constraints = [models.UniqueConstraint(fields=["channel"], name="uniq_outreach_send_lease_channel")]

    def __str__(self) -> str:
        return f"{self.channel} {self.holder} {self.until}"


class ChannelPause(models.Model):
    """A channel whose provider refuses the platform's authorization (Zalo refused the Official Account's
    refresh token): its queued messages, of every campaign, wait instead of failing one by one, until an
    operator authorizes the app again; then sending resumes where it stopped and the row is deleted. One row
    per paused channel (``uniq_outreach_channel_pause_channel``): the pause and the resume are each
    audit-logged once. ``reason`` is the provider's refusal (``token_-14020``)."""

    channel = models.CharField(max_length=8, choices=Channel.choices)
    reason = models.CharField(max_length=64, blank=True)
    paused_at = models.DateTimeField()

    class Meta:
        ordering = ["channel"]
        constraints = [models.UniqueConstraint(fields=["channel"], name="uniq_outreach_channel_pause_channel")]

    def __str__(self) -> str:
        return f"{self.channel} {self.reason} {self.paused_at}"


class LetterJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Printing")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


LETTER_JOB_ACTIVE = (LetterJobStatus.QUEUED, LetterJobStatus.RUNNING)


class LetterPrintJob(models.Model):
    """A campaign's whole print batch of letters, rendered by a worker into one private PDF.

    At most one job per campaign waits or runs (``uniq_outreach_letter_job_active_per_campaign``): a second
    request while one runs queues nothing. ``done`` / ``total`` is the progress its page shows. The PDF is in
    private storage (never a public URL) and served only to officers through a view. A job that failed (or
    that the watchdog stopped) puts its letters back in the queue: none of them reached a printer.

    The PDF holds personal data (names, addresses, links): it is deleted ``OUTREACH_LETTER_RETENTION_DAYS``
    after it was printed, and with its campaign; ``pdf_deleted_at`` says when, and the officer may print the
    same letters again (a job with ``reprint_of`` set: it renders those letters without sending anything).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letter_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=LetterJobStatus.choices,
                              default=LetterJobStatus.QUEUED)
    total = models.PositiveIntegerField(_("letters to print"), default=0)
    done = models.PositiveIntegerField(_("letters printed"), default=0)
    pdf = models.FileField(storage=private_storage, upload_to="outreach/letters/", blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    pdf_deleted_at = models.DateTimeField(_("PDF deleted at"), null=True, blank=True)
    reprint_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reprints")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves with every letter: the watchdog fails a job that stopped moving.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter print job")
        verbose_name_plural = _("letter print jobs")
        constraints = [models.UniqueConstraint(fields=["campaign"], condition=models.Q(status__in=LETTER_JOB_ACTIVE),
                                               name="uniq_outreach_letter_job_active_per_campaign")]
        indexes = [models.Index(fields=["status", "updated_at"], name="outreach_letterjob_status_upd")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status} {self.done}/{self.total}"

    @property
    def letters_printed(self) -> int:
        """How many letters its PDF holds (a reprint's letters belong to the job that first printed them)."""
        return self.done if self.reprint_of_id else self.messages.count()

    @property
    def percent(self) -> int:
        return 100 if self.status == LetterJobStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class ZaloOaToken(models.Model):
    """The Zalo Official Account's OAuth tokens for ZNS, encrypted at rest (``marketplace_connectors.crypto``:
    MARKETPLACE_TOKEN_KEYS), one row per Zalo app.

    The access token lives about 25 hours; the refresh token works once and each refresh returns the next one
    (docs/outreach/providers.md, Z-refresh), so the row is the only copy that counts: refreshed by one process
    at a time (``refreshing_since`` is claimed with a conditional UPDATE on ``generation``). ``seed_fingerprint``
    is the SHA-256 of the refresh token the environment gave (OUTREACH_ZALO_ZNS_REFRESH_TOKEN): a different one
    there means an operator re-authorized the app, and the row starts again from it.
    """

    app_id = models.CharField(max_length=64)
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    # None: an access token from the environment whose expiry is unknown (used until Zalo refuses it).
    access_expires_at = models.DateTimeField(null=True, blank=True)
    seed_fingerprint = models.CharField(max_length=64, blank=True)
    generation = models.PositiveIntegerField(default=0)
    refreshing_since = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["app_id"]
        verbose_name = _("Zalo OA token")
        verbose_name_plural = _("Zalo OA tokens")
        constraints = [models.UniqueConstraint(fields=["app_id"], name="uniq_outreach_zalo_token_app")]

    def __str__(self) -> str:
        return f"Zalo app {self.app_id} (generation {self.generation})"
