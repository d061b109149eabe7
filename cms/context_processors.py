"""The journey's next step, for the card on the pages where an owner finishes something."""

from django.utils.functional import SimpleLazyObject

from .selectors import next_step_for_request


def journey_next_step(request):
    """``next_step`` in every template, computed only when a page shows the card (includes/next_step.html)."""
    return {"next_step": SimpleLazyObject(lambda: next_step_for_request(request=request))}
