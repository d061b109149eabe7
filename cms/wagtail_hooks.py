"""Admin: the FAQ snippet with search and filters (pages are managed in Wagtail's page explorer)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import FrequentlyAskedQuestion


class FrequentlyAskedQuestionViewSet(SnippetViewSet):
    model = FrequentlyAskedQuestion
    icon = "help"
    menu_label = _("FAQs")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["question", "topic", "locale", "sort_order"]
    list_filter = ["topic", "locale"]
    search_fields = ["question", "answer"]


register_snippet(FrequentlyAskedQuestionViewSet)
