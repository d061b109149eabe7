"""The province's register of businesses, declared shops, targets, daily snapshots and API tokens.

The indicator itself is computed in ``adoption.indicator`` from these records and from the evidence read
in ``adoption.evidence``; nothing here duplicates what sme or marketplace_connectors own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sme.businesses.models import LegalForm, SizeClass
from sme.imports.models import private_storage


class RegisterStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    DISSOLVED = "dissolved", _("Dissolved")


class RegisterEntry(models.Model):
    """One business of the province's official register (business registration or tax data).

    Matched to a platform business by ``identifier`` (normalised like ``Business.identifier``). The address
    is the new ward when the file gives it; an old district/commune is converted through
    ``LegacyToNewUnit``, and an old commune split between several new wards is left for a person to
    resolve (``needs_address_review``; ``ward_candidates`` lists the codes to choose from).
    """

    identifier = models.CharField(_("tax code or personal ID"), max_length=14)
    name = models.CharField(_("name"), max_length=255)
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    main_sector = models.CharField(_("main sector (VSIC section)"), max_length=2, blank=True)
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RegisterStatus.choices,
                              default=RegisterStatus.OPERATING)
    ward = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("ward or commune"))
    legacy_district = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+", verbose_name=_("district before July 2025"))
    legacy_commune = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name=_("commune before July 2025"))
    needs_address_review = models.BooleanField(_("address to resolve"), default=False)
    ward_candidates = models.JSONField(_("possible wards"), default=list, blank=True)
    address_resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+")
    address_resolved_at = models.DateTimeField(null=True, blank=True)
    # The business's contact address as the register gives it: a one-time code proving ownership goes there
    # (sme.businesses.ownership). Never shown to the person registering, never pre-filled.
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    # The first day this state describes. Empty: since the first register, i.e. also every day before it
    # (the trend since 2021 has no older register to read). An import that changes the state keeps the
    # previous one as a ``RegisterEntryHistory`` row, so a past day is always counted as it was.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    last_import = models.ForeignKey("RegisterImport", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "identifier"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        constraints = [models.UniqueConstraint(fields=["identifier"], name="uniq_register_entry_identifier")]
        indexes = [models.Index(fields=["status"], name="register_entry_status")]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"


class RegisterEntryHistory(models.Model):
    """A state of a register entry that a later import replaced, valid from ``valid_from`` (empty: since
    the first register) to ``valid_to`` inclusive. The indicator of a day before the change reads this
    state, so importing a newer register never changes the numbers of the days it does not cover."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.CASCADE, related_name="history")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField()
    name = models.CharField(max_length=255)
    legal_form = models.CharField(max_length=32, choices=LegalForm.choices)
    main_sector = models.CharField(max_length=2, blank=True)
    size_class = models.CharField(max_length=16, choices=SizeClass.choices, blank=True)
    status = models.CharField(max_length=16, choices=RegisterStatus.choices)
    ward = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    legacy_district = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")
    legacy_commune = models.ForeignKey("businesses.AdministrativeUnit", on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+")
    needs_address_review = models.BooleanField(default=False)
    ward_candidates = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=255, blank=True)
    as_of = models.DateField(null=True, blank=True)
    replaced_by_import = models.ForeignKey("RegisterImport", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "valid_to"]
        verbose_name = _("earlier register state")
        verbose_name_plural = _("earlier register states")
        constraints = [models.UniqueConstraint(fields=["entry", "valid_to"],
                                               name="uniq_register_history_entry_valid_to")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.valid_from or '…'}–{self.valid_to}"


class ImportStatus(models.TextChoices):
    REJECTED = "rejected", _("Refused")
    PREVIEW = "preview", _("Waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed, nothing changed")
    DISCARDED = "discarded", _("Discarded")


class RegisterImport(models.Model):
    """One upload of the register file, from preview to summary. Problems are stored as codes."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices,
                              default=ImportStatus.PREVIEW)
    source = models.FileField(storage=private_storage, upload_to="adoption/register/", blank=True)
    source_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    file_problems = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    # {"created": n, "updated": n, "unchanged": n, "failed": n, "address_review": n}
    planned = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")

    def __str__(self) -> str:
        return f"{self.source_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.REJECTED,
                               ImportStatus.DISCARDED)


class ShopChannel(models.TextChoices):
    """Channels without an API: a shop there is declared by the owner and approved by an officer."""

    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    SENDO = "sendo", "Sendo"
    FACEBOOK = "facebook", _("Facebook shop")
    ZALO = "zalo", _("Zalo shop")
    TIKTOK_SOCIAL = "tiktok_social", _("TikTok social shop")
    OWN_WEBSITE = "own_website", _("Own web shop")
    OTHER = "other", _("Other site")


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an officer")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeclaredShop(models.Model):
    """A shop an owner declares on a channel the platform cannot connect to. It never syncs anything.

    Once an officer approves it, the business counts as selling on that channel (declared) from the day of
    the approval to ``valid_until`` (the approval day plus ``ADOPTION_DECLARATION_VALID_MONTHS``, minus one
    day), or until the day it is withdrawn (by its owner or an officer), whichever comes first. Nothing is
    deleted: a withdrawn declaration keeps its dates, so the days it covered keep their numbers, and a
    renewal is a new declaration of the same shop.
    """

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="declared_shops")
    channel = models.CharField(_("channel"), max_length=16, choices=ShopChannel.choices)
    url = models.URLField(_("shop address (URL)"), max_length=500)
    evidence_image = models.FileField(_("screenshot"), storage=private_storage,
                                      upload_to="adoption/evidence/", blank=True)
    evidence_link = models.URLField(_("link to evidence"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.PENDING)
    rejection_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(_("counts until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    withdrawal_reason = models.TextField(_("why it was withdrawn"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("declared shop")
        verbose_name_plural = _("declared shops")
        constraints = [
            # One declaration of a shop waits at a time; approved ones may follow each other (renewals).
            models.UniqueConstraint(fields=["business", "url"], condition=models.Q(status="pending"),
                                    name="uniq_declared_shop_pending_url"),
        ]
        indexes = [models.Index(fields=["status", "decided_at"], name="declared_shop_status_decided")]

    def __str__(self) -> str:
        return f"{self.business_id} {self.channel} {self.url}"


class DeclarationEvent(models.Model):
    """Audit trail of a declared shop: submitted, approved, rejected (with the reason and who)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    shop = models.ForeignKey(DeclaredShop, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.action}"


class AdoptionTarget(models.Model):
    """A target share of SMEs trading online by a deadline (the province's 55%); officers edit it."""

    name = models.CharField(_("name"), max_length=255)
    percent = models.DecimalField(_("target share (%)"), max_digits=5, decimal_places=2)
    deadline = models.DateField(_("deadline"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__gt=0, percent__lte=100), name="adoption_target_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% by {self.deadline}"


class AdoptionTargetVersion(models.Model):
    """Every state a target has had: written on create and on each edit (its history)."""

    target = models.ForeignKey(AdoptionTarget, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=255)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    deadline = models.DateField()
    legal_basis = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.percent}% by {self.deadline}"


class DenominatorSource(models.TextChoices):
    REGISTER = "register", _("The province's register")
    PLATFORM = "platform", _("Businesses registered on the platform")


class SnapshotRun(models.Model):
    """The indicator computed for one day. Recomputing a day replaces its rows.

    ``definitions`` is the version of the definitions it was computed with (``indicator.DEFINITIONS``): a
    run of an older version is not shown, it is recomputed in the background.
    """

    day = models.DateField(_("day"))
    denominator_source = models.CharField(max_length=16, choices=DenominatorSource.choices)
    register_as_of = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    definitions = models.PositiveSmallIntegerField(default=1)
    # Businesses selling through the platform on the day that the register does not list (not counted).
    unregistered_selling = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["day"], name="uniq_snapshot_run_day")]

    def __str__(self) -> str:
        return f"{self.day} ({self.denominator_source})"


class SnapshotRow(models.Model):
    """Counts for one series and one cell of one dimension on one day."""

    run = models.ForeignKey(SnapshotRun, on_delete=models.CASCADE, related_name="rows")
    day = models.DateField()
    series = models.CharField(max_length=16)
    dimension = models.CharField(max_length=16)
    key = models.CharField(max_length=32, blank=True)
    label = models.CharField(max_length=255, blank=True)
    denominator = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)  # verified on a marketplace
    online = models.PositiveIntegerField(default=0)  # verified or declared on a marketplace (the headline)
    own_web_shop = models.PositiveIntegerField(default=0)
    social = models.PositiveIntegerField(default=0)
    other_site = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "series", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(fields=["day", "series", "dimension", "key"], name="uniq_snapshot_row_cell"),
        ]
        indexes = [models.Index(fields=["series", "dimension", "day"], name="snapshot_row_series_dim_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.series} {self.dimension}={self.key}: {self.online}/{self.denominator}"


class SnapshotJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class SnapshotJob(models.Model):
    """The background computation of one day's snapshot that a page or the API asked for (one per day:
    asking again while it waits or runs enqueues nothing). ``progress`` is a percentage."""

    day = models.DateField(_("day"))
    status = models.CharField(max_length=16, choices=SnapshotJobStatus.choices, default=SnapshotJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["day"], name="uniq_snapshot_job_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.status} {self.progress}%"


class ApiToken(models.Model):
    """A read-only API token of one officer. Only a SHA-256 of the token is stored; revoking is final, and a
    token stops working when it expires. Each use is in the audit trail (accounts.audit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adoption_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set at creation (ADOPTION_API_TOKEN_DAYS later); a token without one does not work.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [models.UniqueConstraint(fields=["token_hash"], name="uniq_adoption_token_hash")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
