"""``seed_demo``: the onboarding journey, the guides and the FAQs in Vietnamese with the English translation.

Idempotent and respectful of editors: a page, guide or FAQ that already exists (matched by slug, or by
question for FAQs) is left as it is, so running it again changes nothing and never overwrites an edit.
"""

import uuid

from django.contrib.auth.models import Group
from wagtail.models import Locale

from accounts.demo import DemoLogin
from accounts.models import User

from .content.guides import FAQS, GUIDE_INDEX, GUIDES, HOME
from .content.journey import FACTS_CHECKED_ON, JOURNEY, STEPS
from .models import (
    FrequentlyAskedQuestion,
    GuideIndexPage,
    GuidePage,
    HomePage,
    OnboardingJourneyPage,
    OnboardingStepPage,
)
from .permissions import REVIEWER_GROUP, section_permissions_ensure

# Block ids derive from the slug and position, so both languages share them (and checklist ticks).
_IDS = uuid.UUID("6b1d3c52-2f0e-4b5e-9a77-1f0c2a9d6e10")
DEMO_EDITOR_EMAIL = "editor@demo.dongthap.local"


def _id(*parts) -> str:
    return str(uuid.uuid5(_IDS, ":".join(str(p) for p in parts)))


def _items(values, *prefix) -> list[dict]:
    return [{"type": "item", "value": value, "id": _id(*prefix, n)} for n, value in enumerate(values)]


def stream(blocks, *prefix) -> list[dict]:
    """Expand the content shorthand (see cms.content.journey) into StreamField data with stable ids."""
    data = []
    for n, spec in enumerate(blocks):
        kind, *args = spec
        block_id = _id(*prefix, n)
        if kind == "text":
            data.append({"type": "rich_text", "value": args[0], "id": block_id})
        elif kind == "steps":
            data.append({"type": "numbered_instructions", "id": block_id,
                         "value": {"title": args[0], "steps": _items(args[1], *prefix, n)}})
        elif kind == "checklist":
            data.append({"type": "checklist", "id": block_id,
                         "value": {"title": args[0], "items": _items(args[1], *prefix, n)}})
        elif kind == "callout":
            data.append({"type": "callout", "id": block_id,
                         "value": {"kind": args[0], "title": args[1], "text": args[2]}})
        elif kind == "cta":
            data.append({"type": "call_to_action", "id": block_id,
                         "value": {"action": args[0], "marketplace": args[1], "label": args[2]}})
        elif kind == "market":
            data.append({"type": "marketplace_section", "id": block_id,
                         "value": {"marketplace": args[0], "heading": args[1],
                                   "content": stream(args[2], *prefix, n)}})
        else:
            raise ValueError(kind)
    return data


def _home_sections(specs, prefix) -> list[dict]:
    data = []
    for n, spec in enumerate(specs):
        if spec[0] == "target":
            _kind, percent, year, description, source = spec
            data.append({"type": "province_target", "id": _id(prefix, n), "value": {
                "target_percent": percent, "deadline_year": year, "description": description, "source": source}})
        else:
            _kind, heading, placeholder = spec
            data.append({"type": "current_share", "id": _id(prefix, n), "value": {
                "heading": heading, "placeholder": placeholder, "hidden": False}})
    return data


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _translation(page, locale: Locale, **fields):
    """The existing translation of ``page`` in ``locale``, or a new published one with ``fields``."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale)
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.draft_title = translated.title
    if tags is not None:
        translated.tags.clear()
        translated.tags.add(*tags)
    return _publish(translated)


def seed_journey() -> list[DemoLogin]:
    """Create the journey (11 steps), 5 guides and 6 FAQs in Vietnamese and English. Returns no logins."""
    vi = Locale.get_default()
    en, _created = Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.filter(locale=vi).order_by("path").first()
    if home is None:
        return []
    if not home.sections:
        home.sections = _home_sections(HOME["vi"]["sections"], "home")
        home.body = home.body or HOME["vi"]["body"]
        _publish(home)
    en_home = HOME["en"]
    _translation(home, en, title=en_home["title"], intro=en_home["intro"],
                 call_to_action_label=en_home["call_to_action_label"],
                 body=en_home["body"], sections=_home_sections(en_home["sections"], "home"))

    journey = OnboardingJourneyPage.objects.child_of(home).first()
    if journey is None:
        journey = home.add_child(instance=OnboardingJourneyPage(
            title=JOURNEY["vi"]["title"], slug="hanh-trinh-ban-hang-online", intro=JOURNEY["vi"]["intro"]))
    if not OnboardingStepPage.objects.child_of(journey).exists():
        journey.title = JOURNEY["vi"]["title"]
        journey.intro = JOURNEY["vi"]["intro"]
        _publish(journey)
    _translation(journey, en, title=JOURNEY["en"]["title"], intro=JOURNEY["en"]["intro"])

    for spec in STEPS:
        step = OnboardingStepPage.objects.child_of(journey).filter(slug=spec["slug"]).first()
        common = {
            "estimated_minutes": spec["minutes"], "completion_rule": spec["rule"],
            "milestone": spec.get("milestone", ""), "audience_legal_form": spec.get("audience_legal_form", ""),
            "facts_checked_on": FACTS_CHECKED_ON if spec.get("facts") else None,
        }
        if step is None:
            step = OnboardingStepPage(slug=spec["slug"], title=spec["vi"]["title"], summary=spec["vi"]["summary"],
                                      body=stream(spec["vi"]["body"], spec["slug"]), **common)
            journey.add_child(instance=step)
            _publish(step)
        _translation(step, en, title=spec["en"]["title"], summary=spec["en"]["summary"],
                     body=stream(spec["en"]["body"], spec["slug"]))

    index = GuideIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=GuideIndexPage(title=GUIDE_INDEX["vi"]["title"], slug="cam-nang"))
    if not GuidePage.objects.child_of(index).exists():
        index.title = GUIDE_INDEX["vi"]["title"]
        index.intro = GUIDE_INDEX["vi"]["intro"]
        _publish(index)
    _translation(index, en, title=GUIDE_INDEX["en"]["title"], intro=GUIDE_INDEX["en"]["intro"])
    for spec in GUIDES:
        guide = GuidePage.objects.child_of(index).filter(slug=spec["slug"]).first()
        if guide is None:
            guide = GuidePage(slug=spec["slug"], title=spec["vi"]["title"], summary=spec["vi"]["summary"],
                              body=stream(spec["vi"]["body"], "guide", spec["slug"]),
                              facts_checked_on=FACTS_CHECKED_ON if spec["facts"] else None)
            index.add_child(instance=guide)
            guide.tags.add(*spec["vi"]["tags"])
            _publish(guide)
        _translation(guide, en, title=spec["en"]["title"], summary=spec["en"]["summary"],
                     body=stream(spec["en"]["body"], "guide", spec["slug"]), tags=spec["en"]["tags"])

    for order, spec in enumerate(FAQS):
        question, answer = spec["vi"]
        faq = FrequentlyAskedQuestion.objects.filter(locale=vi, question=question).first()
        if faq is None:
            faq = FrequentlyAskedQuestion.objects.create(locale=vi, question=question, answer=answer,
                                                         topic=spec["topic"], sort_order=(order + 1) * 10)
        if faq.get_translation_or_none(en) is None:
            english = faq.copy_for_translation(en)
            english.question, english.answer = spec["en"]
            english.save()

    section_permissions_ensure()
    editor = User.objects.filter(email=DEMO_EDITOR_EMAIL).first()
    reviewers = Group.objects.filter(name=REVIEWER_GROUP).first()
    if editor is not None and reviewers is not None:
        # The single demo editor also approves, so the whole draft -> review -> publish loop can be tried.
        editor.groups.add(reviewers)
    return []
