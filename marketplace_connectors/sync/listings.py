"""The listings synchronizer: publish or bring up to date one listing, start runs, delist, pause, audits.

Work on a listing is claimed with a conditional UPDATE, so two workers never push the same product at
once. A create request is marked (``attempt_started_at``) before it leaves; while that mark is set the
next attempt looks the listing up by SKU first, so a retry, a timeout after the marketplace acted or a
worker killed mid-request never creates a second listing.

A publish goes down in one direction: the owner's button records a run (``sync_run_start``, a fixed
number of queries whatever the number of products) -> one task per listing (``listing_publish``) builds the
draft once, validates it once and pushes it through the shop session -> the connector -> the client.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from sme.catalog.models import Product

from ..base import (
    AttributeSpec,
    Capability,
    ListingDraft,
    PriceStockUpdate,
    PublishResult,
    RemoteListing,
    ReviewState,
    ValidationProblem,
)
from ..drafts import listing_draft
from ..errors import AmbiguousResultError, AuthError, PermanentError, RetryableError
from ..jobs import (
    listing_action_enqueue,
    listing_metadata_fetch_enqueue,
    listing_publish_enqueue,
    stock_push_business_soon,
)
from ..models import (
    AccountStatus,
    CategoryCache,
    CategoryMapping,
    ListingAction,
    ListingBinding,
    ListingMatch,
    ListingStatus,
    MarketplaceAccount,
    SyncAttempt,
    SyncKind,
    SyncRun,
    SyncRunStatus,
    VariantBinding,
)
from . import metadata
from .owner_text import (
    error_for_owner,
    listing_status_record,
    marketplace_name,
    owner_language,
    problems_text,
    review_rejection_text,
)
from .session import ShopSession, account_connector, account_mark_needs_reauth

logger = logging.getLogger(__name__)

CLAIMABLE = (ListingStatus.PENDING, ListingStatus.FAILED, ListingStatus.LIVE, ListingStatus.REJECTED)


# --- drafts and validation ----------------------------------------------------------------------
def draft_for(*, session: ShopSession, product: Product, with_images: bool = False,
              cached_only: bool = False) -> tuple[ListingDraft, list[AttributeSpec], dict]:
    """The product's draft for the shop, with its category's attributes and rules (cached per shop; with
    ``cached_only``, raises ``metadata.MetadataNotCached`` instead of asking the marketplace)."""
    account = session.account
    mapping = None
    if product.category_id:
        mapping = CategoryMapping.objects.filter(account=account, category_id=product.category_id).first()
    category_id = mapping.external_category_id if mapping else ""
    leaf = True
    if category_id:
        tree = metadata.category_tree(session=session, cached_only=cached_only)
        node = next((n for n in tree if n.external_id == category_id), None)
        leaf = bool(node and node.is_leaf)
    draft = listing_draft(account=account, product=product, mapping=mapping, category_is_leaf=leaf,
                          with_images=with_images)
    usable = bool(category_id and leaf)
    attributes = (metadata.category_attributes(session=session, category_id=category_id, cached_only=cached_only)
                  if usable else [])
    rules = metadata.listing_rules(session=session, category_id=category_id, cached_only=cached_only) if usable else {}
    return draft, attributes, rules


def draft_problems(*, session: ShopSession, product: Product, draft: ListingDraft, attributes: list[AttributeSpec],
                   rules: dict) -> list[ValidationProblem]:
    """Everything to fix before ``draft`` can be published (empty: ready). Pure apart from reading
    ``product.category_id``."""
    problems = session.connector.validate(draft=draft, attributes=attributes, rules=rules)
    if not product.category_id:
        problems.insert(0, ValidationProblem(field="category", message=_("Choose a category for the product in the catalog.")))
    return problems


def listing_validate(*, account: MarketplaceAccount, product: Product,
                     cached_only: bool = False) -> list[ValidationProblem]:
    """Everything to fix before ``product`` can be published on ``account`` (empty: ready). No write
    call is made; cached category metadata may be fetched, unless ``cached_only`` (pages): then
    ``metadata.MetadataNotCached`` is raised when it is missing."""
    session = ShopSession(account)
    draft, attributes, rules = draft_for(session=session, product=product, cached_only=cached_only)
    return draft_problems(session=session, product=product, draft=draft, attributes=attributes, rules=rules)


# --- metadata for the pages ---------------------------------------------------------------------
METADATA_REQUEST_SECONDS = 60


def listing_metadata_request(*, account: MarketplaceAccount, product_id: int | None = None,
                             category_id: str = "") -> bool:
    """Ask a task to fetch the metadata a page found missing (``metadata.MetadataNotCached``), once the current
    transaction commits; asked again for the same page within a minute, nothing more is queued (the page
    is reloaded while it waits). Returns whether a task was queued."""
    key = f"marketplaces:metadata-request:{account.pk}:{product_id or 0}:{category_id}"
    if not cache.add(key, 1, METADATA_REQUEST_SECONDS):
        return False
    CategoryCache.objects.filter(account=account, key=METADATA_FAILED_KEY).delete()
    listing_metadata_fetch_enqueue(account_id=account.pk, product_id=product_id, category_id=category_id)
    return True


#: a row in the shop's metadata cache saying when the task last gave up (in the database, so the web
#: processes see what a worker found, whatever Django cache the server runs with)
METADATA_FAILED_KEY = "fetch_failed"


def listing_metadata_failed(*, account_id: int) -> None:
    """The marketplace could not be asked for the metadata (it kept failing, or refused): pages waiting for it
    stop and say so, until a page asks again (after ``METADATA_REQUEST_SECONDS``)."""
    CategoryCache.objects.update_or_create(account_id=account_id, key=METADATA_FAILED_KEY,
                                           defaults={"data": {}, "fetched_at": timezone.now()})


def listing_metadata_has_failed(*, account: MarketplaceAccount) -> bool:
    since = timezone.now() - dt.timedelta(seconds=METADATA_REQUEST_SECONDS)
    return CategoryCache.objects.filter(account=account, key=METADATA_FAILED_KEY, fetched_at__gte=since).exists()


def listing_metadata_fetch(*, account_id: int, product_id: int | None = None, category_id: str = "") -> None:
    """Fetch into the shop's cache what the publish step, the category page, the product's checklist and the
    shop settings page read: the shipping channels when missing; the category tree; for ``product_id``, its
    mapped category's attributes and rules, or the marketplace's recommendation for its name when its
    category is not mapped yet; the attributes and rules of that category or of ``category_id`` when it is a
    leaf. Raises RetryableError, PermanentError, and AuthError
    when the shop is not active (or the session found its authorisation gone). Idempotent."""
    account = MarketplaceAccount.objects.select_related("business").get(pk=account_id)
    if account.status != AccountStatus.ACTIVE:
        raise AuthError("account is not active", code="inactive")
    session = ShopSession(account)
    if not metadata.shipping_channels_cached(account=account):  # the shop settings page waits for them
        metadata.shipping_channels_refresh(session=session)
    leaves = {n.external_id for n in metadata.category_tree(session=session) if n.is_leaf}
    chosen = category_id
    product = Product.objects.filter(business=account.business, pk=product_id).first() if product_id else None
    if product is not None:
        draft_for(session=session, product=product)
        mapped = product.category_id and CategoryMapping.objects.filter(
            account=account, category_id=product.category_id).exclude(external_category_id="").exists()
        if not chosen and product.category_id and not mapped:
            chosen = metadata.category_recommendation(session=session, name=product.name)
    if chosen in leaves:  # what the checklist reads once the owner saves that category
        metadata.category_attributes(session=session, category_id=chosen)
        metadata.listing_rules(session=session, category_id=chosen)


# --- runs ---------------------------------------------------------------------------------------
def sync_run_start(*, account: MarketplaceAccount, kind: str, product_ids: Iterable[int] = (),
                   binding_ids: Iterable[int] = (), user: User | None = None) -> SyncRun:
    """Create a run for the products (new bindings made pending, written in one INSERT) and, on commit, one
    task per listing, queued in the listings' order. A fixed number of queries however many products:
    nothing is checked per product here (each listing's task validates its product and records what to fix
    on the run).

    Listings being published right now are left to finish, and so are listings another running run has
    queued and not yet handled (its task will push the product as it is then; taking them over would leave
    that run unfinished)."""
    product_ids = sorted({int(pk) for pk in product_ids})
    with transaction.atomic():
        run = SyncRun.objects.create(account=account, kind=kind, started_by=user)
        _bindings_add(account=account, product_ids=product_ids)
        candidates = ListingBinding.objects.filter(account=account).filter(
            Q(product_id__in=product_ids) | Q(pk__in=list(binding_ids)))
        queued = candidates.exclude(status=ListingStatus.PUBLISHING)
        queued = queued.exclude(status__in=(ListingStatus.DELISTED, ListingStatus.GONE, ListingStatus.UNDER_REVIEW))
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
        listing_publish_enqueue(binding_ids=queued_ids)
    return run


def _bindings_add(*, account: MarketplaceAccount, product_ids: list[int]) -> None:
    """Give each of the business's ``product_ids`` a (pending) binding on the shop when it has none: one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING`` whatever the number of products (``bulk_create`` sends one
    INSERT per ~55 rows on SQLite, whose bound parameters Django caps at 999). Columns other than the two
    keys take the model's defaults, so a new field with a default needs no change here."""
    if not product_ids:
        return
    now = timezone.now()
    quote = connection.ops.quote_name
    columns, values = [], []
    for field in ListingBinding._meta.concrete_fields:
        if field.primary_key or field.name in ("account", "product"):
            continue
        value = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        columns.append(quote(field.column))
        values.append(field.get_db_prep_save(value, connection=connection))
    binding_table = quote(ListingBinding._meta.db_table)
    product_table = quote(Product._meta.db_table)
    product_fields = {f.name: quote(f.column) for f in Product._meta.concrete_fields}
    account_column = quote(ListingBinding._meta.get_field("account").column)
    product_column = quote(ListingBinding._meta.get_field("product").column)
    # only our models' quoted names are formatted in; every value is bound
    sql = (
        f"INSERT INTO {binding_table} ({account_column}, {product_column}, {', '.join(columns)}) "  # noqa: S608
        f"SELECT %s, p.{product_fields['id']}, {', '.join(['%s'] * len(values))} FROM {product_table} p "
        f"WHERE p.{product_fields['business']} = %s AND p.{product_fields['id']} IN ({', '.join(['%s'] * len(product_ids))}) "
        f"ON CONFLICT DO NOTHING")
    with connection.cursor() as cursor:
        cursor.execute(sql, [account.pk, *values, account.business_id, *product_ids])


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
        return _publish_claimed(ShopSession(binding.account), binding, final_attempt=final_attempt)


def _publish_claimed(session: ShopSession, binding: ListingBinding, *, final_attempt: bool) -> str:
    account = session.account
    try:
        draft, attributes, rules = draft_for(session=session, product=binding.product, with_images=True)
        problems = draft_problems(session=session, product=binding.product, draft=draft, attributes=attributes,
                                  rules=rules)
        if problems:
            _finish(binding, status=ListingStatus.FAILED, error=problems_text(problems))
            return ListingStatus.FAILED
        _push(session, binding, draft=draft, attributes=attributes)
    except AuthError as exc:
        account_mark_needs_reauth(account_id=account.pk)
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.PENDING, claimed_at=None)
        _attempt(binding, outcome=SyncAttempt.Outcome.AUTH, message=exc.code)
        return ListingStatus.PENDING
    except RetryableError as exc:
        if final_attempt:
            _finish(binding, status=ListingStatus.FAILED, error=error_for_owner(exc, connector=session.connector))
            return ListingStatus.FAILED
        _attempt(binding, outcome=SyncAttempt.Outcome.RETRY, message=exc.code or str(exc))
        ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.PENDING, claimed_at=None)
        raise
    except PermanentError as exc:
        _finish(binding, status=ListingStatus.REJECTED, error=error_for_owner(exc, connector=session.connector))
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


def _create(session: ShopSession, binding: ListingBinding, *, draft: ListingDraft, uploaded: dict[str, str],
            attributes: list) -> PublishResult:
    """Create the listing in the connector's three steps, recording between them what makes a retry safe:
    the mark that the marketplace may act from now on (``attempt_started_at``) before the create request
    leaves, and the listing's id as soon as it exists, before its variants are added (finishing a
    half-created listing is then an update)."""
    plan = session.publish_prepare(draft=draft, uploaded_images=uploaded, attributes=attributes)
    created = plan.existing
    if created is None:
        now = timezone.now()
        ListingBinding.objects.filter(pk=binding.pk).update(attempt_started_at=now, image_ids=uploaded)
        binding.attempt_started_at = now
        created = session.publish_create(draft=draft, plan=plan)
    ListingBinding.objects.filter(pk=binding.pk).update(external_id=created.external_id, image_ids=uploaded)
    binding.external_id = created.external_id
    return session.publish_complete(draft=draft, plan=plan, created=created, uploaded_images=uploaded,
                                    attributes=attributes)


def _push(session: ShopSession, binding: ListingBinding, *, draft: ListingDraft, attributes: list) -> None:
    connector = session.connector
    uploaded = dict(binding.image_ids or {})
    content_hash = connector.fingerprint(draft=draft, attributes=attributes)
    if not binding.external_id and binding.attempt_started_at is not None:
        # An earlier create may have reached the marketplace: look before creating again.
        found = session.find_by_sku(sku=draft.sku, since=binding.attempt_started_at)
        if len(found) > 1:
            raise PermanentError(_("Several listings on the shop have this SKU; choose one under “Existing listings”."),
                                 code="ambiguous_sku")
        if found:
            _link(binding, found[0])
    if not binding.external_id:
        try:
            result = _create(session, binding, draft=draft, uploaded=uploaded, attributes=attributes)
        except PermanentError as exc:
            _forget_attempt(binding, uploaded)
            if not exc.code.endswith("repeated_mtsku"):
                raise
            found = session.find_by_sku(sku=draft.sku)
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
                          review_reason=result.review_reason, warnings=result.warnings)
            return
    known = dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id"))
    push_item = binding.payload_hash != content_hash
    result = session.update(external_id=binding.external_id, draft=draft, variant_ids_by_sku=known,
                            uploaded_images=uploaded, attributes=attributes, push_item=push_item)
    ids = result.variant_ids_by_sku
    failed = _price_stock(session, binding, draft, ids)
    # warnings answer a content write: a price or stock push alone leaves the last ones shown
    _store_result(binding, draft, ids, uploaded, content_hash, failed=failed,
                  warnings=result.warnings if push_item or result.warnings else None)


def _price_stock(session: ShopSession, binding: ListingBinding, draft: ListingDraft,
                 ids: dict[str, str]) -> dict[str, str]:
    """Push only the prices and stock that differ from what was last pushed, batched by the connector.
    Returns {sku: reason} for the variants the marketplace refused (the others are done)."""
    if not session.connector.supports(Capability.PRICE_STOCK):
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
    outcome = session.update_price_stock(external_id=binding.external_id, updates=updates)
    by_external = {ids[v.sku]: v.sku for v in draft.variants if v.sku in ids}
    return {by_external.get(k, k): reason for k, reason in outcome.failed.items()}


def variant_bindings_store(*, binding: ListingBinding, rows: list[VariantBinding], keep_pushed: bool = False,
                           ids_only: bool = False) -> None:
    """Write the variant bindings of ``binding`` in one INSERT … ON CONFLICT on their named constraint
    (``uniq_variant_binding_account_variant``: one per shop and variant), so a retried task updates the
    rows it wrote instead of failing or duplicating them. ``rows`` carry the variant, its marketplace id and
    what was pushed; a variant already bound gets the new id, listing and error, and the new price and stock
    unless ``keep_pushed`` (the marketplace refused them: the last pushed values stay). ``ids_only``: only
    the ids and the listing change (linking a listing found on the shop)."""
    if not rows:
        return
    for row in rows:
        row.account_id, row.listing_id = binding.account_id, binding.pk
    update = ["listing", "external_id", "updated_at"]
    if not ids_only:
        update.append("last_error")
        if not keep_pushed:
            update += ["last_price_vnd", "last_stock"]
    VariantBinding.objects.bulk_create(rows, update_conflicts=True, unique_fields=["account", "variant"],
                                       update_fields=update)


@transaction.atomic
def _store_result(binding: ListingBinding, draft: ListingDraft, ids: dict[str, str], uploaded: dict[str, str],
                  content_hash: str, *, failed: dict[str, str] | None = None, review: str = ReviewState.LIVE,
                  review_reason: str = "", warnings: Sequence[str] | None = None) -> None:
    """Record the pushed state per variant; variants the marketplace refused keep their previous values
    and get the reason, and the listing shows which ones to check. A listing the marketplace audits first
    stays "under review" until ``listing_review_check`` sees the decision. ``warnings`` (the marketplace's,
    in the owner's language) replace the listing's when given; None keeps them."""
    failed = failed or {}
    pushed = [v for v in draft.variants if v.sku in ids and v.sku not in failed]
    refused = [v for v in draft.variants if v.sku in ids and v.sku in failed]
    variant_bindings_store(binding=binding, rows=[
        VariantBinding(variant_id=v.variant_id, external_id=ids[v.sku], last_price_vnd=v.price_vnd, last_stock=v.stock)
        for v in pushed])
    variant_bindings_store(binding=binding, keep_pushed=True, rows=[
        VariantBinding(variant_id=v.variant_id, external_id=ids[v.sku], last_error=failed[v.sku]) for v in refused])
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
    kept = {} if warnings is None else {"marketplace_warnings": [str(w) for w in warnings]}
    ListingBinding.objects.filter(pk=binding.pk).update(
        status=status, payload_hash=content_hash,
        image_ids=uploaded, last_error=error, claimed_at=None, attempt_started_at=None, last_synced_at=now,
        published_at=(binding.published_at or now) if status == ListingStatus.LIVE else binding.published_at,
        **kept,
    )
    listing_status_record(binding_id=binding.pk, status=status, reason=error)
    _attempt(binding, outcome=SyncAttempt.Outcome.FAILED if failed else SyncAttempt.Outcome.OK,
             message="\n".join([error, *(warnings or ())]).strip())
    _run_count(binding, ok=not failed)


# --- recovery -----------------------------------------------------------------------------------
def listings_requeue_stale() -> int:
    """Enqueue again listings whose worker died (claim older than the stale limit) or whose task was lost
    (pending in a running run for longer than the stale limit), and owners' delist / pause / resume under
    way for longer than that. Returns how many were enqueued."""
    stale = timezone.now() - dt.timedelta(seconds=settings.MARKETPLACE_CLAIM_STALE_SECONDS)
    ids = list(
        ListingBinding.objects.filter(account__status=AccountStatus.ACTIVE)
        .filter(Q(status=ListingStatus.PUBLISHING, claimed_at__lt=stale)
                | Q(status=ListingStatus.PENDING, sync_run__status=SyncRunStatus.RUNNING, updated_at__lt=stale))
        .values_list("pk", flat=True)
    )
    listing_publish_enqueue(binding_ids=ids)
    # an owner's delist / pause / resume whose task was lost (the page would show it under way for ever)
    actions = list(ListingBinding.objects.filter(account__status=AccountStatus.ACTIVE, updated_at__lt=stale)
                   .exclude(pending_action="").values_list("pk", "pending_action"))
    for binding_id, action in actions:
        listing_action_enqueue(binding_id=binding_id, action=action)
    return len(ids) + len(actions)


# --- linking existing listings ------------------------------------------------------------------
def listing_link(*, account: MarketplaceAccount, product_id: int, remote: RemoteListing) -> ListingBinding:
    """Bind ``product_id`` to an existing listing (the next sync pushes our data to it)."""
    product = Product.objects.get(business=account.business, pk=product_id)
    binding, _created = ListingBinding.objects.update_or_create(
        account=account, product=product,
        defaults={"external_id": remote.external_id, "status": ListingStatus.LIVE, "payload_hash": "",
                  "last_error": "", "attempt_started_at": None, "published_at": timezone.now()},
    )
    externals = {v.pk: remote.variant_ids_by_sku.get(v.sku) or ("0" if remote.sku == v.sku else "")
                 for v in product.variants.all()}
    variant_bindings_store(binding=binding, ids_only=True, rows=[
        VariantBinding(variant_id=pk, external_id=external) for pk, external in externals.items() if external])
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
    if binding.external_id:
        ShopSession(binding.account).delist(external_id=binding.external_id)
    ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.DELISTED, last_synced_at=timezone.now())
    listing_status_record(binding_id=binding.pk, status=ListingStatus.DELISTED)


def listing_action_request(*, binding: ListingBinding, action: str) -> bool:
    """Ask for the owner's ``action`` (a ``ListingAction``) on the listing: marked as under way now, done on
    the marketplace by a task once the current transaction commits (no marketplace call here). Returns
    False, asking nothing, while another action on the listing is still under way (a double click)."""
    with transaction.atomic():
        asked = ListingBinding.objects.filter(pk=binding.pk, pending_action="").update(
            pending_action=action, last_error="", updated_at=timezone.now())
        if asked:
            listing_action_enqueue(binding_id=binding.pk, action=action)
    return bool(asked)


def listing_action_run(*, binding_id: int, action: str, final_attempt: bool = False) -> str:
    """Do the owner's delist, pause or resume on the marketplace and record the outcome on the listing: its
    new status, or why it could not be done (in the owner's language) with the status unchanged. Returns
    the status, "skipped" when the action is no longer under way (a repeated delivery), or "failed".

    Raises RetryableError to be retried, unless ``final_attempt``. A shop whose authorisation ended is
    marked for reconnecting. Idempotent."""
    binding = (ListingBinding.objects.select_related("account", "account__connected_by", "product")
               .filter(pk=binding_id, pending_action=action).first())
    if binding is None:
        return "skipped"
    account = binding.account
    connector = account_connector(account=account)
    with translation.override(owner_language(account)):
        try:
            if action == ListingAction.DELIST:
                listing_delist(binding=binding)
            else:
                listing_pause(binding=binding, paused=action == ListingAction.PAUSE)
        except RetryableError:
            if not final_attempt:
                raise
            error = _("%(marketplace)s did not answer in time; we tried several times. Try again in a few "
                      "minutes.") % {"marketplace": marketplace_name(account)}
        except AuthError:
            account_mark_needs_reauth(account_id=account.pk)
            error = _("%(marketplace)s no longer accepts this shop's authorisation. Reconnect the shop, then "
                      "try again.") % {"marketplace": marketplace_name(account)}
        except PermanentError as exc:
            detail = (exc.code and connector.owner_error(code=exc.code, message=exc.message)) or exc.message or exc.code
            error = {
                ListingAction.DELIST: _("%(marketplace)s did not remove the listing: %(detail)s"),
                ListingAction.PAUSE: _("%(marketplace)s did not hide the listing: %(detail)s"),
                ListingAction.RESUME: _("%(marketplace)s did not put the listing back on sale: %(detail)s"),
            }[action] % {"marketplace": marketplace_name(account), "detail": detail}
        else:
            ListingBinding.objects.filter(pk=binding.pk).update(pending_action="")
            return ListingBinding.objects.values_list("status", flat=True).get(pk=binding.pk)
    logger.info("listing %s: %s not done: %s", binding.pk, action, error)
    ListingBinding.objects.filter(pk=binding.pk).update(pending_action="", last_error=error)
    return "failed"


def listing_relist_prepare(*, account: MarketplaceAccount, product_ids: Iterable[int]) -> int:
    """Make the delisted listings of ``product_ids`` publishable again (the owner ticked them and pressed
    Publish). Where delisting deleted the listing, its marketplace ids are forgotten so publishing creates a
    new one; where it only hid it (``Connector.delist_hides``), it is paused, to be shown again with
    Resume. Returns how many listings changed."""
    delisted = ListingBinding.objects.filter(account=account, product_id__in=list(product_ids),
                                             status=ListingStatus.DELISTED)
    changed = 0
    if account_connector(account=account).delist_hides:
        changed = delisted.exclude(external_id="").update(status=ListingStatus.PAUSED, updated_at=timezone.now())
        delisted = delisted.filter(external_id="")
    # a listing the marketplace removed by itself is created anew, whatever the marketplace
    gone = ListingBinding.objects.filter(account=account, product_id__in=list(product_ids), status=ListingStatus.GONE)
    ids = list(delisted.values_list("pk", flat=True)) + list(gone.values_list("pk", flat=True))
    with transaction.atomic():
        VariantBinding.objects.filter(listing_id__in=ids).delete()
        ListingBinding.objects.filter(pk__in=ids).update(
            status=ListingStatus.PENDING, external_id="", payload_hash="", image_ids={}, attempt_started_at=None,
            last_error="", updated_at=timezone.now())
    return changed + len(ids)


def listing_pause(*, binding: ListingBinding, paused: bool) -> None:
    ShopSession(binding.account).pause(external_id=binding.external_id, paused=paused)
    status = ListingStatus.PAUSED if paused else ListingStatus.LIVE
    ListingBinding.objects.filter(pk=binding.pk).update(status=status, last_synced_at=timezone.now())
    listing_status_record(binding_id=binding.pk, status=status)


# --- audits (marketplaces that review new listings) --------------------------------------------
def listing_review_check(*, binding_id: int) -> str:
    """Ask the marketplace where a listing under review stands and record the decision: live (with its
    final ids, when the marketplace gives new ones) or rejected with the reason. Returns the status."""
    binding = ListingBinding.objects.select_related("account", "account__connected_by").get(pk=binding_id)
    if binding.status != ListingStatus.UNDER_REVIEW or not binding.external_id:
        return binding.status
    account = binding.account
    try:
        answer = ShopSession(account).review_status(external_id=binding.external_id)
    except AuthError:
        account_mark_needs_reauth(account_id=account.pk)
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
            variant_bindings_store(binding=binding, ids_only=True, rows=[
                VariantBinding(variant_id=v.pk, external_id=answer.variant_ids_by_sku[v.sku])
                for v in binding.product.variants.all() if answer.variant_ids_by_sku.get(v.sku)])
        listing_status_record(binding_id=binding.pk, status=ListingStatus.LIVE)
    stock_push_business_soon(business_id=account.business_id)
    return ListingStatus.LIVE



# --- watchdog: a run that stopped moving --------------------------------------------------------------
def sync_runs_fail_stalled() -> int:
    """Close every run still "running" in which no listing moved for JOB_STALL_SECONDS (longer than the
    stale-claim sweeper needs to enqueue lost listings again, so it already tried): its waiting listings
    become failed with a message the owner reads on the shop's page, and publishing again retries them.
    Idempotent; returns how many runs it closed."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.JOB_STALL_SECONDS)
    moved = ListingBinding.objects.filter(sync_run=OuterRef("pk"), updated_at__gte=cutoff)
    runs = list(SyncRun.objects.filter(status=SyncRunStatus.RUNNING, started_at__lt=cutoff)
                .exclude(Exists(moved)).select_related("account", "account__connected_by"))
    for run in runs:
        with transaction.atomic(), translation.override(owner_language(run.account)):
            message = str(_("This took too long and was stopped. Press Publish again to retry."))
            stuck = ListingBinding.objects.filter(sync_run=run, status__in=(ListingStatus.PENDING,
                                                                            ListingStatus.PUBLISHING))
            for binding in stuck:
                _finish(binding, status=ListingStatus.FAILED, error=message)
            SyncRun.objects.filter(pk=run.pk, status=SyncRunStatus.RUNNING).update(
                status=SyncRunStatus.DONE_WITH_ERRORS, finished_at=timezone.now())
    return len(runs)

