"""The synchronizers: publish/update one listing, start runs, link existing listings, delist and pause.

Work on a listing is claimed with a conditional UPDATE, so two workers never push the same product at
once. A create request is marked (``attempt_started_at``) before it leaves; while that mark is set the
next attempt looks the listing up by SKU first, so a retry, a timeout after the marketplace acted or a
worker killed mid-request never creates a second listing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from sme.catalog.models import Product

from . import services
from .base import Capability, ListingDraft, PriceStockUpdate, RemoteListing, ReviewState, ValidationProblem
from .drafts import listing_draft
from .errors import AmbiguousResultError, AuthError, PermanentError, RetryableError
from .models import (
    AccountStatus,
    ListingBinding,
    ListingMatch,
    ListingStatus,
    ListingStatusChange,
    MarketplaceAccount,
    SyncAttempt,
    SyncKind,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)

logger = logging.getLogger(__name__)

CLAIMABLE = (ListingStatus.PENDING, ListingStatus.FAILED, ListingStatus.LIVE, ListingStatus.REJECTED)

# Shopee business error codes -> what the owner should do (shown in their language).
KNOWN_ERRORS = {
    "error_less_required_attribute": lambda m: _("Shopee needs more category attributes: %(detail)s") % {"detail": m},
    "error_invalid_price": lambda m: _("Shopee refused the price: %(detail)s") % {"detail": m},
    "error_item_name_length": lambda m: _("Shopee refused the name length. Make the name 10 to 120 characters."),
    "error_description_length": lambda m: _("Shopee refused the description length. Write 100 to 3,000 characters."),
    "error_weight": lambda m: _("Shopee refused the weight. Check the package weight of each variant."),
    "error_logistic_info": lambda m: _("No shipping channel is enabled for the shop on Shopee."),
}


def error_for_owner(exc: Exception, *, marketplace: str = "") -> str:
    """What the owner reads about a failed call, in their language. Connectors that know their errors raise
    PermanentError with the owner's text already (Lazada, TikTok Shop, Tiki...); Shopee's codes are mapped
    here. ``marketplace`` is the name shown for everything else."""
    code = getattr(exc, "code", "") or ""
    message = getattr(exc, "message", "") or str(exc)
    for suffix, render in KNOWN_ERRORS.items():
        if code.endswith(suffix):
            return render(message)
    name = marketplace or _("The marketplace")
    if isinstance(exc, RetryableError):
        return _("%(marketplace)s did not answer in time; we tried several times. Press “Retry failed” to try "
                 "again.") % {"marketplace": name}
    if isinstance(exc, PermanentError) and not code.startswith("error_") and message:
        return message  # already written for the owner by the connector
    return _("%(marketplace)s refused the product: %(detail)s") % {"marketplace": name, "detail": message or code}


def marketplace_name(account: MarketplaceAccount) -> str:
    return services.account_connector(account=account).display_name


def problems_text(problems: Iterable[ValidationProblem]) -> str:
    return "\n".join(p.message for p in problems)


def listing_status_record(*, binding_id: int, status: str, reason: str = "") -> None:
    """Add to the listing's status history when ``status`` differs from the last one recorded (the
    intermediate "publishing" and "waiting" states are not history)."""
    if status in (ListingStatus.PUBLISHING, ListingStatus.PENDING):
        return
    last = (ListingStatusChange.objects.filter(listing_id=binding_id).order_by("-changed_at", "-pk")
            .values_list("new_status", flat=True).first())
    if last != status:
        ListingStatusChange.objects.create(listing_id=binding_id, old_status=last or "", new_status=status,
                                           reason=reason[:2000])


# --- drafts and validation ----------------------------------------------------------------------
def draft_for(*, account: MarketplaceAccount, product: Product, with_images: bool = False) -> tuple[ListingDraft, list, dict]:
    """The product's draft for the account, with its category's attributes and rules (cached)."""
    from .models import CategoryMapping

    mapping = None
    if product.category_id:
        mapping = CategoryMapping.objects.filter(account=account, category_id=product.category_id).first()
    category_id = mapping.external_category_id if mapping else ""
    leaf = True
    if category_id:
        node = next((n for n in services.category_tree(account=account) if n.external_id == category_id), None)
        leaf = bool(node and node.is_leaf)
    draft = listing_draft(account=account, product=product, mapping=mapping, category_is_leaf=leaf,
                          with_images=with_images)
    attributes = services.category_attributes(account=account, category_id=category_id) if category_id and leaf else []
    rules = services.listing_rules(account=account, category_id=category_id) if category_id and leaf else {}
    return draft, attributes, rules


def listing_validate(*, account: MarketplaceAccount, product: Product) -> list[ValidationProblem]:
    """Everything to fix before ``product`` can be published on ``account`` (empty: ready). No write
    call is made; cached category metadata may be fetched."""
    draft, attributes, rules = draft_for(account=account, product=product)
    problems = services.account_connector(account=account).validate(draft=draft, attributes=attributes, rules=rules)
    if not product.category_id:
        problems.insert(0, ValidationProblem(field="category", message=_("Choose a category for the product in the catalog.")))
    return problems


def listing_mark_invalid(*, account: MarketplaceAccount, product: Product, problems: list[ValidationProblem]) -> ListingBinding:
    """Record what the owner must fix before ``product`` can be published (no call was made)."""
    binding, _created = ListingBinding.objects.get_or_create(account=account, product=product)
    if binding.status not in (ListingStatus.LIVE, ListingStatus.PUBLISHING, ListingStatus.PAUSED):
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.FAILED, last_error=problems_text(problems))
    else:
        ListingBinding.objects.filter(pk=binding.pk).update(last_error=problems_text(problems))
    binding.refresh_from_db()
    return binding


# --- runs ---------------------------------------------------------------------------------------
def sync_run_start(*, account: MarketplaceAccount, kind: str, product_ids: Iterable[int] = (),
                   binding_ids: Iterable[int] = (), user: User | None = None) -> SyncRun:
    """Create a run for the products (new bindings made pending) and enqueue one task per listing on
    commit. Listings being published right now are left to finish, and so are listings another running run
    has queued and not yet handled (its task will push the product as it is then; taking them over would
    leave that run unfinished)."""
    from .tasks import listing_publish_task

    with transaction.atomic():
        run = SyncRun.objects.create(account=account, kind=kind, started_by=user)
        ids: list[int] = []
        products = Product.objects.filter(business=account.business, pk__in=list(product_ids))
        for product in products:
            binding, _created = ListingBinding.objects.get_or_create(account=account, product=product)
            ids.append(binding.pk)
        ids.extend(ListingBinding.objects.filter(account=account, pk__in=list(binding_ids)).values_list("pk", flat=True))
        ids = sorted(set(ids))
        queued = ListingBinding.objects.filter(pk__in=ids).exclude(status=ListingStatus.PUBLISHING)
        queued = queued.exclude(status__in=(ListingStatus.DELISTED, ListingStatus.UNDER_REVIEW))
        handled_in_its_run = SyncAttempt.objects.filter(run_id=OuterRef("sync_run_id"), listing_id=OuterRef("pk"))
        queued = queued.exclude(Q(sync_run__status=SyncRunStatus.RUNNING) & (
            Q(status=ListingStatus.PENDING) | Q(status=ListingStatus.LIVE) & ~Exists(handled_in_its_run)))
        queued_ids = list(queued.values_list("pk", flat=True))
        ListingBinding.objects.filter(pk__in=queued_ids).exclude(status=ListingStatus.LIVE).update(
            status=ListingStatus.PENDING, sync_run=run, last_error="", updated_at=timezone.now())
        ListingBinding.objects.filter(pk__in=queued_ids, status=ListingStatus.LIVE).update(sync_run=run)
        run.total = len(queued_ids)
        if not queued_ids:
            run.status = SyncRunStatus.DONE
            run.finished_at = timezone.now()
        run.save()
        for binding_id in queued_ids:
            transaction.on_commit(lambda b=binding_id: listing_publish_task.delay(b))
    return run


def _run_count(binding: ListingBinding, *, ok: bool) -> None:
    if binding.sync_run_id is None:
        return
    field = "succeeded" if ok else "failed"
    SyncRun.objects.filter(pk=binding.sync_run_id).update(**{field: F(field) + 1})
    run = SyncRun.objects.get(pk=binding.sync_run_id)
    if run.status == SyncRunStatus.RUNNING and run.done >= run.total:
        status = SyncRunStatus.DONE if not run.failed else SyncRunStatus.DONE_WITH_ERRORS
        SyncRun.objects.filter(pk=run.pk, status=SyncRunStatus.RUNNING).update(status=status, finished_at=timezone.now())
    MarketplaceAccount.objects.filter(pk=binding.account_id).update(last_sync_at=timezone.now())


def _attempt(binding: ListingBinding, *, outcome: str, message: str = "", calls: int = 0) -> None:
    SyncAttempt.objects.create(run_id=binding.sync_run_id, account_id=binding.account_id, listing=binding,
                               kind=SyncKind.PUBLISH, outcome=outcome, message=message[:2000], calls=calls)


# --- one listing --------------------------------------------------------------------------------
def listing_claim(*, binding_id: int) -> bool:
    """Take the listing for this worker: True when claimed. A claim older than the stale limit (its worker
    died) may be taken over."""
    stale = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS)
    claimable = Q(status__in=CLAIMABLE) | Q(status=ListingStatus.PUBLISHING, claimed_at__lt=stale)
    return bool(
        ListingBinding.objects.filter(claimable, pk=binding_id, account__status=AccountStatus.ACTIVE)
        .update(status=ListingStatus.PUBLISHING, claimed_at=timezone.now(), attempts=F("attempts") + 1)
    )


def listing_publish(*, binding_id: int, final_attempt: bool = False) -> str:
    """Publish (or bring up to date) one listing. Returns the resulting status.

    Raises RetryableError to be retried (unless ``final_attempt``: then the listing is marked failed).
    Permanent errors are recorded on the listing; AuthError pauses the account. Idempotent.
    """
    if not listing_claim(binding_id=binding_id):
        return "skipped"
    binding = ListingBinding.objects.select_related("account", "account__connected_by", "product").get(pk=binding_id)
    with translation.override(owner_language(binding.account)):
        return _publish_claimed(binding, final_attempt=final_attempt)


def owner_language(account: MarketplaceAccount) -> str:
    """Errors are stored in the language of the owner who connected the shop (Vietnamese by default)."""
    user = account.connected_by
    return (getattr(user, "preferred_language", "") if user else "") or settings.LANGUAGE_CODE


def _publish_claimed(binding: ListingBinding, *, final_attempt: bool) -> str:
    account = binding.account
    connector = services.account_connector(account=account)
    try:
        draft, attributes, rules = draft_for(account=account, product=binding.product, with_images=True)
        problems = connector.validate(draft=draft, attributes=attributes, rules=rules)
        if problems:
            _finish(binding, status=ListingStatus.FAILED, error=problems_text(problems))
            return ListingStatus.FAILED
        _push(binding, draft=draft, attributes=attributes)
    except AuthError as exc:
        services.account_mark_needs_reauth(account_id=account.pk)
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.PENDING, claimed_at=None)
        _attempt(binding, outcome=SyncAttempt.Outcome.AUTH, message=exc.code)
        return ListingStatus.PENDING
    except RetryableError as exc:
        if final_attempt:
            _finish(binding, status=ListingStatus.FAILED, error=error_for_owner(exc, marketplace=marketplace_name(account)))
            return ListingStatus.FAILED
        _attempt(binding, outcome=SyncAttempt.Outcome.RETRY, message=exc.code or str(exc))
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.PENDING, claimed_at=None)
        raise
    except PermanentError as exc:
        _finish(binding, status=ListingStatus.REJECTED, error=error_for_owner(exc, marketplace=marketplace_name(account)))
        return ListingStatus.REJECTED
    return ListingStatus.LIVE


def _finish(binding: ListingBinding, *, status: str, error: str = "") -> None:
    ListingBinding.objects.filter(pk=binding.pk).update(status=status, last_error=error, claimed_at=None,
                                                        last_synced_at=timezone.now())
    listing_status_record(binding_id=binding.pk, status=status, reason=error)
    _attempt(binding, outcome=SyncAttempt.Outcome.OK if status == ListingStatus.LIVE else SyncAttempt.Outcome.FAILED,
             message=error)
    _run_count(binding, ok=status == ListingStatus.LIVE)


def _forget_attempt(binding: ListingBinding, uploaded: dict[str, str]) -> None:
    """The create request was definitely refused: no lookup is needed before the next one."""
    updates = {"image_ids": uploaded}
    if not binding.external_id:
        updates["attempt_started_at"] = None
    ListingBinding.objects.filter(pk=binding.pk).update(**updates)


def _link(binding: ListingBinding, remote: RemoteListing) -> None:
    ListingBinding.objects.filter(pk=binding.pk).update(external_id=remote.external_id, attempt_started_at=None)
    binding.external_id = remote.external_id
    binding.attempt_started_at = None


def _push(binding: ListingBinding, *, draft: ListingDraft, attributes: list) -> None:
    account = binding.account
    connector = services.account_connector(account=account)
    uploaded = dict(binding.image_ids or {})
    content_hash = connector.fingerprint(draft=draft, attributes=attributes)
    if not binding.external_id and binding.attempt_started_at is not None:
        # An earlier create may have reached the marketplace: look before creating again.
        found = services.with_fresh_token(account=account, call=lambda c: connector.find_by_sku(
            credentials=c, sku=draft.sku, since=binding.attempt_started_at))
        if len(found) > 1:
            raise PermanentError(_("Several listings on the shop have this SKU; choose one under “Existing listings”."),
                                 code="ambiguous_sku")
        if found:
            _link(binding, found[0])
    if not binding.external_id:

        def before_create() -> None:
            now = timezone.now()
            ListingBinding.objects.filter(pk=binding.pk).update(attempt_started_at=now, image_ids=uploaded)
            binding.attempt_started_at = now

        def created(external_id: str) -> None:
            ListingBinding.objects.filter(pk=binding.pk).update(external_id=external_id, image_ids=uploaded)
            binding.external_id = external_id

        def publish_or_finish(c):
            # with_fresh_token repeats this after a token refresh: never create twice.
            if binding.external_id:
                return connector.update(credentials=c, external_id=binding.external_id, draft=draft,
                                        variant_ids_by_sku={}, uploaded_images=uploaded, attributes=attributes,
                                        push_item=False)
            return connector.publish(credentials=c, draft=draft, uploaded_images=uploaded, on_created=created,
                                     before_create=before_create, attributes=attributes)

        try:
            result = services.with_fresh_token(account=account, call=publish_or_finish)
        except PermanentError as exc:
            _forget_attempt(binding, uploaded)
            if not exc.code.endswith("repeated_mtsku"):
                raise
            found = services.with_fresh_token(account=account, call=lambda c: connector.find_by_sku(credentials=c, sku=draft.sku))
            if len(found) != 1:
                raise
            _link(binding, found[0])
            result = None
        except AmbiguousResultError:
            ListingBinding.objects.filter(pk=binding.pk).update(image_ids=uploaded)  # keep the mark: look first
            raise
        except RetryableError:
            _forget_attempt(binding, uploaded)  # a definite refusal (429, 5xx): nothing was created
            raise
        if result is not None:
            _store_result(binding, draft, result.variant_ids_by_sku, uploaded, content_hash, review=result.review,
                          review_reason=result.review_reason)
            return
    known = dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id"))
    push_item = binding.payload_hash != content_hash
    result = services.with_fresh_token(account=account, call=lambda c: connector.update(
        credentials=c, external_id=binding.external_id, draft=draft, variant_ids_by_sku=known,
        uploaded_images=uploaded, attributes=attributes, push_item=push_item))
    ids = result.variant_ids_by_sku
    failed = _price_stock(binding, draft, ids)
    _store_result(binding, draft, ids, uploaded, content_hash, failed=failed)


def _price_stock(binding: ListingBinding, draft: ListingDraft, ids: dict[str, str]) -> dict[str, str]:
    """Push only the prices and stock that differ from what was last pushed, batched by the connector.
    Returns {sku: reason} for the variants the marketplace refused (the others are done)."""
    connector = services.account_connector(account=binding.account)
    if not connector.supports(Capability.PRICE_STOCK):
        return {}
    last = {vb.variant_id: vb for vb in VariantBinding.objects.filter(listing=binding)}
    updates = []
    for v in draft.variants:
        if v.sku not in ids:
            continue
        previous = last.get(v.variant_id)
        price = None if previous and previous.last_price_vnd == v.price_vnd else v.price_vnd
        stock = None if previous and previous.last_stock == v.stock else v.stock
        if price is not None or stock is not None:
            updates.append(PriceStockUpdate(external_variant_id=ids[v.sku], price_vnd=price, stock=stock))
    if not updates:
        return {}
    outcome = services.with_fresh_token(account=binding.account, call=lambda c: connector.update_price_stock(
        credentials=c, external_id=binding.external_id, updates=updates))
    by_external = {ids[v.sku]: v.sku for v in draft.variants if v.sku in ids}
    return {by_external.get(k, k): reason for k, reason in outcome.failed.items()}


@transaction.atomic
def _store_result(binding: ListingBinding, draft: ListingDraft, ids: dict[str, str], uploaded: dict[str, str],
                  content_hash: str, *, failed: dict[str, str] | None = None, review: str = ReviewState.LIVE,
                  review_reason: str = "") -> None:
    """Record the pushed state per variant; variants the marketplace refused keep their previous values
    and get the reason, and the listing shows which ones to check. A listing the marketplace audits first
    stays "under review" until ``listing_review_check`` sees the decision."""
    failed = failed or {}
    for v in draft.variants:
        if v.sku not in ids:
            continue
        defaults = {"listing": binding, "external_id": ids[v.sku], "last_error": failed.get(v.sku, "")}
        if v.sku not in failed:
            defaults.update(last_price_vnd=v.price_vnd, last_stock=v.stock)
        VariantBinding.objects.update_or_create(account=binding.account, variant_id=v.variant_id, defaults=defaults)
    now = timezone.now()
    error = ""
    if failed:
        detail = "; ".join(f"{sku}: {reason}" for sku, reason in sorted(failed.items()))
        error = _("%(marketplace)s refused the price or stock of some variants: %(detail)s") % {
            "marketplace": marketplace_name(binding.account), "detail": detail}
    status = ListingStatus.REJECTED if failed else ListingStatus.LIVE
    if review == ReviewState.UNDER_REVIEW and not failed:
        status = ListingStatus.UNDER_REVIEW
    elif review == ReviewState.REJECTED:
        status, error = ListingStatus.REJECTED, review_rejection_text(binding.account, review_reason)
    ListingBinding.objects.filter(pk=binding.pk).update(
        status=status, payload_hash=content_hash,
        image_ids=uploaded, last_error=error, claimed_at=None, attempt_started_at=None, last_synced_at=now,
        published_at=(binding.published_at or now) if status == ListingStatus.LIVE else binding.published_at,
    )
    listing_status_record(binding_id=binding.pk, status=status, reason=error)
    _attempt(binding, outcome=SyncAttempt.Outcome.FAILED if failed else SyncAttempt.Outcome.OK, message=error)
    _run_count(binding, ok=not failed)


# --- recovery -----------------------------------------------------------------------------------
def listings_requeue_stale() -> int:
    """Enqueue again listings whose worker died (claim older than the stale limit) or whose task was lost
    (pending in a running run for longer than the stale limit). Returns how many were enqueued."""
    from .tasks import listing_publish_task

    stale = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS)
    ids = list(
        ListingBinding.objects.filter(account__status=AccountStatus.ACTIVE)
        .filter(Q(status=ListingStatus.PUBLISHING, claimed_at__lt=stale)
                | Q(status=ListingStatus.PENDING, sync_run__status=SyncRunStatus.RUNNING, updated_at__lt=stale))
        .values_list("pk", flat=True)
    )
    for binding_id in ids:
        transaction.on_commit(lambda b=binding_id: listing_publish_task.delay(b))
    return len(ids)


# --- linking existing listings ------------------------------------------------------------------
def account_link_existing(*, account: MarketplaceAccount) -> dict[str, int]:
    """Link listings already on the shop to our products by SKU. A unique match becomes a live binding;
    several candidates are kept as ListingMatch rows for the owner to choose. Returns counts."""
    connector = services.account_connector(account=account)
    remote = services.with_fresh_token(account=account, call=lambda c: connector.remote_listings(credentials=c))
    bound_external = set(ListingBinding.objects.filter(account=account).exclude(external_id="").values_list("external_id", flat=True))
    remote = [r for r in remote if r.external_id not in bound_external]
    products = Product.objects.filter(business=account.business).prefetch_related("variants")
    bound_products = set(ListingBinding.objects.filter(account=account).exclude(external_id="").values_list("product_id", flat=True))
    candidates: dict[int, list[RemoteListing]] = {}
    claimed_by: dict[str, list[int]] = {}
    for product in products:
        if product.pk in bound_products:
            continue
        skus = {v.sku for v in product.variants.all()} | {product.key}
        found = [r for r in remote if r.sku in skus or skus & set(r.variant_ids_by_sku)]
        if found:
            candidates[product.pk] = found
            for r in found:
                claimed_by.setdefault(r.external_id, []).append(product.pk)
    linked = ambiguous = 0
    with transaction.atomic():
        for product_id, found in candidates.items():
            ListingMatch.objects.filter(account=account, product_id=product_id).delete()
            if len(found) == 1 and len(claimed_by[found[0].external_id]) == 1:
                listing_link(account=account, product_id=product_id, remote=found[0])
                linked += 1
            else:
                for r in found:
                    ListingMatch.objects.create(account=account, product_id=product_id, external_id=r.external_id,
                                                external_sku=r.sku, external_name=r.name,
                                                variant_ids_by_sku=r.variant_ids_by_sku)
                ambiguous += 1
    return {"linked": linked, "ambiguous": ambiguous}


def listing_link(*, account: MarketplaceAccount, product_id: int, remote: RemoteListing) -> ListingBinding:
    """Bind ``product_id`` to an existing listing (the next sync pushes our data to it)."""
    product = Product.objects.get(business=account.business, pk=product_id)
    binding, _created = ListingBinding.objects.update_or_create(
        account=account, product=product,
        defaults={"external_id": remote.external_id, "status": ListingStatus.LIVE, "payload_hash": "",
                  "last_error": "", "attempt_started_at": None, "published_at": timezone.now()},
    )
    for variant in product.variants.all():
        external = remote.variant_ids_by_sku.get(variant.sku) or ("0" if remote.sku == variant.sku else "")
        if external:
            VariantBinding.objects.update_or_create(account=account, variant=variant,
                                                   defaults={"listing": binding, "external_id": external})
    ListingMatch.objects.filter(account=account, product=product).delete()
    listing_status_record(binding_id=binding.pk, status=ListingStatus.LIVE)
    return binding


def listing_match_choose(*, account: MarketplaceAccount, match_id: int) -> ListingBinding:
    match = ListingMatch.objects.get(account=account, pk=match_id)
    remote = RemoteListing(external_id=match.external_id, sku=match.external_sku, status="", name=match.external_name,
                           variant_ids_by_sku=match.variant_ids_by_sku)
    return listing_link(account=account, product_id=match.product_id, remote=remote)


# --- delist and pause ---------------------------------------------------------------------------
def listing_delist(*, binding: ListingBinding) -> None:
    """Remove the listing from the marketplace (idempotent); the binding stays as history."""
    connector = services.account_connector(account=binding.account)
    if binding.external_id:
        services.with_fresh_token(account=binding.account, call=lambda c: connector.delist(
            credentials=c, external_id=binding.external_id))
    ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.DELISTED, last_synced_at=timezone.now())
    listing_status_record(binding_id=binding.pk, status=ListingStatus.DELISTED)


def listing_pause(*, binding: ListingBinding, paused: bool) -> None:
    connector = services.account_connector(account=binding.account)
    services.with_fresh_token(account=binding.account, call=lambda c: connector.pause(
        credentials=c, external_id=binding.external_id, paused=paused))
    status = ListingStatus.PAUSED if paused else ListingStatus.LIVE
    ListingBinding.objects.filter(pk=binding.pk).update(status=status, last_synced_at=timezone.now())
    listing_status_record(binding_id=binding.pk, status=status)


# --- audits (marketplaces that review new listings) --------------------------------------------
def review_rejection_text(account: MarketplaceAccount, reason: str) -> str:
    name = services.account_connector(account=account).display_name
    if reason:
        return _("%(marketplace)s rejected the listing: %(reason)s") % {"marketplace": name, "reason": reason}
    return _("%(marketplace)s rejected the listing without giving a reason.") % {"marketplace": name}


def listing_review_check(*, binding_id: int) -> str:
    """Ask the marketplace where a listing under review stands and record the decision: live (with its
    final ids, when the marketplace gives new ones) or rejected with the reason. Returns the status."""
    binding = ListingBinding.objects.select_related("account", "account__connected_by").get(pk=binding_id)
    if binding.status != ListingStatus.UNDER_REVIEW or not binding.external_id:
        return binding.status
    account = binding.account
    connector = services.account_connector(account=account)
    try:
        answer = services.with_fresh_token(account=account, call=lambda c: connector.review_status(
            credentials=c, external_id=binding.external_id))
    except AuthError:
        services.account_mark_needs_reauth(account_id=account.pk)
        return binding.status
    if answer.state == ReviewState.UNDER_REVIEW:
        ListingBinding.objects.filter(pk=binding.pk).update(last_synced_at=timezone.now())
        return ListingStatus.UNDER_REVIEW
    now = timezone.now()
    with transaction.atomic(), translation.override(owner_language(account)):
        if answer.state == ReviewState.REJECTED:
            error = review_rejection_text(account, answer.reason)
            ListingBinding.objects.filter(pk=binding.pk, status=ListingStatus.UNDER_REVIEW).update(
                status=ListingStatus.REJECTED, last_error=error, last_synced_at=now)
            listing_status_record(binding_id=binding.pk, status=ListingStatus.REJECTED, reason=error)
            return ListingStatus.REJECTED
        updates = {"status": ListingStatus.LIVE, "last_error": "", "last_synced_at": now,
                   "published_at": binding.published_at or now}
        if answer.external_id:
            updates["external_id"] = answer.external_id
        ListingBinding.objects.filter(pk=binding.pk, status=ListingStatus.UNDER_REVIEW).update(**updates)
        if answer.variant_ids_by_sku:
            for variant in binding.product.variants.all():
                external = answer.variant_ids_by_sku.get(variant.sku)
                if external:
                    VariantBinding.objects.update_or_create(account=account, variant=variant,
                                                           defaults={"listing": binding, "external_id": external})
        listing_status_record(binding_id=binding.pk, status=ListingStatus.LIVE)
    from .order_sync import stock_push_business_soon

    stock_push_business_soon(business_id=account.business_id)
    return ListingStatus.LIVE


def listings_under_review() -> list[int]:
    """Listings waiting for a marketplace's audit, least recently checked first (the poll's work list)."""
    return list(ListingBinding.objects.filter(status=ListingStatus.UNDER_REVIEW, account__status=AccountStatus.ACTIVE)
                .order_by(F("last_synced_at").asc(nulls_first=True)).values_list("pk", flat=True)[:500])


# --- plan limits (a lapsed payment) ------------------------------------------------------------
def listings_enforce_plan(*, business_id: int) -> dict[str, int]:
    """Pause the business's live listings its plan no longer covers, and resume those paused for that
    reason once it does again. Nothing is deleted or delisted. Shops are kept in the order they were
    connected and products in the order they were first published: the earliest stay live.

    Returns how many listings were paused and resumed; a listing the marketplace could not reach now is
    left for the next run."""
    from sme.billing.selectors import business_plan_limits
    from sme.businesses.models import Business

    business = Business.objects.get(pk=business_id)
    limits = business_plan_limits(business=business)
    accounts = list(MarketplaceAccount.objects.filter(business=business, status=AccountStatus.ACTIVE)
                    .order_by(F("connected_at").asc(nulls_last=True), "pk"))
    kept_accounts = {a.pk for a in (accounts if limits.max_marketplaces is None else accounts[:limits.max_marketplaces])}
    bindings = list(ListingBinding.objects.filter(account__in=accounts)
                    .filter(Q(status=ListingStatus.LIVE) | Q(paused_for_plan=True))
                    .select_related("account").order_by(F("published_at").asc(nulls_last=True), "pk"))
    kept_products: list[int] = []
    for binding in bindings:
        if binding.account_id in kept_accounts and binding.product_id not in kept_products:
            kept_products.append(binding.product_id)
    if limits.max_active_products is not None:
        kept_products = kept_products[:limits.max_active_products]
    paused = resumed = 0
    for binding in bindings:
        covered = binding.account_id in kept_accounts and binding.product_id in kept_products
        try:
            if not covered and binding.status == ListingStatus.LIVE:
                listing_pause(binding=binding, paused=True)
                ListingBinding.objects.filter(pk=binding.pk).update(paused_for_plan=True)
                paused += 1
            elif covered and binding.paused_for_plan:
                if binding.status == ListingStatus.PAUSED:
                    listing_pause(binding=binding, paused=False)
                ListingBinding.objects.filter(pk=binding.pk).update(paused_for_plan=False)
                resumed += 1
        except (RetryableError, AuthError, PermanentError) as exc:
            logger.warning("plan enforcement: listing %s left for the next run (%s)", binding.pk, exc)
    return {"paused": paused, "resumed": resumed}


def businesses_with_listings() -> list[int]:
    """Businesses with a live listing or one paused for their plan (the enforcement's work list)."""
    return list(ListingBinding.objects.filter(account__status=AccountStatus.ACTIVE)
                .filter(Q(status=ListingStatus.LIVE) | Q(paused_for_plan=True))
                .order_by().values_list("account__business_id", flat=True).distinct())
