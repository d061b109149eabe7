"""Writes of the journey: what an owner does by hand. Automatic steps are never written (see cms.milestones).

Steps are addressed by their translation key; every service checks the step is a live journey step with
the right completion rule, so a forged key or item changes nothing.
"""

from collections.abc import Collection
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from accounts.models import User
from sme.businesses.models import Business

from .choices import CompletionRule, marketplace_choices
from .models import ChecklistTick, MarketplaceInterest, OnboardingStepPage, StepCompletion


def step_get_live(*, step_key: UUID) -> OnboardingStepPage:
    """The live canonical (Vietnamese) step with this translation key; OnboardingStepPage.DoesNotExist otherwise."""
    return OnboardingStepPage.objects.live().get(translation_key=step_key, locale=Locale.get_default())


def step_mark_done(*, business: Business, step: OnboardingStepPage, user: User) -> StepCompletion:
    """Record that the owner did a "mark as done" step. Idempotent: marking twice keeps the first date.

    Raises ValidationError when the step completes another way (automatically or by its checklist).
    """
    if step.completion_rule != CompletionRule.MARK_DONE:
        raise ValidationError(_("This step is completed by the platform or by its checklist, not by hand."))
    completion, _created = StepCompletion.objects.get_or_create(
        business=business, step_key=step.translation_key, defaults={"completed_by": user}
    )
    return completion


def step_mark_not_done(*, business: Business, step: OnboardingStepPage) -> None:
    """Undo "mark as done". Idempotent."""
    StepCompletion.objects.filter(business=business, step_key=step.translation_key).delete()


def checklist_item_set(*, business: Business, step: OnboardingStepPage, item_id: str, checked: bool,
                       user: User) -> None:
    """Tick or untick one checklist item of ``step``. Idempotent.

    Raises ValidationError when the item is not one of the step's checklist items.
    """
    if item_id not in step.checklist_item_ids():
        raise ValidationError(_("This checklist item no longer exists; reload the page."))
    if checked:
        ChecklistTick.objects.get_or_create(
            business=business, step_key=step.translation_key, item_id=item_id, defaults={"ticked_by": user}
        )
    else:
        ChecklistTick.objects.filter(business=business, step_key=step.translation_key, item_id=item_id).delete()


@transaction.atomic
def marketplace_interests_set(*, business: Business, marketplaces: Collection[str]) -> set[str]:
    """Replace the marketplaces the owner aims for. Unknown codes raise ValidationError and change nothing."""
    wanted = set(marketplaces)
    unknown = wanted - {code for code, _label in marketplace_choices()}
    if unknown:
        raise ValidationError(_("Unknown marketplace: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    MarketplaceInterest.objects.filter(business=business).exclude(marketplace__in=wanted).delete()
    existing = set(MarketplaceInterest.objects.filter(business=business).values_list("marketplace", flat=True))
    MarketplaceInterest.objects.bulk_create(
        [MarketplaceInterest(business=business, marketplace=code) for code in sorted(wanted - existing)]
    )
    return wanted
