from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sme.catalog.storage import private_storage


class LegalForm(models.TextChoices):
    HOUSEHOLD = "household", _("Household business")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("Sole proprietorship")
    LLC_ONE_MEMBER = "llc_one_member", _("One-member limited liability company")
    LLC_MULTI_MEMBER = "llc_multi_member", _("Multi-member limited liability company")
    JOINT_STOCK = "joint_stock", _("Joint-stock company")
    PARTNERSHIP = "partnership", _("Partnership")
    COOPERATIVE = "cooperative", _("Cooperative")


class UnitLevel(models.TextChoices):
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")


class UnitKind(models.TextChoices):
    PHUONG = "phuong", _("Ward (phường)")
    XA = "xa", _("Commune (xã)")
    THI_TRAN = "thi_tran", _("Township (thị trấn)")
    HUYEN = "huyen", _("Rural district (huyện)")
    THI_XA = "thi_xa", _("Town (thị xã)")
    THANH_PHO = "thanh_pho", _("Provincial city (thành phố)")


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self):
        """The 102 wards and communes of Đồng Tháp since 1 July 2025."""
        return self.filter(is_current=True)

    def legacy_districts(self):
        return self.filter(is_current=False, level=UnitLevel.DISTRICT)

    def legacy_communes(self):
        return self.filter(is_current=False, level=UnitLevel.COMMUNE)


class AdministrativeUnit(models.Model):
    """A ward/commune of Đồng Tháp since the July 2025 reform, or a district/commune of record before it.

    Loaded from the fixture in ``sme/businesses/data`` (source and licence noted there). Current units
    have ``is_current`` and ``valid_from`` 2025-07-01; legacy units of old Đồng Tháp (GSO 87) and Tiền Giang
    (GSO 82) have ``valid_to`` 2025-06-30 and, for communes, their old district as ``parent``. New units
    reuse GSO codes, so a code is unique only together with ``is_current`` and ``level``.
    """

    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    province_code = models.CharField(_("province code"), max_length=3)
    province_name = models.CharField(_("province"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("district"),
    )
    is_current = models.BooleanField(_("current"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["code", "level", "is_current"], name="uniq_admin_unit_code"),
        ]

    def __str__(self) -> str:
        if self.parent_id is not None:
            return f"{self.name}, {self.parent.name}"
        return self.name


class LegacyToNewUnit(models.Model):
    """Where an old commune went on 1 July 2025. A split commune has several rows (``is_ambiguous``)."""

    legacy = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="new_units")
    new = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="legacy_units")
    is_default = models.BooleanField(_("default guess"), default=True)
    is_ambiguous = models.BooleanField(_("split between several new units"), default=False)

    class Meta:
        ordering = ["legacy", "-is_default", "new"]
        verbose_name = _("old to new unit")
        verbose_name_plural = _("old to new units")
        constraints = [models.UniqueConstraint(fields=["legacy", "new"], name="uniq_legacy_to_new_unit")]

    def __str__(self) -> str:
        return f"{self.legacy} -> {self.new}"


class SectorGroup(models.TextChoices):
    """The two sector groups of Decree 80/2021 Art. 5, each with its own size thresholds."""

    AGRICULTURE_INDUSTRY = "agriculture_industry", _("Agriculture, forestry, fishery; industry and construction")
    TRADE_SERVICES = "trade_services", _("Trade and services")


class MainSector(models.TextChoices):
    """The main registered business line, as a section of the Vietnamese standard industrial classification
    (VSIC 2018, Decision 27/2018/QĐ-TTg). Decree 80/2021 sizes an enterprise by the group of this line."""

    A = "A", _("A. Agriculture, forestry and fishery")
    B = "B", _("B. Mining and quarrying")
    C = "C", _("C. Manufacturing and processing")
    D = "D", _("D. Electricity, gas, steam and air conditioning")
    E = "E", _("E. Water supply, sewerage and waste management")
    F = "F", _("F. Construction")
    G = "G", _("G. Wholesale and retail trade; repair of motor vehicles")
    H = "H", _("H. Transport and storage")
    I = "I", _("I. Accommodation and food services")  # noqa: E741
    J = "J", _("J. Information and communication")
    K = "K", _("K. Finance, banking and insurance")
    L = "L", _("L. Real estate")
    M = "M", _("M. Professional, scientific and technical activities")
    N = "N", _("N. Administrative and support services")
    P = "P", _("P. Education and training")
    Q = "Q", _("Q. Health and social work")
    R = "R", _("R. Arts, entertainment and recreation")
    S = "S", _("S. Other service activities")


# Sections A-F are agriculture/industry/construction under Decree 80; the rest trade and services.
AGRICULTURE_INDUSTRY_SECTIONS = frozenset({"A", "B", "C", "D", "E", "F"})


def sector_group_for(main_sector: str) -> str:
    """The Decree 80 sector group of a VSIC section."""
    if main_sector in AGRICULTURE_INDUSTRY_SECTIONS:
        return SectorGroup.AGRICULTURE_INDUSTRY
    return SectorGroup.TRADE_SERVICES


class OwnershipStatus(models.TextChoices):
    """Whether the people running a business on the platform have shown it is theirs.

    A business registered with an identifier the province's register lists is *unconfirmed* until its
    owner proves it (a one-time code sent to the register's contact e-mail, or an officer's approval of a
    document); a second person claiming the same identifier makes it *disputed* until an officer decides.
    """

    UNCONFIRMED = "unconfirmed", _("Ownership not confirmed yet")
    CONFIRMED = "confirmed", _("Ownership confirmed")
    DISPUTED = "disputed", _("Ownership disputed")


class Business(models.Model):
    """A business registered on the platform: an enterprise (tax code) or a household business (personal ID).

    Everything an owner does (catalog, marketplace shops, billing) hangs off a business; users reach it
    through a Membership. ``ownership_status`` says whether its owners proved it is theirs; the officers'
    indicator counts the activity of a business only from ``ownership_confirmed_at`` (empty with status
    confirmed: since it was registered, as for a business nobody else could claim).
    """

    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    legal_name = models.CharField(_("legal name"), max_length=255)
    trade_name = models.CharField(_("trade name"), max_length=255, blank=True)
    # Stored normalised: 10 digits, 10 digits + "-" + 3 digits (branch), or 12 digits (personal ID).
    identifier = models.CharField(_("tax code or personal ID"), max_length=14)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164, for example +84901234567"))
    email = models.EmailField(_("email"), blank=True)
    main_sector = models.CharField(_("main sector"), max_length=2, choices=MainSector.choices, blank=True)
    street = models.CharField(_("street address"), max_length=255, blank=True,
                              help_text=_("House number, street, hamlet (ấp/khóm)"))
    # Nullable in the database so other areas' fixtures can make a bare business; the forms require it.
    ward = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="businesses",
        limit_choices_to={"is_current": True}, verbose_name=_("ward or commune"),
    )
    legacy_district = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"is_current": False, "level": UnitLevel.DISTRICT},
        verbose_name=_("district before July 2025"),
    )
    legacy_commune = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        limit_choices_to={"is_current": False, "level": UnitLevel.COMMUNE},
        verbose_name=_("commune before July 2025"),
    )
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    women_owned = models.BooleanField(
        _("women-owned"), default=False,
        help_text=_("Women own at least 51 percent of the charter capital, or the owner of the household business is a "
                    "woman (Decree 80/2021 Art. 4)."),
    )
    ownership_status = models.CharField(_("ownership"), max_length=16, choices=OwnershipStatus.choices,
                                        default=OwnershipStatus.CONFIRMED)
    ownership_confirmed_at = models.DateTimeField(_("ownership confirmed at"), null=True, blank=True)
    # Registered with an identifier the register listed (its data was offered as a pre-fill).
    claimed_from_register = models.BooleanField(_("claimed from the register"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        constraints = [models.UniqueConstraint(fields=["identifier"], name="uniq_business_identifier")]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_household(self) -> bool:
        return self.legal_form == LegalForm.HOUSEHOLD

    @property
    def sector_group(self) -> str:
        return sector_group_for(self.main_sector) if self.main_sector else ""

    def get_sector_group_display(self) -> str:
        return SectorGroup(self.sector_group).label if self.sector_group else ""


class OcopGroup(models.TextChoices):
    """The six OCOP product groups of Decision 148/QĐ-TTg (2023)."""

    FOOD = "food", _("Food")
    BEVERAGES = "beverages", _("Beverages")
    HERBS = "herbs", _("Medicinal herbs and herbal products")
    HANDICRAFTS = "handicrafts", _("Handicrafts and decorative items")
    ORNAMENTALS = "ornamentals", _("Ornamental plants and animals")
    TOURISM = "tourism", _("Community tourism services and destinations")


class OcopProduct(models.Model):
    """An OCOP-rated product of a business (3 to 5 stars; certificates last 3 years)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="ocop_products")
    name = models.CharField(_("product name"), max_length=255)
    stars = models.PositiveSmallIntegerField(
        _("stars"), choices=[(3, "3★"), (4, "4★"), (5, "5★")],
    )
    product_group = models.CharField(_("product group"), max_length=16, choices=OcopGroup.choices)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "-stars", "name"]
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=3, stars__lte=5), name="ocop_stars_3_to_5"),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="ocop_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.stars}★)"

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro enterprise")
    SMALL = "small", _("Small enterprise")
    MEDIUM = "medium", _("Medium enterprise")
    NOT_SME = "not_sme", _("Not an SME")


class SizeThreshold(models.Model):
    """Upper limits of one size class for one sector group (Decree 80/2021 Art. 5). Data, not code.

    A business is in the smallest class whose headcount limit it meets AND whose revenue OR capital limit
    it meets; above the medium class it is not an SME. Seeded by ``0006_seed_size_thresholds``; editable
    in the Django admin if the decree changes (add rows with a later ``valid_from``).
    """

    sector_group = models.CharField(_("sector group"), max_length=32, choices=SectorGroup.choices)
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices)
    max_insured_headcount = models.PositiveIntegerField(_("maximum insured headcount"))
    max_revenue_vnd = models.PositiveBigIntegerField(_("maximum prior-year revenue (VND)"))
    max_capital_vnd = models.PositiveBigIntegerField(_("maximum total capital (VND)"))
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        ordering = ["sector_group", "-valid_from", "max_insured_headcount"]
        verbose_name = _("size threshold")
        verbose_name_plural = _("size thresholds")
        constraints = [
            models.UniqueConstraint(fields=["sector_group", "size_class", "valid_from"],
                                    name="uniq_size_threshold"),
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_group_display()}: {self.get_size_class_display()} (from {self.valid_from})"


class SizeProvenance(models.TextChoices):
    DECLARED = "declared", _("Declared by the owner")
    VERIFIED = "verified", _("Verified by an officer")


class SizeAssessment(models.Model):
    """A business's size class for one fiscal year, with the inputs it was computed from and who vouched.

    The owner's declaration and an officer's verification are kept side by side (one of each per year).
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="size_assessments")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    provenance = models.CharField(_("provenance"), max_length=16, choices=SizeProvenance.choices)
    sector_group = models.CharField(_("sector group"), max_length=32, choices=SectorGroup.choices)
    insured_headcount = models.PositiveIntegerField(
        _("insured headcount"), help_text=_("Annual average of employees paying social insurance"))
    prior_year_revenue_vnd = models.PositiveBigIntegerField(
        _("prior-year revenue (VND)"), null=True, blank=True,
        help_text=_("Total revenue of the previous year; leave empty for a new enterprise with no revenue yet"))
    total_capital_vnd = models.PositiveBigIntegerField(
        _("total capital (VND)"), help_text=_("Total capital (tổng nguồn vốn) on the balance sheet"))
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "-fiscal_year", "provenance"]
        verbose_name = _("size assessment")
        verbose_name_plural = _("size assessments")
        constraints = [
            models.UniqueConstraint(fields=["business", "fiscal_year", "provenance"],
                                    name="uniq_size_assessment_year_provenance"),
        ]

    def __str__(self) -> str:
        return f"{self.business} {self.fiscal_year}: {self.get_size_class_display()}"


class MemberRole(models.TextChoices):
    OWNER = "owner", pgettext_lazy("team role", "Owner")
    STAFF = "staff", pgettext_lazy("team role", "Staff")


class Membership(models.Model):
    """A user's place in a business. Owners manage team, billing and marketplace shops; staff the catalog."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "user"]
        constraints = [models.UniqueConstraint(fields=["business", "user"], name="uniq_membership_business_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.business} ({self.role})"


class Invitation(models.Model):
    """An owner's emailed invitation to join a business. Only a hash of the link's token is stored."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="uniq_open_invitation_business_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} -> {self.business}"

    def is_open(self, *, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the owner")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class JoinRequest(models.Model):
    """A user asking to join a business whose identifier is already registered; an owner decides."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message to the owner"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=JoinRequestStatus.choices,
                              default=JoinRequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "user"], condition=models.Q(status="pending"),
                name="uniq_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} -> {self.business} ({self.status})"


class ClaimKind(models.TextChoices):
    REGISTRATION = "registration", _("Registered the business")
    DISPUTE = "dispute", _("Disputes the registration")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Waiting for proof")
    REVIEW = "review", _("Document waiting for an officer")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_CLAIM_STATUSES = (ClaimStatus.OPEN, ClaimStatus.REVIEW)


def _claim_document_path(instance: "OwnershipClaim", filename: str) -> str:
    return f"businesses/ownership/{instance.business_id}/{filename}"


class OwnershipClaim(models.Model):
    """One person's claim to own a business, and how it was proven or decided.

    The person who registered a business from the register has a ``registration`` claim; anyone else who
    says the identifier is theirs has a ``dispute`` claim. Proof: a one-time code sent to the register's
    contact e-mail (only its SHA-256 is kept, with an expiry and an attempt count), or a document kept in
    private storage (never a public URL) that an officer reviews; the document is deleted
    ``OWNERSHIP_DOCUMENT_RETENTION_DAYS`` after the decision. Written only by ``sme.businesses.ownership``.
    """

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="ownership_claims")
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="ownership_claims")
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    message = models.TextField(_("message to the officers"), max_length=1000, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_to = models.CharField(max_length=255, blank=True)  # masked, as shown to the claimant
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_verified_at = models.DateTimeField(_("code confirmed at"), null=True, blank=True)
    document = models.FileField(_("document"), storage=private_storage, upload_to=_claim_document_path,
                                blank=True)
    document_content_type = models.CharField(max_length=32, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_uploaded_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ownership claim")
        verbose_name_plural = _("ownership claims")
        constraints = [
            models.UniqueConstraint(fields=["business", "claimant"], condition=models.Q(status__in=["open", "review"]),
                                    name="uniq_open_ownership_claim"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="ownership_claim_status")]

    def __str__(self) -> str:
        return f"{self.claimant_id} -> {self.business_id} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CLAIM_STATUSES


class ConsentRecord(models.Model):
    """Proof that a user accepted a version of the privacy notice: version, time and a hash of its text.

    Kept after an erasure request: it is the record that processing had a legal basis.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents")
    business = models.ForeignKey(
        Business, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents")
    notice_version = models.CharField(_("notice version"), max_length=32)
    text_sha256 = models.CharField(_("SHA-256 of the notice text"), max_length=64)
    language = models.CharField(_("language shown"), max_length=8)
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.notice_version} at {self.accepted_at:%Y-%m-%d %H:%M}"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, waiting for confirmation")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ErasureRequest(models.Model):
    """A user's request to erase their personal data, recorded before and after it is carried out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests")
    status = models.CharField(_("status"), max_length=16, choices=ErasureStatus.choices,
                              default=ErasureStatus.REQUESTED)
    reason = models.TextField(_("reason (optional)"), max_length=1000, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.requested_at:%Y-%m-%d}"
