"""The publish step of one product on one shop (issue 18): its marketplace category, pre-selected from the
marketplace's own recommendation for the product's name where its API has one, the category's required
details, the "ready to publish" checklist, and Publish once nothing is missing. Views only orchestrate;
owners only, every id looked up within the current business."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sme.catalog.selectors import product_get

from . import readiness, selectors, services
from .errors import AuthError, PermanentError, RetryableError
from .forms import CategoryMappingForm
from .models import AccountStatus, CategoryMapping, SyncKind
from .sync import listings, metadata
from .sync.metadata import MetadataNotCached
from .sync.owner_text import marketplace_name
from .sync.session import ShopSession
from .views import _active_or_message, owner_required


def _category_choice(account, product, *, posted: str = ""):
    """The publish step's category data, from the shop's cache only: (tree, chosen category, whether it is
    the marketplace's recommendation, its attributes). Raises MetadataNotCached (nothing is asked here)."""
    mapping = CategoryMapping.objects.filter(account=account, category_id=product.category_id).first()
    session = ShopSession(account)
    tree = metadata.category_tree(session=session, cached_only=True)
    chosen = posted or (mapping.external_category_id if mapping else "")
    recommended = False
    if not chosen:
        chosen = metadata.category_recommendation(session=session, name=product.name, cached_only=True)
        recommended = bool(chosen)
    leaf_ids = {n.external_id for n in tree if n.is_leaf}
    attributes = (metadata.category_attributes(session=session, category_id=chosen, cached_only=True)
                  if chosen in leaf_ids else [])
    return mapping, tree, chosen, recommended, attributes


@owner_required
def listing_prepare(request, account_id: int, product_id: int):
    account = selectors.account_get(business=request.business, account_id=account_id)
    product = product_get(business=request.business, product_id=product_id)
    marketplace = marketplace_name(account)
    if request.method == "POST" and "publish" in request.POST:
        return _publish(request, account, product)
    form, attribute_fields, recommended, loading, failed, posted = None, [], False, False, False, ""
    if product.category_id and _active_or_message(request, account):
        posted = (request.POST.get("external_category_id") or request.GET.get("external", ""))[:64]
        try:
            mapping, tree, chosen, recommended, attributes = _category_choice(account, product, posted=posted)
        except MetadataNotCached:
            # the marketplace's categories are fetched by a task: the page says so and reloads when they are in
            # (a category picked in the form is kept in the address, so reloading never sends the form again)
            failed = listings.listing_metadata_has_failed(account=account)
            loading = not failed
            listings.listing_metadata_request(account=account, product_id=product.pk, category_id=posted)
            if request.method == "POST":
                url = reverse("marketplaces:listing_prepare", args=[account.pk, product.pk])
                return redirect(f"{url}?{urlencode({'external': posted})}" if posted else url)
        except (RetryableError, AuthError):
            messages.error(request, _("%(marketplace)s did not answer. Try again in a moment.") % {"marketplace": marketplace})
            return redirect("marketplaces:listing_list", account_id=account.pk)
        else:
            initial_values = mapping.attribute_values if mapping and mapping.external_category_id == chosen else {}
            data = request.POST if request.method == "POST" and "save" in request.POST else None
            form = CategoryMappingForm(data, tree=tree, attributes=attributes, initial_values=initial_values,
                                       initial={"external_category_id": chosen}, marketplace=marketplace)
            if data is not None and form.is_valid():
                try:
                    services.category_mapping_set(account=account, category=product.category,
                                                  external_category_id=form.cleaned_data["external_category_id"],
                                                  attribute_values=form.attribute_values())
                except PermanentError as exc:
                    form.add_error("external_category_id", exc.message)
                else:
                    messages.success(request, _("Category saved."))
                    return redirect("marketplaces:listing_prepare", account_id=account.pk, product_id=product.pk)
            attribute_fields = [form[f"attr_{a.external_id}"] for a in attributes]
    check = readiness.product_readiness(account=account, product=product)
    readiness.product_readiness_fetch_missing(checks=[check])
    return render(request, "marketplace_connectors/listing_prepare.html", {
        "account": account, "product": product, "marketplace": marketplace, "form": form,
        "attribute_fields": attribute_fields, "recommended": recommended, "readiness": check,
        "loading": loading or check.loading, "loading_failed": failed,
        "loading_url": reverse("marketplaces:listing_prepare_loading", args=[account.pk, product.pk])
                       + (f"?{urlencode({'external': posted})}" if product.category_id and posted else ""),
    })


@owner_required
@require_GET
def listing_prepare_loading(request, account_id: int, product_id: int):
    """For the polling of a publish step or a product page waiting for the marketplace's categories: whether
    they are still loading and, once they are in, the product's checklist for the shop (HTML)."""
    account = selectors.account_get(business=request.business, account_id=account_id)
    product = product_get(business=request.business, product_id=product_id)
    check = readiness.product_readiness(account=account, product=product)
    pending = check.loading
    if not pending and product.category_id and account.status == AccountStatus.ACTIVE:
        try:
            _category_choice(account, product, posted=request.GET.get("external", "")[:64])
        except MetadataNotCached:
            pending = not listings.listing_metadata_has_failed(account=account)
        except (RetryableError, AuthError):
            pending = False
    html = "" if pending else render_to_string("marketplace_connectors/includes/readiness.html",
                                               {"readiness": check, "poll": True}, request=request)
    return JsonResponse({"pending": pending, "html": html})


def _publish(request, account, product):
    """Publish when the checklist is empty; otherwise show the checklist again (nothing is sent)."""
    if not _active_or_message(request, account):
        return redirect("marketplaces:listing_prepare", account_id=account.pk, product_id=product.pk)
    check = readiness.product_readiness(account=account, product=product)
    if check.loading:
        readiness.product_readiness_fetch_missing(checks=[check])
        messages.info(request, _("%(marketplace)s's categories are still loading. Publish once the list below is "
                                 "complete.") % {"marketplace": check.marketplace})
        return redirect("marketplaces:listing_prepare", account_id=account.pk, product_id=product.pk)
    if not check.ready:
        messages.error(request, _("Add what the list below asks for first."))
        return redirect("marketplaces:listing_prepare", account_id=account.pk, product_id=product.pk)
    listings.listing_relist_prepare(account=account, product_ids=[product.pk])
    run = listings.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[product.pk], user=request.user)
    messages.success(request, _("Publishing %(n)d product(s).") % {"n": 1})
    return redirect("marketplaces:run_detail", account_id=account.pk, run_id=run.pk)
