"""The owner's "Sales channels" screens. Views only orchestrate: reads via selectors, writes via
services and the synchronizers. Owners only (staff get 404), and every id is looked up within the current business."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.redirects import safe_redirect_target
from sme.billing.errors import EntitlementError
from sme.businesses.context import business_required
from sme.catalog.models import Category, Product, ProductStatus

from . import jobs, selectors, services
from .base import Capability, PushRejected
from .errors import AuthError, ConnectorError, PermanentError, RetryableError
from .forms import (
    AccountSettingsForm,
    CategoryMappingForm,
    KeysConnectForm,
    ListingSelectionForm,
    OrderFilterForm,
)
from .models import (
    AccountStatus,
    CategoryMapping,
    ListingAction,
    ListingBinding,
    ListingStatus,
    OrderStatus,
    SyncKind,
)
from .registry import connector_get, connector_list
from .sync import listings, metadata, orders
from .sync.metadata import MetadataNotCached
from .sync.owner_text import marketplace_name
from .sync.session import ShopSession

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
    accounts = list(selectors.account_list_for_business(business=request.business))
    names = {c.code: c.display_name for c in connector_list()}
    for account in accounts:
        account.marketplace_name = names.get(account.marketplace, account.marketplace)
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
    messages.success(request, _("“%(shop)s” is connected.") % {"shop": account.shop_name or account.external_shop_id})
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
        "actions_pending": sum(1 for _p, b in rows if b and b.pending_action), "marketplace": marketplace_name(account),
        "sandbox_order_page": selectors.account_sandbox_order_page(account=account,
                                                                   language=translation.get_language() or "vi"),
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
    # Only products the business sells (active in its catalog) go to a marketplace: a draft never does.
    product_ids = list(Product.objects.filter(business=request.business, status=ProductStatus.ACTIVE)
                       .values_list("pk", flat=True))
    form = ListingSelectionForm(request.POST, product_ids=product_ids)
    if not form.is_valid():
        messages.error(request, _("Tick at least one product that is active in your catalog."))
        return redirect("marketplaces:listing_list", account_id=account.pk)
    # The request only records the run: each product is checked (and its category looked up) by its task,
    # and what to fix shows on the run's page, so the request costs the same for 3 products or 300.
    selected = form.cleaned_data["product"]
    listings.listing_relist_prepare(account=account, product_ids=selected)
    run = listings.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=selected, user=request.user)
    messages.success(request, _("Publishing %(n)d product(s).") % {"n": run.total})
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def account_sync(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_list", account_id=account.pk)
    ids = ListingBinding.objects.filter(account=account).exclude(
        status__in=[ListingStatus.DELISTED, ListingStatus.PAUSED, ListingStatus.GONE]).values_list("pk", flat=True)
    run = listings.sync_run_start(account=account, kind=SyncKind.SYNC, binding_ids=ids, user=request.user)
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def listing_retry_failed(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_list", account_id=account.pk)
    ids = ListingBinding.objects.filter(account=account, status__in=[ListingStatus.FAILED, ListingStatus.REJECTED]
                                        ).values_list("pk", flat=True)
    run = listings.sync_run_start(account=account, kind=SyncKind.PUBLISH, binding_ids=ids, user=request.user)
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)


@owner_required
@require_POST
def listing_action(request, account_id: int, binding_id: int, action: str):
    """Delist, pause or resume: recorded here and done by a task (the marketplace is never called inside the
    request); the listings page shows the action under way and then its outcome."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    binding = get_object_or_404(ListingBinding.objects.select_related("product"), account=account, pk=binding_id)
    if action not in ListingAction.values:
        raise Http404("No such action")
    if not _active_or_message(request, account) or not binding.external_id:
        return redirect("marketplaces:listing_list", account_id=account.pk)
    names = {"name": binding.product.name, "marketplace": marketplace_name(account)}
    if listings.listing_action_request(binding=binding, action=action):
        asked = {
            ListingAction.DELIST: _("Removing “%(name)s” from %(marketplace)s. Its status below changes when "
                                    "%(marketplace)s has answered."),
            ListingAction.PAUSE: _("Hiding “%(name)s” on %(marketplace)s. Its status below changes when "
                                   "%(marketplace)s has answered."),
            ListingAction.RESUME: _("Putting “%(name)s” back on sale on %(marketplace)s. Its status below changes "
                                    "when %(marketplace)s has answered."),
        }[action]
        messages.info(request, asked % names)
    else:
        messages.warning(request, _("“%(name)s” is still waiting for %(marketplace)s to answer the previous request. "
                                    "Try again once it has.") % names)
    return redirect("marketplaces:listing_list", account_id=account.pk)


@owner_required
@require_GET
def listing_actions_pending(request, account_id: int):
    """For the listings page's polling: whether any delist, pause or resume of the shop is still under way."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    return JsonResponse({"pending": selectors.listing_actions_pending(account=account)})


@owner_required
@require_GET
def listing_delist_confirm(request, account_id: int, binding_id: int):
    """Delisting removes the product from the marketplace: the owner confirms it on a page of its own."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    binding = get_object_or_404(ListingBinding.objects.select_related("product"), account=account, pk=binding_id)
    if not binding.external_id or binding.status == ListingStatus.DELISTED:
        return redirect("marketplaces:listing_list", account_id=account.pk)
    return render(request, "marketplace_connectors/listing_delist_confirm.html", {
        "account": account, "binding": binding, "marketplace": marketplace_name(account),
    })


@owner_required
@require_GET
def category_list(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    used = Category.objects.filter(products__business=request.business).distinct()
    mappings = {m.category_id: m for m in CategoryMapping.objects.filter(account=account)}
    return render(request, "marketplace_connectors/category_list.html", {
        "account": account, "marketplace": marketplace_name(account), "rows": [(c, mappings.get(c.pk)) for c in used],
    })


def _category_data(account, chosen: str):
    """The category page's data from the shop's cache only: (tree, its attributes when ``chosen`` is a leaf).
    Raises MetadataNotCached (nothing is asked here)."""
    session = ShopSession(account)
    tree = metadata.category_tree(session=session, cached_only=True)
    leaf_ids = {n.external_id for n in tree if n.is_leaf}
    attributes = (metadata.category_attributes(session=session, category_id=chosen, cached_only=True)
                  if chosen in leaf_ids else [])
    return tree, attributes


@owner_required
def category_edit(request, account_id: int, category_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    category = get_object_or_404(Category, pk=category_id)
    mapping = CategoryMapping.objects.filter(account=account, category=category).first()
    chosen = (request.POST.get("external_category_id") or request.GET.get("external")
              or (mapping.external_category_id if mapping else ""))
    try:
        tree, attributes = _category_data(account, chosen)
    except MetadataNotCached:
        # a task fetches the marketplace's categories; the page says so and reloads once they are in (a
        # category picked in the form is kept in the address, so reloading never sends the form again)
        failed = listings.listing_metadata_has_failed(account=account)
        listings.listing_metadata_request(account=account, category_id=chosen)
        if request.method == "POST":
            url = reverse("marketplaces:category_edit", args=[account.pk, category.pk])
            return redirect(f"{url}?{urlencode({'external': chosen})}" if chosen else url)
        return render(request, "marketplace_connectors/category_edit.html", {
            "account": account, "marketplace": marketplace_name(account), "category": category, "form": None,
            "chosen": chosen, "loading": not failed, "loading_failed": failed,
            "loading_url": reverse("marketplaces:category_edit_loading", args=[account.pk, category.pk])
                           + (f"?{urlencode({'external': chosen})}" if chosen else ""),
        })
    except (RetryableError, AuthError):
        messages.error(request, _("%(marketplace)s did not answer. Try again in a moment.")
                       % {"marketplace": marketplace_name(account)})
        return redirect("marketplaces:category_list", account_id=account.pk)
    initial_values = mapping.attribute_values if mapping and mapping.external_category_id == chosen else {}
    data = request.POST if request.method == "POST" and "save" in request.POST else None
    form = CategoryMappingForm(data, tree=tree, attributes=attributes, initial_values=initial_values,
                               initial={"external_category_id": chosen}, marketplace=marketplace_name(account))
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
        "account": account, "marketplace": marketplace_name(account), "category": category, "form": form, "chosen": chosen,
        "attribute_fields": [form[f"attr_{a.external_id}"] for a in attributes],
    })


@owner_required
@require_GET
def category_edit_loading(request, account_id: int, category_id: int):
    """For the polling of a category page waiting for the marketplace's categories: whether they still load."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    get_object_or_404(Category, pk=category_id)
    try:
        _category_data(account, request.GET.get("external", "")[:64])
    except MetadataNotCached:
        return JsonResponse({"pending": not listings.listing_metadata_has_failed(account=account)})
    except (RetryableError, AuthError):
        pass
    return JsonResponse({"pending": False})


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
        listings.listing_match_choose(account=account, match_id=match.pk)
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
        "slow": selectors.run_is_slow(run=run),
    })


@owner_required
@require_GET
def run_progress(request, account_id: int, run_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    run = selectors.run_get(account=account, run_id=run_id)
    return JsonResponse({
        "status": run.status, "status_label": run.get_status_display(), "total": run.total,
        "succeeded": run.succeeded, "failed": run.failed, "percent": run.percent,
        "finished": run.finished_at is not None, "slow": selectors.run_is_slow(run=run),
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
            messages.success(request, _("“%(shop)s” is connected.") % {"shop": account.shop_name or account.external_shop_id})
            return redirect("marketplaces:listing_list", account_id=account.pk)
    return render(request, "marketplace_connectors/connect_keys.html", {"form": form, "connector": connector})


@owner_required
def account_settings(request, account_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    loading = False
    try:
        channels = metadata.shipping_channel_choices(account=account)
    except MetadataNotCached:
        # a task fetches them; the stock buffer can be changed meanwhile, the channel once they are in
        channels, loading = [], not listings.listing_metadata_has_failed(account=account)
        listings.listing_metadata_request(account=account)
    except (ConnectorError, ImproperlyConfigured):
        channels = []  # no connector for this marketplace here: the buffer can still be changed
    form = AccountSettingsForm(request.POST or None, channels=channels, initial={
        "stock_buffer": account.stock_buffer, "logistics_channel_id": account.logistics_channel_id})
    if request.method == "POST" and form.is_valid():
        services.account_settings_update(account=account, stock_buffer=form.cleaned_data["stock_buffer"],
                                         logistics_channel_id=form.cleaned_data.get("logistics_channel_id"),
                                         user=request.user)
        messages.success(request, _("Saved. The shop's stock follows within a minute."))
        return redirect("marketplaces:account_settings", account_id=account.pk)
    return render(request, "marketplace_connectors/account_settings.html", {
        "account": account, "form": form, "loading": loading, "marketplace": marketplace_name(account)})


@owner_required
@require_GET
def account_settings_loading(request, account_id: int):
    """For the polling of a shop settings page waiting for the shop's shipping channels."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    waiting = not metadata.shipping_channels_cached(account=account)
    return JsonResponse({"pending": waiting and not listings.listing_metadata_has_failed(account=account)})


@owner_required
@require_POST
def stock_push_now(request):
    """The impatient owner's button: push stock to every connected shop now."""
    jobs.stock_push_business_soon(business_id=request.business.pk, manual=True)
    messages.success(request, _("Stock is being sent to every connected shop now."))
    return redirect(safe_redirect_target(request=request, candidate=request.POST.get("next"),
                                         default=reverse("marketplaces:order_list")))


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
    notes = {c.code: c.order_status_notes for c in connector_list()}
    for order in page.object_list:
        order.marketplace_name = codes.get(order.marketplace, order.marketplace)
        order.status_note = notes.get(order.marketplace, {}).get(order.marketplace_status, "")
    return render(request, "marketplace_connectors/order_list.html", {
        "form": form, "page": page, "orders": page.object_list,
        "oversold_count": selectors.order_oversold_count(business=request.business),
        "is_owner": request.membership.role == "owner",
    })


@member_required
@require_GET
def order_detail(request, order_id: int):
    order = selectors.order_get(business=request.business, order_id=order_id)
    connector = next((c for c in connector_list() if c.code == order.marketplace), None)
    return render(request, "marketplace_connectors/order_detail.html", {
        "order": order, "lines": order.lines.select_related("variant", "variant__product"),
        "history": order.status_changes.all(),
        "marketplace_name": connector.display_name if connector else order.marketplace,
        "status_note": connector.order_status_notes.get(order.marketplace_status, "") if connector else "",
    })


@csrf_exempt
@require_POST
def push_receive(request, marketplace: str):
    """Push notifications from a marketplace. The signature is checked over the raw body; a forged push gets
    401 and changes nothing, a repeated one is acknowledged and ignored. Shopee wants an empty 2xx body.
    A marketplace that is unknown, does not push, or is not configured here (no app key or secret) is 404."""
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
    except ImproperlyConfigured:
        # No app key or secret for this marketplace here: no push can be verified, so there is no endpoint.
        logger.warning("push to %s, which is not configured here: 404", marketplace)
        raise Http404("No such marketplace") from None
    except PushRejected:
        logger.warning("push from %s refused: bad signature or shape", marketplace)
        return HttpResponse(status=401)
    with transaction.atomic():
        orders.push_events_accept(marketplace=marketplace, events=events)
    return HttpResponse(status=200)
