from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    """The public site and the guided journey, written by content editors in Wagtail."""

    name = "cms"
    verbose_name = _("Content")
