"""The owner's "Sales channels" screens. Views only orchestrate: reads via selectors, writes via
services/sync. Owners only (staff get 404), and every id is looked up within the current business."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sme.billing.errors import EntitlementError
from sme.businesses.context import business_required
from sme.catalog.models import Category, Product

from . import selectors, services, sync
from .errors import AuthError, ConnectorError, PermanentError, RetryableError
from .forms import CategoryMappingForm, ListingSelectionForm
from .models import AccountStatus, CategoryMapping, ListingBinding, ListingStatus, SyncKind
from .registry import connector_get, connector_list

owner_required = business_required(owner_only=True)


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
    params = {k: request.GET.get(k, "") for k in ("code", "shop_id")}
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
        messages.error(request, _("Shopee did not answer while checking the products. Try again in a moment.")
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
        messages.error(request, sync.error_for_owner(exc))
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
        "account": account, "rows": [(c, mappings.get(c.pk)) for c in used],
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
        messages.error(request, _("Shopee did not answer. Try again in a moment."))
        return redirect("marketplaces:category_list", account_id=account.pk)
    initial_values = mapping.attribute_values if mapping and mapping.external_category_id == chosen else {}
    data = request.POST if request.method == "POST" and "save" in request.POST else None
    form = CategoryMappingForm(data, tree=tree, attributes=attributes, initial_values=initial_values,
                               initial={"external_category_id": chosen})
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
        "account": account, "category": category, "form": form, "chosen": chosen,
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
