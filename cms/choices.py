"""The fixed lists editors pick from in the journey: who a step is for, how it completes, where its button goes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace_connectors.registry import connector_list


class CompletionRule(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic: a milestone reached in the business's data")
    CHECKLIST = "checklist", _("Manual: every checklist item ticked")
    MARK_DONE = "mark_done", _("Manual: the owner marks it as done")


class Milestone(models.TextChoices):
    """Keys of the automatic milestones; each has an evaluator in cms.milestones."""

    PROFILE_COMPLETE = "profile_complete", _("Business profile complete")
    FIRST_PRODUCT = "first_product", _("First product added")
    FIRST_PRODUCT_WITH_IMAGE = "first_product_with_image", _("First product with an image")
    TEN_ACTIVE_PRODUCTS = "ten_active_products", _("10 active products")
    FIRST_MARKETPLACE_CONNECTED = "first_marketplace_connected", _("First marketplace connected")
    FIRST_LISTING_LIVE = "first_listing_live", _("First listing live")
    FIRST_ORDER_RECEIVED = "first_order_received", _("First order received")


class LegalFormAudience(models.TextChoices):
    ALL = "", _("Every business")
    HOUSEHOLD = "household", _("Household businesses only")
    ENTERPRISE = "enterprise", _("Enterprises only (companies, sole proprietorships, cooperatives)")


class SectorGroupAudience(models.TextChoices):
    """The two sector groups of Decree 80/2021 (they set the SME size thresholds)."""

    ALL = "", _("Every sector")
    AGRICULTURE_INDUSTRY = "agriculture_industry", _("Agriculture, forestry, fishery, industry and construction")
    TRADE_SERVICES = "trade_services", _("Trade and services")


# Marketplaces the journey has guidance for although the platform has no connector for them.
MARKETPLACES_WITHOUT_CONNECTOR = [("postmart", "Postmart"), ("voso", "Voso")]


def marketplace_choices() -> list[tuple[str, str]]:
    """Marketplaces an owner can aim for: every registered connector (codes are the connectors'), then those
    without one. A callable, so models and blocks read it when used: a new connector needs no migration."""
    return [(c.code, c.channel_name or c.display_name) for c in connector_list()] + MARKETPLACES_WITHOUT_CONNECTOR


def marketplace_label(code: str) -> str:
    """The name of marketplace ``code`` for owners and editors (the code itself when it is unknown)."""
    return str(dict(marketplace_choices()).get(code, code))


class PlatformAction(models.TextChoices):
    """Where a call-to-action button may send the owner (resolved in cms.actions)."""

    COMPLETE_PROFILE = "complete_profile", _("Complete the business profile")
    ADD_PRODUCT = "add_product", _("Add a product")
    IMPORT_CATALOG = "import_catalog", _("Import the catalog from Excel")
    CONNECT_MARKETPLACE = "connect_marketplace", _("Connect a marketplace")
    PUBLISH_LISTINGS = "publish_listings", _("Publish listings")
    CHOOSE_PLAN = "choose_plan", _("Choose a plan")
    VIEW_ORDERS = "view_orders", _("See orders")


class CalloutKind(models.TextChoices):
    TIP = "tip", _("Tip")
    WARNING = "warning", _("Warning")
    LEGAL = "legal", _("Legal note")


class FaqTopic(models.TextChoices):
    GETTING_STARTED = "getting_started", _("Getting started")
    LEGAL = "legal", _("Legal and tax")
    CATALOG = "catalog", _("Products and photos")
    MARKETPLACES = "marketplaces", _("Marketplaces")
    ORDERS = "orders", _("Orders and delivery")
    PLATFORM = "platform", _("Using this platform")
