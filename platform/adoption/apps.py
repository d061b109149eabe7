from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdoptionConfig(AppConfig):
    """The trade officers' indicator: the register, the share of SMEs online, snapshots and exports."""

    name = "adoption"
    verbose_name = _("E-commerce adoption")
