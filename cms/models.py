from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The public front page: what the programme is and why a business should join.

    Exists so content editors, not developers, own the words a newcomer reads first.
    """

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)
    call_to_action_label = models.CharField(_("call to action label"), max_length=80, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body"),
                      FieldPanel("call_to_action_label")]
    max_count = 2  # one per language tree
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
