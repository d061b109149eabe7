"""What a step page shows of the owner's progress: this step's state and its number among the steps that
apply ("Step 3 of 8"), read from the data on every request like the Getting started page.

A step page needs less than Getting started: whether each step applies (targeting) and the state of this
one step. So it evaluates only this step's milestone (none for a checklist or "mark as done" step) instead
of every milestone of the journey, and finds the journey's steps as the siblings of the Vietnamese step
without loading the journey page: about ten queries fewer per step page. The states come from the same
code as the Getting started page (``cms.selectors._records_for``), so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from wagtail.models import Locale

from sme.businesses.context import current_membership
from sme.businesses.models import Business

from .models import OnboardingStepPage
from .selectors import StepView, _records_for, step_applies


@dataclass(frozen=True)
class StepPageProgress:
    """The owner's progress as a step page shows it. ``state`` is None when the step does not apply to the
    business (it is then not numbered); ``total`` counts the steps that apply."""

    total: int
    state: StepView | None
    target_marketplaces: frozenset[str] = frozenset()
    ticked_items: dict[UUID, set[str]] = field(default_factory=dict)


def step_progress_for_business(*, business: Business, step: OnboardingStepPage) -> StepPageProgress | None:
    """Progress of ``business`` as the page ``step`` (in any language) shows it; None when the step has no
    live Vietnamese version in a journey."""
    default = Locale.get_default()
    canonical = step if step.locale_id == default.pk else (
        OnboardingStepPage.objects.filter(translation_key=step.translation_key, locale=default).first())
    if canonical is None:
        return None
    steps = list(OnboardingStepPage.objects.live().sibling_of(canonical, inclusive=True).order_by("path"))
    this = next((s for s in steps if s.translation_key == step.translation_key), None)
    if this is None:  # the Vietnamese step is not live: the journey does not count it
        return None
    records, facts, ticks = _records_for(steps=[this], business_ids=[business.pk], businesses=[business])
    business_facts = facts.get(business.pk)
    if business_facts is None:
        return None
    applying = [s for s in steps if step_applies(step=s, facts=business_facts)]
    record = records[business.pk][this.translation_key]
    state = None
    if record.applies:
        number = next(n for n, s in enumerate(applying, start=1) if s.translation_key == this.translation_key)
        state = StepView(step=this, page=step, record=record, number=number)
    return StepPageProgress(total=len(applying), state=state, target_marketplaces=business_facts.marketplaces,
                            ticked_items=ticks.get(business.pk, {}))


def step_progress_for_request(*, request, step: OnboardingStepPage) -> StepPageProgress | None:
    """For the signed-in user's current business, or None (anonymous, no business)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = current_membership(request)
    if membership is None:
        return None
    return step_progress_for_business(business=membership.business, step=step)
