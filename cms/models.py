"""Pages and snippets of the public site and the guided onboarding journey, plus the owner's manual ticks.

Page trees: one per language (Vietnamese is the default, English a translation), each rooted at a
HomePage. A page missing (or still a draft) in the visitor's language is served from the Vietnamese
tree with a notice (``FallbackRoutingMixin``). Progress is never stored: automatic steps are derived
from the business's data each time (cms.selectors); only what the owner did by hand (a tick, "mark as
done", the marketplaces they aim for) is kept here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, GuideBodyBlock, HomeSectionBlock, StepBodyBlock
from .choices import (
    CompletionRule,
    FaqTopic,
    LegalFormAudience,
    Milestone,
    SectorGroupAudience,
    marketplace_choices,
)


class FallbackRoutingMixin:
    """Serve the Vietnamese page when the visitor's language tree lacks it (or has only a draft).

    Wagtail routes each request through the tree of the active language; a step not yet translated
    would otherwise be a 404. The template shows a notice when ``page.locale`` differs from the active
    language.
    """

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components:
                raise
            default_locale = Locale.get_default()
            if self.locale_id == default_locale.pk:
                raise
            source = self.get_translation_or_none(default_locale)
            if source is None:
                raise
            return source.specific.route(request, path_components)


class HomePage(FallbackRoutingMixin, Page):
    """The public front page: what the programme is and why a business should join.

    Exists so content editors, not developers, own the words a newcomer reads first: the province's
    target and (once the adoption dashboard publishes it) the current share of businesses online.
    """

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True)
    call_to_action_label = models.CharField(_("call to action label"), max_length=80, blank=True)
    sections = StreamField(HomeSectionBlock(), verbose_name=_("sections"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body"),
                      FieldPanel("call_to_action_label"), FieldPanel("sections")]
    max_count = 2  # one per language tree
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.OnboardingJourneyPage", "cms.GuideIndexPage"]

    class Meta:
        verbose_name = _("home page")


class OnboardingJourneyPage(FallbackRoutingMixin, Page):
    """The guided journey from "I have never sold online" to "my first order arrived".

    Its child pages are the steps, in the order editors arrange them. The Vietnamese tree is the
    canonical one: step order, completion rules and targeting are read from it, and each step shows in
    the owner's language when a live translation exists.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OnboardingStepPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("onboarding journey")


class OnboardingStepPage(FallbackRoutingMixin, Page):
    """One step of the journey: what to do, why, and how the platform knows it is done.

    The completion rule is an automatic milestone computed from the business's data (cms.milestones)
    or manual (every checklist item ticked, or "mark as done"). Targeting hides the step, and leaves it
    out of the progress count, for businesses it does not concern.
    """

    summary = models.CharField(_("one-line summary"), max_length=200)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=10)
    body = StreamField(StepBodyBlock(), verbose_name=_("body"), blank=True)
    facts_checked_on = models.DateField(
        _("facts checked on"), null=True, blank=True,
        help_text=_("Shown on the page: fees and rules change, so say when they were last checked."),
    )
    completion_rule = models.CharField(_("completion rule"), max_length=16, choices=CompletionRule.choices,
                                       default=CompletionRule.MARK_DONE)
    milestone = models.CharField(_("milestone"), max_length=40, choices=Milestone.choices, blank=True,
                                 help_text=_("For automatic completion: what in the business's data "
                                             "marks this step as done."))
    audience_legal_form = models.CharField(_("for legal form"), max_length=16, blank=True,
                                           choices=LegalFormAudience.choices, default=LegalFormAudience.ALL)
    audience_sector_group = models.CharField(_("for sector group"), max_length=32, blank=True,
                                             choices=SectorGroupAudience.choices,
                                             default=SectorGroupAudience.ALL)
    audience_marketplace = models.CharField(
        _("for marketplace"), max_length=32, blank=True, choices=marketplace_choices,
        help_text=_("Only for owners who aim for or have connected this marketplace. Empty: everyone."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("facts_checked_on"),
        FieldPanel("body"),
    ]
    settings_panels = [
        MultiFieldPanel([FieldPanel("completion_rule"), FieldPanel("milestone")], heading=_("Completion")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("audience_legal_form"), FieldPanel("audience_sector_group")]),
            FieldPanel("audience_marketplace"),
        ], heading=_("Who this step is for")),
        *Page.settings_panels,
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.OnboardingJourneyPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("onboarding step")

    def clean(self):
        super().clean()
        if self.completion_rule == CompletionRule.AUTOMATIC and not self.milestone:
            raise ValidationError({"milestone": _("Choose the milestone that completes this step.")})
        if self.completion_rule != CompletionRule.AUTOMATIC and self.milestone:
            raise ValidationError({"milestone": _("A milestone only applies to automatic completion; "
                                                  "clear it or choose automatic completion.")})
        if self.completion_rule == CompletionRule.CHECKLIST and not self.checklist_item_ids():
            raise ValidationError({"completion_rule": _("Add a checklist to the body, or choose another "
                                                        "completion rule.")})

    def checklist_item_ids(self) -> list[str]:
        """Ids of every checklist item in the body (top level), in order.

        Read from the stored JSON when possible: building block values for every step on every request
        is the costly part of showing progress.
        """
        ids = []
        raw = self.body.raw_data
        for position, block in enumerate(raw):
            if block.get("type") != "checklist":
                continue
            items = (block.get("value") or {}).get("items") or []
            if all(isinstance(item, dict) and item.get("id") for item in items):
                ids.extend(item["id"] for item in items)
            else:  # an old-format list without ids: let Wagtail assign them
                ids.extend(item.id for item in self.body[position].value["items"].bound_blocks)
        return ids


class GuideIndexPage(FallbackRoutingMixin, Page):
    """The guides: articles on photography, pricing with fees, e-invoices, returns, personal data.

    Lists its guides with tag filtering and full-text search, then the frequently asked questions.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.GuidePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("guide index")


class GuidePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.GuidePage", on_delete=models.CASCADE, related_name="tagged_items")


class GuidePage(FallbackRoutingMixin, Page):
    """An article that goes deeper than a journey step; steps link to guides for the details."""

    summary = models.CharField(_("one-line summary"), max_length=200)
    body = StreamField(GuideBodyBlock(), verbose_name=_("body"), blank=True)
    facts_checked_on = models.DateField(_("facts checked on"), null=True, blank=True)
    tags = ClusterTaggableManager(through=GuidePageTag, blank=True, verbose_name=_("tags"))

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("facts_checked_on"),
                      FieldPanel("tags"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guide")


class FrequentlyAskedQuestion(TranslatableMixin, index.Indexed, models.Model):
    """A question owners ask often, answered once by an editor, shown with the guides and the journey."""

    question = models.CharField(_("question"), max_length=255)
    answer = RichTextField(_("answer"), features=RICH_TEXT_FEATURES)
    topic = models.CharField(_("topic"), max_length=32, choices=FaqTopic.choices,
                             default=FaqTopic.GETTING_STARTED)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [FieldPanel("question"), FieldPanel("answer"), FieldPanel("topic"), FieldPanel("sort_order")]
    search_fields = [index.SearchField("question"), index.SearchField("answer"), index.FilterField("locale_id")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["topic", "sort_order", "pk"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self) -> str:
        return self.question


# --- What the owner did by hand -------------------------------------------------------------------
# Steps are referenced by their Wagtail translation key, shared by every language version of a step,
# so a tick made on the English page counts for the Vietnamese one too.


class StepCompletion(models.Model):
    """An owner marked a "mark as done" step as done for their business."""

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE,
                                 related_name="journey_completions")
    step_key = models.UUIDField(_("step"))
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "created_at"]
        verbose_name = _("step marked as done")
        verbose_name_plural = _("steps marked as done")
        constraints = [models.UniqueConstraint(fields=["business", "step_key"], name="uniq_stepcompletion_business_step")]

    def __str__(self) -> str:
        return f"{self.business_id}:{self.step_key}"


class ChecklistTick(models.Model):
    """One ticked checklist item (the item's StreamField block id) of one step, for one business."""

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="journey_ticks")
    step_key = models.UUIDField(_("step"))
    item_id = models.CharField(_("checklist item"), max_length=64)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "step_key", "created_at"]
        verbose_name = _("checklist tick")
        verbose_name_plural = _("checklist ticks")
        constraints = [models.UniqueConstraint(fields=["business", "step_key", "item_id"],
                                               name="uniq_checklisttick_business_step_item")]

    def __str__(self) -> str:
        return f"{self.business_id}:{self.step_key}:{self.item_id}"


class MarketplaceInterest(models.Model):
    """A marketplace the owner says they aim for; it decides which marketplace-targeted content shows.

    Marketplaces the business has connected count too, without a row here (read from the connectors).
    """

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE,
                                 related_name="marketplace_interests")
    marketplace = models.CharField(_("marketplace"), max_length=32, choices=marketplace_choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["business", "marketplace"]
        verbose_name = _("marketplace of interest")
        verbose_name_plural = _("marketplaces of interest")
        constraints = [models.UniqueConstraint(fields=["business", "marketplace"],
                                               name="uniq_marketplaceinterest_business_marketplace")]

    def __str__(self) -> str:
        return f"{self.business_id}:{self.marketplace}"
