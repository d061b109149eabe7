"""Reads of the journey: which steps apply to a business, which are done, and the localized content.

Nothing here writes. Progress is computed from the business's data on every call (cms.milestones)
plus what the owner did by hand (ticks, "mark as done"); nothing is copied that could drift.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from accounts.roles import Role
from accounts.selectors import user_roles
from sme.businesses.context import current_membership
from sme.businesses.models import Business, sector_group_for

from .choices import CompletionRule, LegalFormAudience, Milestone, SectorGroupAudience
from .milestones import milestones_evaluate
from .models import (
    ChecklistTick,
    FrequentlyAskedQuestion,
    GuidePage,
    MarketplaceInterest,
    OnboardingJourneyPage,
    OnboardingStepPage,
    StepCompletion,
)


class StepStatus(models.TextChoices):
    DONE_AUTOMATIC = "done_automatic", _("Done automatically")
    DONE_MANUAL = "done_manual", _("Done by you")
    IN_PROGRESS = "in_progress", _("In progress")
    NOT_STARTED = "not_started", _("Not started")


DONE_STATUSES = frozenset({StepStatus.DONE_AUTOMATIC, StepStatus.DONE_MANUAL})

# What the owner reads on a step the platform completes by itself, until it is done.
MILESTONE_HINTS = {
    Milestone.PROFILE_COMPLETE: _("The platform ticks this step once your business profile is complete "
                                  "(legal name, identifier, main sector, address with ward or commune, phone)."),
    Milestone.FIRST_PRODUCT: _("The platform ticks this step as soon as you add your first product."),
    Milestone.FIRST_PRODUCT_WITH_IMAGE: _("The platform ticks this step as soon as one of your products has a "
                                          "photo."),
    Milestone.FIRST_MARKETPLACE_CONNECTED: _("The platform ticks this step as soon as a marketplace shop is "
                                             "connected."),
    Milestone.FIRST_LISTING_LIVE: _("The platform ticks this step as soon as one of your products is live on "
                                    "a marketplace."),
    Milestone.FIRST_ORDER_RECEIVED: _("The platform ticks this step as soon as your first marketplace order "
                                      "arrives."),
}


@dataclass(frozen=True)
class BusinessFacts:
    """What targeting looks at: legal form, sector group (None when unknown) and marketplaces aimed for."""

    legal_form: str
    sector_group: str | None
    marketplaces: frozenset[str]

    @property
    def is_household(self) -> bool:
        return self.legal_form == "household"


@dataclass(frozen=True)
class StepRecord:
    """One step's state for one business, independent of language (what the officers' funnel reads)."""

    step_key: UUID
    applies: bool
    status: str
    done_at: datetime | None = None
    count: int = 0
    target: int = 0

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def remaining(self) -> int:
        return max(self.target - self.count, 0)


@dataclass
class StepView:
    """A step as the owner sees it: the canonical page (rules), the page in their language, its record."""

    step: OnboardingStepPage
    page: OnboardingStepPage
    record: StepRecord
    number: int = 0

    @property
    def status(self) -> str:
        return self.record.status

    @property
    def status_label(self) -> str:
        return StepStatus(self.record.status).label

    @property
    def done(self) -> bool:
        return self.record.done

    @property
    def is_automatic(self) -> bool:
        return self.step.completion_rule == CompletionRule.AUTOMATIC

    @property
    def is_checklist(self) -> bool:
        return self.step.completion_rule == CompletionRule.CHECKLIST

    @property
    def is_mark_done(self) -> bool:
        return self.step.completion_rule == CompletionRule.MARK_DONE

    @property
    def hint(self) -> str:
        """What the owner has and still needs, in their language ("you have 3 active products; 7 more...")."""
        record = self.record
        if self.is_automatic and not record.done:
            if self.step.milestone == Milestone.TEN_ACTIVE_PRODUCTS:
                return ngettext(
                    "You have %(count)d active product; %(remaining)d more to reach this step.",
                    "You have %(count)d active products; %(remaining)d more to reach this step.",
                    record.count,
                ) % {"count": record.count, "remaining": record.remaining}
            return str(MILESTONE_HINTS.get(self.step.milestone, ""))
        if self.is_checklist:
            return ngettext("%(count)d of %(total)d item ticked.", "%(count)d of %(total)d items ticked.",
                            record.target) % {"count": record.count, "total": record.target}
        return ""

    @property
    def call_to_action(self):
        """The first call-to-action of the page (top level) that resolves to a URL, or None."""
        for block in self.page.body:
            if block.block_type == "call_to_action" and block.value.url:
                return block.value
        return None


@dataclass
class JourneyProgress:
    journey: OnboardingJourneyPage
    business: Business
    steps: list[StepView]
    target_marketplaces: frozenset[str] = field(default_factory=frozenset)
    ticked_items: dict[UUID, set[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def percent(self) -> int:
        return round(self.done_count * 100 / self.total) if self.total else 0

    @property
    def next_step(self) -> StepView | None:
        return next((s for s in self.steps if not s.done), None)

    def state_for(self, page: OnboardingStepPage) -> StepView | None:
        """The step view for ``page`` (any language version), or None when it does not apply."""
        return next((s for s in self.steps if s.step.translation_key == page.translation_key), None)


def _active_language() -> str:
    from django.utils import translation

    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _active_locale(default: Locale | None = None) -> Locale | None:
    """The active language's locale; ``default`` saves a query when the active language is the default."""
    if default is not None and default.language_code == _active_language():
        return default
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return None


# --- The journey's content -----------------------------------------------------------------------


def journey_canonical(*, default: Locale | None = None) -> OnboardingJourneyPage | None:
    """The live journey of the default-language (Vietnamese) tree, or None before one is written."""
    return (
        OnboardingJourneyPage.objects.live().filter(locale=default or Locale.get_default())
        .order_by("path").first()
    )


def journey_step_list(*, journey: OnboardingJourneyPage) -> list[OnboardingStepPage]:
    """Live steps of ``journey`` in the editors' order."""
    return list(OnboardingStepPage.objects.live().child_of(journey).select_related("locale").order_by("path"))


def _localized(pages: list, model, *, default: Locale | None = None) -> dict[UUID, object]:
    """translation_key -> live translation in the active language, for each of ``pages`` (one query)."""
    locale = _active_locale(default)
    if locale is None or not pages:
        return {}
    keys = [p.translation_key for p in pages if p.locale_id != locale.pk]
    if not keys:
        return {}
    qs = model.objects.filter(translation_key__in=keys, locale=locale)
    if hasattr(model, "live"):
        qs = qs.filter(live=True)
    return {p.translation_key: p for p in qs}


def journey_localized(*, journey: OnboardingJourneyPage, default: Locale | None = None) -> OnboardingJourneyPage:
    """The journey in the active language (live translation), else the journey itself."""
    translated = _localized([journey], OnboardingJourneyPage, default=default)
    return translated.get(journey.translation_key, journey)


# --- Facts about businesses (targeting) ----------------------------------------------------------

def business_facts_bulk(
    *, business_ids: Collection[int], businesses: Collection[Business] = ()
) -> dict[int, BusinessFacts]:
    """Targeting facts for each business: three queries whatever the number of businesses (two when the
    ``businesses`` themselves are given)."""
    marketplaces: dict[int, set[str]] = defaultdict(set)
    for business_id, marketplace in MarketplaceInterest.objects.filter(
        business_id__in=business_ids
    ).values_list("business_id", "marketplace"):
        marketplaces[business_id].add(marketplace)
    if apps.is_installed("marketplace_connectors"):
        Account = apps.get_model("marketplace_connectors", "MarketplaceAccount")
        for business_id, marketplace in Account.objects.filter(business_id__in=business_ids).exclude(
            status="disconnected"
        ).values_list("business_id", "marketplace"):
            marketplaces[business_id].add(marketplace)
    facts = {}
    rows = [(b.pk, b.legal_form, b.main_sector) for b in businesses] or Business.objects.filter(
        pk__in=business_ids).values_list("pk", "legal_form", "main_sector")
    for pk, legal_form, main_sector in rows:
        facts[pk] = BusinessFacts(
            legal_form=legal_form,
            sector_group=sector_group_for(main_sector) if main_sector else None,
            marketplaces=frozenset(marketplaces[pk]),
        )
    return facts


def step_applies(*, step: OnboardingStepPage, facts: BusinessFacts) -> bool:
    """Does ``step`` concern a business with these facts? A step that does not apply is not counted.

    An unknown sector group (a profile not filled in) does not hide sector-targeted steps.
    """
    if step.audience_legal_form == LegalFormAudience.HOUSEHOLD and not facts.is_household:
        return False
    if step.audience_legal_form == LegalFormAudience.ENTERPRISE and facts.is_household:
        return False
    if (step.audience_sector_group and step.audience_sector_group != SectorGroupAudience.ALL
            and facts.sector_group is not None and facts.sector_group != step.audience_sector_group):
        return False
    return not (step.audience_marketplace and step.audience_marketplace not in facts.marketplaces)


# --- Progress -------------------------------------------------------------------------------------


def _records_for(
    *, steps: list[OnboardingStepPage], business_ids: list[int], businesses: Collection[Business] = ()
) -> tuple[dict[int, dict[UUID, StepRecord]], dict[int, BusinessFacts], dict[int, dict[UUID, set[str]]]]:
    facts = business_facts_bulk(business_ids=business_ids, businesses=businesses)
    milestone_keys = {s.milestone for s in steps if s.completion_rule == CompletionRule.AUTOMATIC and s.milestone}
    milestones = milestones_evaluate(keys=milestone_keys, business_ids=business_ids)
    step_keys = [s.translation_key for s in steps]
    completions = {
        (business_id, key): created_at
        for business_id, key, created_at in StepCompletion.objects.filter(
            business_id__in=business_ids, step_key__in=step_keys
        ).values_list("business_id", "step_key", "created_at")
    }
    ticks: dict[int, dict[UUID, dict[str, datetime]]] = defaultdict(lambda: defaultdict(dict))
    for business_id, key, item_id, created_at in ChecklistTick.objects.filter(
        business_id__in=business_ids, step_key__in=step_keys
    ).values_list("business_id", "step_key", "item_id", "created_at"):
        ticks[business_id][key][item_id] = created_at
    checklist_items = {s.translation_key: s.checklist_item_ids() for s in steps
                       if s.completion_rule == CompletionRule.CHECKLIST}

    records: dict[int, dict[UUID, StepRecord]] = {}
    for business_id in business_ids:
        business_facts = facts.get(business_id)
        if business_facts is None:
            continue
        per_step = {}
        for step in steps:
            key = step.translation_key
            applies = step_applies(step=step, facts=business_facts)
            if step.completion_rule == CompletionRule.AUTOMATIC:
                status = milestones.get(step.milestone, {}).get(business_id)
                if status is not None and status.reached:
                    record = StepRecord(key, applies, StepStatus.DONE_AUTOMATIC, status.reached_at,
                                        status.count, status.target)
                elif status is not None and status.count:
                    record = StepRecord(key, applies, StepStatus.IN_PROGRESS, None, status.count, status.target)
                else:
                    target = status.target if status else (10 if step.milestone == "ten_active_products" else 1)
                    record = StepRecord(key, applies, StepStatus.NOT_STARTED, None, 0, target)
            elif step.completion_rule == CompletionRule.CHECKLIST:
                items = checklist_items.get(key, [])
                ticked = ticks[business_id][key]
                done_items = [ticked[i] for i in items if i in ticked]
                if items and len(done_items) == len(items):
                    record = StepRecord(key, applies, StepStatus.DONE_MANUAL, max(done_items),
                                        len(done_items), len(items))
                elif done_items:
                    record = StepRecord(key, applies, StepStatus.IN_PROGRESS, None, len(done_items), len(items))
                else:
                    record = StepRecord(key, applies, StepStatus.NOT_STARTED, None, 0, len(items))
            else:
                done_at = completions.get((business_id, key))
                record = StepRecord(key, applies,
                                    StepStatus.DONE_MANUAL if done_at else StepStatus.NOT_STARTED, done_at, 0, 1)
            per_step[key] = record
        records[business_id] = per_step
    ticked_sets = {
        business_id: {key: set(items) for key, items in by_step.items()} for business_id, by_step in ticks.items()
    }
    return records, facts, ticked_sets


def journey_step_states_bulk(
    *, business_ids: Iterable[int], journey: OnboardingJourneyPage | None = None
) -> dict[int, dict[UUID, StepRecord]]:
    """Per business, per step (by translation key), its state; steps that do not apply have applies=False.

    For the officers' funnel: the cost is one query per milestone used plus a fixed handful, whatever
    the number of businesses. Returns {} when no journey is published.
    """
    journey = journey or journey_canonical()
    if journey is None:
        return {}
    steps = journey_step_list(journey=journey)
    records, _facts, _ticks = _records_for(steps=steps, business_ids=list(business_ids))
    return records


def journey_progress_for_business(
    *, business: Business, journey: OnboardingJourneyPage | None = None
) -> JourneyProgress | None:
    """The owner's view: the steps that apply, in order and in the active language, with their states."""
    default = Locale.get_default()
    canonical = journey_canonical(default=default) if journey is None else _canonical_of(journey, default=default)
    if canonical is None:
        return None
    steps = journey_step_list(journey=canonical)
    records, facts, ticks = _records_for(steps=steps, business_ids=[business.pk], businesses=[business])
    localized = _localized(steps, OnboardingStepPage, default=default)
    views = []
    for step in steps:
        record = records.get(business.pk, {}).get(step.translation_key)
        if record is None or not record.applies:
            continue
        views.append(StepView(step=step, page=localized.get(step.translation_key, step), record=record,
                              number=len(views) + 1))
    return JourneyProgress(
        journey=journey if journey is not None else journey_localized(journey=canonical, default=default),
        business=business,
        steps=views,
        target_marketplaces=facts[business.pk].marketplaces if business.pk in facts else frozenset(),
        ticked_items=ticks.get(business.pk, {}),
    )


def _canonical_of(journey: OnboardingJourneyPage, *, default: Locale) -> OnboardingJourneyPage | None:
    if journey.locale_id == default.pk:
        return journey
    return OnboardingJourneyPage.objects.live().filter(
        translation_key=journey.translation_key, locale=default
    ).first() or journey


def journey_progress_for_request(*, request, journey: OnboardingJourneyPage | None = None) -> JourneyProgress | None:
    """Progress for the signed-in user's current business, or None (anonymous, no business, preview)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = current_membership(request)
    if membership is None:
        return None
    return journey_progress_for_business(business=membership.business, journey=journey)


# --- Guides and FAQs ---------------------------------------------------------------------------


def faq_list(*, topic: str = "") -> list[FrequentlyAskedQuestion]:
    """FAQs in the active language; a question not yet translated shows in Vietnamese. Two queries."""
    default = Locale.get_default()
    qs = FrequentlyAskedQuestion.objects.filter(locale=default).select_related("locale")
    if topic:
        qs = qs.filter(topic=topic)
    canonical = list(qs)
    localized = _localized(canonical, FrequentlyAskedQuestion, default=default)
    return [localized.get(f.translation_key, f) for f in canonical]


def guide_list_for_index(*, index_page, query: str = "", tag: str = "") -> tuple[list[GuidePage], list[str]]:
    """Guides under the index (and its Vietnamese original), each in the active language when translated.

    ``tag`` keeps guides whose displayed version carries the tag; ``query`` is a full-text search over
    the displayed versions. Returns (guides, every tag of the displayed guides, sorted).
    """
    default = Locale.get_default()
    source_index = index_page if index_page.locale_id == default.pk else (
        index_page.get_translation_or_none(default) or index_page)
    canonical = list(GuidePage.objects.live().child_of(source_index).order_by("path"))
    own = list(GuidePage.objects.live().child_of(index_page).order_by("path")) if source_index.pk != index_page.pk else []
    localized = {g.translation_key: g for g in own}
    guides = [localized.get(g.translation_key, g) for g in canonical]
    known = {g.translation_key for g in canonical}
    guides += [g for g in own if g.translation_key not in known]
    tags_by_page = defaultdict(list)
    for page_id, name in GuidePage.tags.through.objects.filter(
        content_object_id__in=[g.pk for g in guides]
    ).values_list("content_object_id", "tag__name"):
        tags_by_page[page_id].append(name)
    for guide in guides:
        guide.tag_names = sorted(tags_by_page[guide.pk])
    all_tags = sorted({name for names in tags_by_page.values() for name in names})
    if tag:
        guides = [g for g in guides if tag in g.tag_names]
    if query:
        matched = {p.pk for p in GuidePage.objects.live().filter(id__in=[g.pk for g in guides]).search(query)}
        guides = [g for g in guides if g.pk in matched]
    return guides, all_tags


# --- The home page's figure ------------------------------------------------------------------------


def current_share_get() -> dict | None:
    """The current share of businesses online from ``settings.CMS_CURRENT_SHARE_PROVIDER`` (a dotted path
    to a function returning {"percent": ..., "as_of": ...} or None), or None while nothing provides it."""
    path = getattr(settings, "CMS_CURRENT_SHARE_PROVIDER", "")
    if not path:
        return None
    return import_string(path)()


# --- The next step, shown where an owner finishes something ---------------------------------------


@dataclass(frozen=True)
class NextStep:
    """What the owner should do next, as a card on the page they land on after finishing something."""

    title: str
    summary: str
    button_label: str
    url: str
    hint: str = ""


def journey_next_action(*, progress: JourneyProgress | None) -> StepView | None:
    """The first step not done yet that the platform completes by itself (it has a button that does it).

    Reading steps (checklists, "mark as done") stay on the journey page: on the pages where an owner has
    just finished something, the card leads to the next thing to do on the platform.
    """
    if progress is None:
        return None
    return next((s for s in progress.steps if not s.done and s.is_automatic and s.call_to_action), None)


def next_step_for_request(*, request) -> NextStep | None:
    """The card for the signed-in business member: register a business first, then the journey's next step
    to do on the platform. None for anyone else, and when every such step is done."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = current_membership(request)
    if membership is None:
        if Role.BUSINESS_MEMBER not in user_roles(user=user):
            return None
        return NextStep(
            title=str(_("Register your business")),
            summary=str(_("Everything else starts here: your products, your shops and your journey are kept for "
                          "your business. It takes about three minutes.")),
            button_label=str(_("Register your business")), url=reverse("businesses:register"),
        )
    step = journey_next_action(progress=journey_progress_for_business(business=membership.business))
    if step is None:
        return None
    cta = step.call_to_action
    return NextStep(title=step.page.title, summary=step.page.summary, button_label=cta.button_label, url=cta.url,
                    hint=step.hint)
