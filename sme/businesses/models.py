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
