"""Billing pages. Owners only (``business_required(owner_only=True)``), except the webhook (Stripe, signed)
and the voucher pages (trade officers and staff)."""

import logging
from functools import wraps

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import user_roles
from sme.businesses.context import business_required

from . import selectors, services
from .errors import BillingError
from .forms import CheckoutForm, VoucherProgrammeForm
from .models import ENTITLED_STATUSES, CheckoutStatus, Interval
from .stripe_client import stripe_configured
from .webhooks import webhook_receive

logger = logging.getLogger(__name__)



def _stripe_trouble_message() -> str:
    return _("The payment service did not answer. Nothing was charged; please try again in a few minutes.")


@business_required(owner_only=True)
@require_GET
def plans(request):
    business = request.business
    limits = selectors.business_plan_limits(business=business)
    subscription = selectors.subscription_for_business(business=business)
    return render(request, "billing/plans.html", {
        "limits": limits,
        "subscription": subscription,
        "plans": selectors.plan_list_offered(),
        "payments_enabled": stripe_configured(),
        "form": CheckoutForm(),
        "intervals": Interval,
        "has_live_subscription": subscription is not None and subscription.status not in (
            "none", "canceled", "incomplete_expired", "incomplete"),
        "has_customer": bool(subscription and subscription.stripe_customer_id),
    })


def _return_url(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))


@business_required(owner_only=True)
@require_POST
def checkout(request):
    if not stripe_configured():
        messages.error(request, _("Online payments are not set up on this platform yet."))
        return redirect("billing:plans")
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a plan and a billing interval."))
        return redirect("billing:plans")
    placeholder = "CHECKOUTSESSIONID"
    success_url = _return_url(request, "billing:checkout_return", session_id=placeholder).replace(
        placeholder, "{CHECKOUT_SESSION_ID}")
    try:
        start = services.checkout_session_create(
            business=request.business, plan=form.cleaned_data["plan"], interval=form.cleaned_data["interval"],
            user=request.user, success_url=success_url,
            cancel_url=request.build_absolute_uri(reverse("billing:plans")) + "?canceled=1",
            voucher_code=form.cleaned_data["voucher_code"],
        )
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:plans")
    except stripe.StripeError as exc:
        logger.warning("billing: checkout failed: %s", type(exc).__name__)
        messages.error(request, _stripe_trouble_message())
        return redirect("billing:plans")
    return HttpResponseRedirect(start.url)


def _checkout_state(*, business, checkout) -> dict:
    subscription = selectors.subscription_for_business(business=business)
    active = (checkout.status == CheckoutStatus.COMPLETE and subscription is not None
              and subscription.plan_id == checkout.plan_id and subscription.status in ENTITLED_STATUSES)
    if active:
        return {"status": "active", "plan": checkout.plan.display_name,
                "message": _("Your %(plan)s plan is active.") % {"plan": checkout.plan.display_name}}
    return {"status": "pending", "plan": checkout.plan.display_name,
            "message": _("Waiting for the payment confirmation from Stripe…")}


@business_required(owner_only=True)
@require_GET
@never_cache
def checkout_return(request, session_id: str):
    checkout = selectors.checkout_session_get_for_business(business=request.business, stripe_session_id=session_id)
    return render(request, "billing/checkout_return.html", {
        "checkout": checkout, "state": _checkout_state(business=request.business, checkout=checkout),
    })


@business_required(owner_only=True)
@require_GET
@never_cache
def checkout_status(request, session_id: str):
    checkout = selectors.checkout_session_get_for_business(business=request.business, stripe_session_id=session_id)
    return JsonResponse(_checkout_state(business=request.business, checkout=checkout))


@business_required(owner_only=True)
@require_POST
def portal(request):
    try:
        url = services.portal_session_create(
            business=request.business, return_url=request.build_absolute_uri(reverse("billing:plans")))
    except BillingError as exc:
        messages.error(request, str(exc))
        return redirect("billing:plans")
    except stripe.StripeError as exc:
        logger.warning("billing: portal failed: %s", type(exc).__name__)
        messages.error(request, _stripe_trouble_message())
        return redirect("billing:plans")
    return HttpResponseRedirect(url)


@csrf_exempt
@require_POST
def webhook(request):
    """Stripe's webhook endpoint (configure https://<site>/billing/webhook/ in the Stripe dashboard)."""
    if not stripe_configured():  # no endpoint secret: nothing can be verified, so there is no endpoint
        return HttpResponse("Payments are not set up.", status=404, content_type="text/plain")
    status = webhook_receive(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    return HttpResponse(status=status)


# --- Vouchers (trade officers and staff) ----------------------------------------------------------------------

def officer_required(view_func):
    @wraps(view_func)
    @login_required
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_staff or user.is_superuser or Role.TRADE_OFFICER in user_roles(user=user)):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


@officer_required
@require_http_methods(["GET", "POST"])
def voucher_list(request):
    form = VoucherProgrammeForm(request.POST or None)
    if request.method == "POST":
        if not stripe_configured():
            messages.error(request, _("Online payments are not set up on this platform yet."))
            return redirect("billing:voucher_list")
        if form.is_valid():
            try:
                programme = services.voucher_programme_create(created_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except stripe.StripeError as exc:
                logger.warning("billing: voucher creation failed: %s", type(exc).__name__)
                form.add_error(None, _stripe_trouble_message())
            else:
                messages.success(request, _("Programme “%(name)s” created.") % {"name": programme.name})
                return redirect("billing:voucher_detail", pk=programme.pk)
    return render(request, "billing/voucher_list.html", {
        "form": form, "programmes": selectors.voucher_programme_list(), "payments_enabled": stripe_configured(),
    })


@officer_required
@require_GET
def voucher_detail(request, pk: int):
    programme = selectors.voucher_programme_get(pk=pk)
    return render(request, "billing/voucher_detail.html", {
        "programme": programme,
        "redemptions": programme.redemptions.select_related("business").order_by("-redeemed_at"),
    })


@officer_required
@require_POST
def voucher_deactivate(request, pk: int):
    programme = selectors.voucher_programme_get(pk=pk)
    try:
        services.voucher_programme_deactivate(programme=programme)
    except BillingError as exc:
        messages.error(request, str(exc))
    except stripe.StripeError as exc:
        logger.warning("billing: voucher deactivation failed: %s", type(exc).__name__)
        messages.error(request, _stripe_trouble_message())
    else:
        messages.success(request, _("The code %(code)s no longer works for new subscriptions.")
                         % {"code": programme.code})
    return redirect("billing:voucher_detail", pk=programme.pk)
