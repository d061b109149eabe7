from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Business(models.Model):
    """A business registered on the platform: an enterprise (tax code) or a household business (personal ID).

    Everything an owner does (catalog, marketplace shops, billing) hangs off a business; users reach it
    through a Membership.
    """

    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    legal_name = models.CharField(_("legal name"), max_length=255)
    trade_name = models.CharField(_("trade name"), max_length=255, blank=True)
    # Stored normalised: 10 digits, 10 digits + "-" + 3 digits (branch), or 12 digits (personal ID).
    identifier = models.CharField(_("tax code or personal ID"), max_length=14)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164, for example +84901234567"))
    email = models.EmailField(_("email"), blank=True)
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


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


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
