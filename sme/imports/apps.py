from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Excel/CSV catalog import and export."""

    name = "sme.imports"
    label = "imports"
    verbose_name = _("Catalog import")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - uploads deleted with their business and on erasure
