"""The owner's "Getting started" dashboard and the forms that record what they did by hand.

Thin: each view reads through cms.selectors, writes through cms.services. Every form also works without
JavaScript; the checklist script posts the same form with ``fetch`` and gets JSON back.
"""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.redirects import safe_redirect_target
from sme.businesses.context import business_required

from .choices import marketplace_choices
from .models import OnboardingStepPage
from .selectors import faq_list, journey_progress_for_business
from .services import (
    checklist_item_set,
    marketplace_interests_set,
    step_get_live,
    step_mark_done,
    step_mark_not_done,
)


def _next_url(request, default: str) -> str:
    return safe_redirect_target(request=request, candidate=request.POST.get("next"), default=default)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get(
        "Accept", "")


def _step_or_404(step_key: UUID) -> OnboardingStepPage:
    try:
        return step_get_live(step_key=step_key)
    except OnboardingStepPage.DoesNotExist as exc:
        raise Http404("No such step") from exc


@business_required
def journey(request):
    """Getting started: progress bar, the next step with its call to action, every step with its state."""
    progress = journey_progress_for_business(business=request.business)
    return render(request, "cms/journey_dashboard.html", {
        "progress": progress,
        "marketplaces": marketplace_choices(),
        "faqs": faq_list(topic="getting_started")[:5],
    })


@require_POST
@business_required
def step_done(request, step_key: UUID):
    """Mark a "mark as done" step done (or not done again with ``undo``)."""
    step = _step_or_404(step_key)
    undo = request.POST.get("undo") == "1"
    try:
        if undo:
            step_mark_not_done(business=request.business, step=step)
        else:
            step_mark_done(business=request.business, step=step, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Step marked as not done.") if undo else _("Well done! Step marked as done."))
    return HttpResponseRedirect(_next_url(request, reverse("cms:journey")))


@require_POST
@business_required
def checklist_save(request, step_key: UUID):
    """Save checklist ticks: one item (``item`` + ``checked``, sent by the script as each box is ticked)
    or the whole list (``items``, the boxes ticked when the form is submitted without JavaScript)."""
    step = _step_or_404(step_key)
    all_items = step.checklist_item_ids()
    try:
        if "item" in request.POST:
            checklist_item_set(business=request.business, step=step, item_id=request.POST["item"],
                               checked=request.POST.get("checked") == "1", user=request.user)
        else:
            ticked = set(request.POST.getlist("items"))
            # A page may hold several checklists; each form says which items it shows.
            scope = set(request.POST.getlist("scope")) or set(all_items)
            if (ticked | scope) - set(all_items):
                raise ValidationError(_("This checklist item no longer exists; reload the page."))
            for item_id in (i for i in all_items if i in scope):
                checklist_item_set(business=request.business, step=step, item_id=item_id,
                                   checked=item_id in ticked, user=request.user)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(_next_url(request, reverse("cms:journey")))
    progress = journey_progress_for_business(business=request.business)
    state = progress.state_for(step) if progress else None
    if _wants_json(request):
        record = state.record if state else None
        return JsonResponse({
            "ticked": record.count if record else 0,
            "total": record.target if record else len(all_items),
            "done": bool(record and record.done),
            "percent": progress.percent if progress else 0,
        })
    messages.success(request, _("Checklist saved."))
    return HttpResponseRedirect(_next_url(request, reverse("cms:journey")))


@require_POST
@business_required
def marketplaces_save(request):
    """The marketplaces the owner aims for: they decide which marketplace-specific steps and sections show."""
    try:
        marketplace_interests_set(business=request.business, marketplaces=request.POST.getlist("marketplaces"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your marketplaces are saved; the journey now shows what concerns them."))
    return redirect("cms:journey")
