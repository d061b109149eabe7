from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Officers' campaigns that invite the businesses not online yet, and follow each one to a first sale.

    It sits on top of the indicator (``adoption``): a campaign's selection is the indicator's own, so outreach
    imports adoption and everything below it, and nothing below imports outreach.
    """

    name = "outreach"
    verbose_name = _("Outreach")
    default_auto_field = "django.db.models.BigAutoField"
