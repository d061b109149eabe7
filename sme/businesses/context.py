"""The business a signed-in user is working on ("current business"), kept in the session.

Views decorated with ``business_required`` get ``request.membership`` and ``request.business``.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from .models import MemberRole, Membership
from .selectors import membership_get

SESSION_KEY = "current_business_id"


def current_membership(request) -> Membership | None:
    """The membership for the session's current business, falling back to the user's first one."""
    if not request.user.is_authenticated:
        return None
    business_id = request.session.get(SESSION_KEY)
    if business_id is not None:
        try:
            return membership_get(user=request.user, business_id=business_id)
        except Http404:
            request.session.pop(SESSION_KEY, None)
    membership = (
        Membership.objects.select_related("business").filter(user=request.user).order_by("created_at").first()
    )
    if membership is not None:
        request.session[SESSION_KEY] = membership.business_id
    return membership


def set_current_business(request, *, business_id: int) -> Membership:
    """Switch the session to ``business_id``; Http404 when the user is not a member."""
    membership = membership_get(user=request.user, business_id=business_id)
    request.session[SESSION_KEY] = membership.business_id
    return membership


def business_required(view=None, *, owner_only: bool = False):
    """Require a signed-in member of a current business; owners only when ``owner_only``.

    Without a business the user is sent to register one; staff hitting an owner-only page get 404.
    """

    def decorator(view_func):
        @wraps(view_func)
        @login_required
        def wrapper(request, *args, **kwargs):
            membership = current_membership(request)
            if membership is None:
                return redirect("businesses:register")
            if owner_only and membership.role != MemberRole.OWNER:
                raise Http404("Owners only")
            request.membership = membership
            request.business = membership.business
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
