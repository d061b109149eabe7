from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Plans, Stripe subscriptions, province-sponsored vouchers and the entitlements they grant."""

    name = "sme.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from . import checks  # noqa: F401
