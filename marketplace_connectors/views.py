"""The owner's "Sales channels" screens. Views only orchestrate: reads via selectors, writes via
services/sync. Owners only (staff get 404), and every id is looked up within the current business."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sme.billing.errors import EntitlementError
from sme.businesses.context import business_required
from sme.catalog.models import Category, Product

from . import order_sync, selectors, services, sync
from .base import Capability, PushRejected
from .errors import AuthError, ConnectorError, PermanentError, RetryableError
from .forms import (
    AccountSettingsForm,
    CategoryMappingForm,
    KeysConnectForm,
    ListingSelectionForm,
    OrderFilterForm,
)
from .models import AccountStatus, CategoryMapping, ListingBinding, ListingStatus, OrderStatus, SyncKind
from .registry import connector_get, connector_list

owner_required = business_required(owner_only=True)
member_required = business_required()
logger = logging.getLogger(__name__)


def _connector_or_404(marketplace: str):
    try:
        return connector_get(marketplace)
    except KeyError:
        raise Http404("No such marketplace") from None


@owner_required
@require_GET
def account_list(request):
    accounts = selectors.account_list_for_business(business=request.business)
    return render(request, "marketplace_connectors/account_list.html", {
        "accounts": accounts, "connectors": connector_list(),
    })


@owner_required
@require_POST
def connect_start(request, marketplace: str):
    connector = _connector_or_404(marketplace)
    try:
        services.account_connect_check_plan(business=request.business)
    except EntitlementError as exc:
        messages.error(request, str(exc))
        return redirect("marketplaces:account_list")
    if connector.supports(Capability.KEYS):
        return redirect("marketplaces:connect_keys", marketplace=marketplace)
    state = services.connect_state_create(session=request.session, marketplace=marketplace,
                                          business_id=request.business.pk)
    callback = request.build_absolute_uri(reverse("marketplaces:connect_callback", args=[marketplace]))
    try:
        url = connector.authorization_url(redirect_url=f"{callback}?state={state}")
    except ImproperlyConfigured:
        messages.error(request, _("This marketplace is not configured on the platform yet. Contact the operator."))
        return redirect("marketplaces:account_list")
    return redirect(url)


@owner_required
@require_GET
def connect_callback(request, marketplace: str):
    connector = _connector_or_404(marketplace)
    if not services.connect_state_consume(session=request.session, state=request.GET.get("state", ""),
                                          marketplace=marketplace, business_id=request.business.pk):
        messages.error(request, _("This connection link has expired or was not started from this browser. "
                                  "Press “Connect” again."))
        return redirect("marketplaces:account_list")
    # Everything the marketplace sent back but our own state (Shopee adds shop_id, TikTok and Tiki others).
    params = {k: v for k, v in request.GET.items() if k != "state"}
    try:
        account = services.account_connect_complete(business=request.business, user=request.user,
                                                    marketplace=marketplace, params=params)
    except services.ShopTakenError:
        messages.error(request, _("This shop is already connected to another business on the platform."))
        return redirect("marketplaces:account_list")
    except EntitlementError as exc:
        messages.error(request, str(exc))
        return redirect("marketplaces:account_list")
    except AuthError:
        messages.error(request, _("%(marketplace)s did not accept the authorisation. Press “Connect” and approve "
                                  "again.") % {"marketplace": connector.display_name})
        return redirect("marketplaces:account_list")
    except RetryableError:
        messages.error(request, _("%(marketplace)s did not answer. Try connecting again in a few minutes.")
                       % {"marketplace": connector.display_name})
        return redirect("marketplaces:account_list")
    messages.success(request, _("Shop %(shop)s is connected.") % {"shop": account.shop_name or account.external_shop_id})
    return redirect("marketplaces:listing_list", account_id=account.pk)


@owner_required
@require_POST
def account_disconnect(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    services.account_disconnect(account=account)
    messages.success(request, _("The shop is disconnected. Its listings stay on the marketplace."))
    return redirect("marketplaces:account_list")


@owner_required
@require_GET
def listing_list(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    rows = selectors.listing_rows(account=account)
    latest_run = selectors.run_list(account=account).first()
    return render(request, "marketplace_connectors/listing_list.html", {
        "account": account, "rows": rows, "latest_run": latest_run,
        "owner_notes": connector_get(account.marketplace).owner_notes,
        "matches_count": selectors.match_list(account=account).count(),
        "failed_count": sum(1 for _p, b in rows if b and b.status in (ListingStatus.FAILED, ListingStatus.REJECTED)),
    })


def _active_or_message(request, account) -> bool:
    if account.status != AccountStatus.ACTIVE:
        messages.error(request, _("Reconnect the shop first."))
        return False
    return True


@owner_required
@require_POST
def listing_publish(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_list", account_id=account.pk)
    product_ids = list(Product.objects.filter(business=request.business).values_list("pk", flat=True))
    form = ListingSelectionForm(request.POST, product_ids=product_ids)
    if not form.is_valid():
        messages.error(request, _("Tick at least one product."))
        return redirect("marketplaces:listing_list", account_id=account.pk)
    ready, invalid = [], 0
    try:
        for product in Product.objects.filter(business=request.business, pk__in=form.cleaned_data["product"]):
            problems = sync.listing_validate(account=account, product=product)
            if problems:
                sync.listing_mark_invalid(account=account, product=product, problems=problems)
                invalid += 1
            else:
                ready.append(product.pk)
    except (RetryableError, AuthError) as exc:
        messages.error(request, _("%(marketplace)s did not answer while checking the products. Try again in a moment.")
                       % {"marketplace": sync.marketplace_name(account)}
                       if isinstance(exc, RetryableError) else _("Reconnect the shop first."))
        return redirect("marketplaces:listing_list", account_id=account.pk)
    if invalid:
        messages.warning(request, _("%(n)d product(s) need fixing before publishing: see the red notes below.") % {"n": invalid})
    if not ready:
        return redirect("marketplaces:listing_list", account_id=account.pk)
    run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=ready, user=request.user)
    messages.success(request, _("Publishing %(n)d product(s).") % {"n": len(ready)})
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def account_sync(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_list", account_id=account.pk)
    ids = ListingBinding.objects.filter(account=account).exclude(
        status__in=[ListingStatus.DELISTED, ListingStatus.PAUSED]).values_list("pk", flat=True)
    run = sync.sync_run_start(account=account, kind=SyncKind.SYNC, binding_ids=ids, user=request.user)
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def listing_retry_failed(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_list", account_id=account.pk)
    ids = ListingBinding.objects.filter(account=account, status__in=[ListingStatus.FAILED, ListingStatus.REJECTED]
                                        ).values_list("pk", flat=True)
    run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, binding_ids=ids, user=request.user)
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def listing_action(request, account_id: int, binding_id: int, action: str):
    account = selectors.account_get(business=request.business, account_id=account_id)
    binding = get_object_or_404(ListingBinding, account=account, pk=binding_id)
    if action not in {"delist", "pause", "resume"}:
        raise Http404("No such action")
    if not _active_or_message(request, account) or not binding.external_id:
        return redirect("marketplaces:listing_list", account_id=account.pk)
    try:
        if action == "delist":
            sync.listing_delist(binding=binding)
        else:
            sync.listing_pause(binding=binding, paused=action == "pause")
    except ConnectorError as exc:
        messages.error(request, sync.error_for_owner(exc, marketplace=sync.marketplace_name(account)))
    else:
        messages.success(request, _("Done."))
    return redirect("marketplaces:listing_list", account_id=account.pk)


@owner_required
@require_GET
def category_list(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    used = Category.objects.filter(products__business=request.business).distinct()
    mappings = {m.category_id: m for m in CategoryMapping.objects.filter(account=account)}
    return render(request, "marketplace_connectors/category_list.html", {
        "account": account, "marketplace": sync.marketplace_name(account), "rows": [(c, mappings.get(c.pk)) for c in used],
    })


@owner_required
def category_edit(request, account_id: int, category_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    category = get_object_or_404(Category, pk=category_id)
    mapping = CategoryMapping.objects.filter(account=account, category=category).first()
    try:
        tree = services.category_tree(account=account)
        chosen = (request.POST.get("external_category_id") or request.GET.get("external")
                  or (mapping.external_category_id if mapping else ""))
        leaf_ids = {n.external_id for n in tree if n.is_leaf}
        attributes = services.category_attributes(account=account, category_id=chosen) if chosen in leaf_ids else []
    except (RetryableError, AuthError):
        messages.error(request, _("%(marketplace)s did not answer. Try again in a moment.")
                       % {"marketplace": sync.marketplace_name(account)})
        return redirect("marketplaces:category_list", account_id=account.pk)
    initial_values = mapping.attribute_values if mapping and mapping.external_category_id == chosen else {}
    data = request.POST if request.method == "POST" and "save" in request.POST else None
    form = CategoryMappingForm(data, tree=tree, attributes=attributes, initial_values=initial_values,
                               initial={"external_category_id": chosen}, marketplace=sync.marketplace_name(account))
    if data is not None and form.is_valid():
        try:
            services.category_mapping_set(account=account, category=category,
                                          external_category_id=form.cleaned_data["external_category_id"],
                                          attribute_values=form.attribute_values())
        except PermanentError as exc:
            form.add_error("external_category_id", exc.message)
        else:
            messages.success(request, _("Category saved."))
            return redirect("marketplaces:category_list", account_id=account.pk)
    return render(request, "marketplace_connectors/category_edit.html", {
        "account": account, "marketplace": sync.marketplace_name(account), "category": category, "form": form, "chosen": chosen,
        "attribute_fields": [form[f"attr_{a.external_id}"] for a in attributes],
    })


@owner_required
@require_GET
def match_list(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    return render(request, "marketplace_connectors/match_list.html", {
        "account": account, "matches": selectors.match_list(account=account),
    })


@owner_required
@require_POST
def match_choose(request, account_id: int, match_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    match = get_object_or_404(selectors.match_list(account=account), pk=match_id)
    with transaction.atomic():
        sync.listing_match_choose(account=account, match_id=match.pk)
    messages.success(request, _("Linked."))
    return redirect("marketplaces:match_list", account_id=account.pk)


@owner_required
@require_GET
def run_list(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    return render(request, "marketplace_connectors/run_list.html", {
        "account": account, "runs": selectors.run_list(account=account),
    })


@owner_required
@require_GET
def run_detail(request, account_id: int, run_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    run = selectors.run_get(account=account, run_id=run_id)
    return render(request, "marketplace_connectors/run_detail.html", {
        "account": account, "run": run, "listings": selectors.run_listings(run=run),
    })


@owner_required
@require_GET
def run_progress(request, account_id: int, run_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    run = selectors.run_get(account=account, run_id=run_id)
    return JsonResponse({
        "status": run.status, "status_label": run.get_status_display(), "total": run.total,
        "succeeded": run.succeeded, "failed": run.failed, "percent": run.percent,
        "finished": run.finished_at is not None,
        "listings": [
            {"id": b.pk, "status": b.status, "status_label": b.get_status_display(), "external_id": b.external_id,
             "error": b.last_error}
            for b in selectors.run_listings(run=run)
        ],
    })


@owner_required
def connect_keys(request, marketplace: str):
    """Connect a shop reached with API keys: the keys are proven with one call before anything is saved."""
    connector = _connector_or_404(marketplace)
    if not connector.supports(Capability.KEYS):
        raise Http404("This marketplace connects by authorisation")
    form = KeysConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_connect_with_keys(
                business=request.business, user=request.user, marketplace=marketplace,
                shop_url=form.cleaned_data["shop_url"], key=form.cleaned_data["key"], secret=form.cleaned_data["secret"])
        except EntitlementError as exc:
            form.add_error(None, str(exc))
        except services.ShopTakenError:
            form.add_error("shop_url", _("This shop is already connected to another business on the platform."))
        except AuthError:
            form.add_error(None, _("%(marketplace)s did not accept these keys. Check that you copied the consumer key "
                                   "and secret of a key with Read/Write access.") % {"marketplace": connector.display_name})
        except RetryableError:
            form.add_error(None, _("The shop did not answer. Check the address and try again in a few minutes."))
        except PermanentError as exc:
            form.add_error("shop_url", exc.message)
        else:
            messages.success(request, _("Shop %(shop)s is connected.") % {"shop": account.shop_name or account.external_shop_id})
            return redirect("marketplaces:listing_list", account_id=account.pk)
    return render(request, "marketplace_connectors/connect_keys.html", {"form": form, "connector": connector})


@owner_required
def account_settings(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    try:
        channels = services.shipping_channel_choices(account=account)
    except (ConnectorError, ImproperlyConfigured):
        channels = []  # the marketplace cannot be asked now: the buffer can still be changed
    form = AccountSettingsForm(request.POST or None, channels=channels, initial={
        "stock_buffer": account.stock_buffer, "logistics_channel_id": account.logistics_channel_id})
    if request.method == "POST" and form.is_valid():
        services.account_settings_update(account=account, stock_buffer=form.cleaned_data["stock_buffer"],
                                         logistics_channel_id=form.cleaned_data.get("logistics_channel_id"),
                                         user=request.user)
        messages.success(request, _("Saved. The shop's stock follows within a minute."))
        return redirect("marketplaces:account_settings", account_id=account.pk)
    return render(request, "marketplace_connectors/account_settings.html", {"account": account, "form": form})


@owner_required
@require_POST
def stock_push_now(request):
    """The impatient owner's button: push stock to every connected shop now."""
    order_sync.stock_push_business_soon(business_id=request.business.pk, manual=True)
    messages.success(request, _("Stock is being sent to every connected shop now."))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/") else "marketplaces:order_list")


@member_required
@require_GET
def order_list(request):
    codes = {c.code: c.display_name for c in connector_list()}
    marketplaces = sorted(codes.items(), key=lambda c: c[1])
    form = OrderFilterForm(request.GET or None, marketplaces=marketplaces, statuses=list(OrderStatus.choices))
    filters = form.cleaned_data if form.is_valid() else {}
    orders = selectors.order_list(business=request.business, marketplace=filters.get("marketplace", ""),
                                  status=filters.get("status", ""), oversold=bool(filters.get("oversold")))
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    for order in page.object_list:
        order.marketplace_name = codes.get(order.marketplace, order.marketplace)
    return render(request, "marketplace_connectors/order_list.html", {
        "form": form, "page": page, "orders": page.object_list,
        "oversold_count": selectors.order_oversold_count(business=request.business),
        "is_owner": request.membership.role == "owner",
    })


@member_required
@require_GET
def order_detail(request, order_id: int):
    order = selectors.order_get(business=request.business, order_id=order_id)
    return render(request, "marketplace_connectors/order_detail.html", {
        "order": order, "lines": order.lines.select_related("variant", "variant__product"),
        "history": order.status_changes.all(),
        "marketplace_name": {c.code: c.display_name for c in connector_list()}.get(order.marketplace, order.marketplace),
    })


@csrf_exempt
@require_POST
def push_receive(request, marketplace: str):
    """Push notifications from a marketplace. The signature is checked over the raw body; a forged push gets
    401 and changes nothing, a repeated one is acknowledged and ignored. Shopee wants an empty 2xx body."""
    try:
        connector = connector_get(marketplace)
    except KeyError:
        raise Http404("No such marketplace") from None
    if not connector.supports(Capability.PUSH):
        raise Http404("No push notifications for this marketplace")
    base = settings.MARKETPLACE_PUSH_BASE_URL.rstrip("/")
    url = f"{base}{request.path}" if base else request.build_absolute_uri(request.path)
    try:
        events = connector.verify_push(body=request.body, headers=request.headers, url=url)
    except PushRejected:
        logger.warning("push from %s refused: bad signature or shape", marketplace)
        return HttpResponse(status=401)
    with transaction.atomic():
        order_sync.push_events_accept(marketplace=marketplace, events=events)
    return HttpResponse(status=200)
