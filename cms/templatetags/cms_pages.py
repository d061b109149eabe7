"""What the journey's pages show of the owner's data, read by their templates.

Page and block classes describe content; reading the business's progress is the selectors' job. The
templates ask for it here, so ``cms.models`` and ``cms.blocks`` never import the selectors that read them
(``cms.selectors`` imports the models: the other way round would be an import circle).
"""

from __future__ import annotations

from django import template

from ..progress import step_progress_for_request
from ..selectors import current_share_get, faq_list, guide_list_for_index, journey_progress_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def journey_progress(context, journey):
    """``{% journey_progress page as progress %}``: the signed-in owner's progress through ``journey``
    (None for visitors, and for users without a business)."""
    return journey_progress_for_request(request=context["request"], journey=journey)


@register.simple_tag(takes_context=True)
def step_progress(context, step) -> str:
    """``{% step_progress page %}`` puts the owner's progress on this step into the template's context:
    ``progress``, ``state`` (None when the step does not apply), ``target_marketplaces``, ``ticked`` (this
    step's ticked checklist items) and ``show_all_sections`` (visitors and previews see every marketplace's
    section). Only this step's own milestone is evaluated (the journey page evaluates them all)."""
    request = context["request"]
    progress = step_progress_for_request(request=request, step=step)
    context["progress"] = progress
    context["state"] = progress.state if progress else None
    context["target_marketplaces"] = progress.target_marketplaces if progress else frozenset()
    context["ticked"] = progress.ticked_items.get(step.translation_key, set()) if progress else set()
    context["show_all_sections"] = progress is None or getattr(request, "is_preview", False)
    return ""


@register.simple_tag(takes_context=True)
def guide_index(context, index_page) -> str:
    """``{% guide_index page %}`` puts the guides under ``index_page`` matching the request's ``q`` and
    ``tag`` into the context (``guides``, ``tags``, ``query``, ``active_tag``), and the questions (``faqs``)."""
    request = context["request"]
    query = request.GET.get("q", "").strip()[:100]
    tag = request.GET.get("tag", "").strip()[:100]
    guides, tags = guide_list_for_index(index_page=index_page, query=query, tag=tag)
    context["guides"], context["tags"], context["query"], context["active_tag"] = guides, tags, query, tag
    context["faqs"] = faq_list()
    return ""


@register.simple_tag
def current_share():
    """``{% current_share as share %}``: the province's current share online, or None while nothing
    provides it (see ``cms.selectors.current_share_get``)."""
    return current_share_get()
