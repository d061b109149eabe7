"""Roles are Django groups with permissions, created by a data migration (0002_roles).

The names here are the stable keys; the data migration and the navigation read them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUSINESS_MEMBER = "business_member", _("Business member")
    TRADE_OFFICER = "trade_officer", _("Trade officer")
    CONTENT_EDITOR = "content_editor", _("Content editor")


# (app_label, codename) granted to each role's group.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    Role.BUSINESS_MEMBER: [("accounts", "use_business_tools")],
    Role.TRADE_OFFICER: [("accounts", "use_officer_tools")],
    Role.CONTENT_EDITOR: [
        ("accounts", "edit_content"),
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    ],
}

# Roles whose members must set up two-factor authentication before reaching their pages.
MFA_REQUIRED_ROLES = frozenset({Role.TRADE_OFFICER, Role.CONTENT_EDITOR})
