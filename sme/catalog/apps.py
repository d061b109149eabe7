from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    """Products, variants, images and the stock ledger."""

    name = "sme.catalog"
    label = "catalog"
    verbose_name = _("Catalog")
