from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    """Creates users keyed by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: a business owner or staff member, a trade officer, or a content editor.

    Email is the login. What a person may do comes from their groups (see accounts.roles).
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("use_business_tools", _("Can use the business owners' tools")),
            ("use_officer_tools", _("Can use the trade officers' dashboard")),
            ("edit_content", _("Can edit the onboarding content")),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[-1]


class AuditAction(models.TextChoices):
    """What an audit event records. Stable keys: reports and retention rules read them."""

    EXPORT_OFFICER_TABLE = "export.officer_table", _("Officer export")
    EXPORT_CATALOG = "export.catalog", _("Catalog export")
    EXPORT_MY_DATA = "export.my_data", _("Personal data download")
    API_READ = "api.read", _("API read with a token")
    API_TOKEN_CREATED = "api.token_created", _("API token created")
    API_TOKEN_REVOKED = "api.token_revoked", _("API token revoked")
    REGISTER_LOOKUP = "register.lookup", _("Register look-up at registration")
    OWNERSHIP_CLAIMED = "ownership.claimed", _("Ownership claimed")
    OWNERSHIP_CODE_SENT = "ownership.code_sent", _("Ownership code sent")
    OWNERSHIP_CODE_FAILED = "ownership.code_failed", _("Wrong ownership code")
    OWNERSHIP_CONFIRMED = "ownership.confirmed", _("Ownership confirmed")
    OWNERSHIP_DOCUMENT = "ownership.document", _("Ownership document uploaded")
    OWNERSHIP_DOCUMENT_VIEWED = "ownership.document_viewed", _("Ownership document viewed")
    OWNERSHIP_REFUSED = "ownership.refused", _("Ownership claim refused")
    OWNERSHIP_TRANSFERRED = "ownership.transferred", _("Ownership transferred")
    OUTREACH_CAMPAIGN_CREATED = "outreach.campaign_created", _("Outreach campaign created")
    OUTREACH_CAMPAIGN_LAUNCHED = "outreach.campaign_launched", _("Outreach campaign launched")
    OUTREACH_CAMPAIGN_QUEUED = "outreach.campaign_queued", _("Outreach campaign's messages queued")
    OUTREACH_CAMPAIGN_CHANGED = "outreach.campaign_changed", _("Outreach campaign paused, resumed or cancelled")
    OUTREACH_MESSAGE_SENT = "outreach.message_sent", _("Outreach message sent")
    OUTREACH_MESSAGE_NOT_SENT = "outreach.message_not_sent", _("Outreach message not sent")
    OUTREACH_LINK_OPENED = "outreach.link_opened", _("Personal link opened")
    OUTREACH_LINK_USED = "outreach.link_used", _("Personal link used")
    OUTREACH_OPTED_OUT = "outreach.opted_out", _("Business opted out of outreach")
    OUTREACH_EXPORT = "outreach.export", _("Outreach funnel exported")
    SSO_LINKED = "sso.linked", _("Province account linked")
    SSO_UNLINKED = "sso.unlinked", _("Province account unlinked")
    SSO_ROLES_GRANTED = "sso.roles_granted", _("Roles granted from the province's sign-in")


class AuditEvent(models.Model):
    """One access to personal data or to a credential: who, when, from where, what. Written, never changed.

    Kept when the actor's account is erased (the actor becomes empty, their email at the time stays): it is
    the record of who saw whose data.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="audit_events")
    actor_email = models.EmailField(_("actor's email at the time"), blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    target = models.CharField(_("what"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["action", "created_at"], name="audit_action_created"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_created"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target}"
