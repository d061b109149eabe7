"""The catalog import: upload -> preview (every problem by row and column) -> confirm -> background run -> summary.

Matching is by SKU within the business, products by product key, so importing the same file twice changes
nothing the second time. The run checks everything first, then writes in ONE transaction: if anything fails
half way, the catalog is exactly as it was (photo files written so far are removed).
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from sme.billing.models import Feature
from sme.billing.selectors import business_plan_limits, plan_cheapest_allowing
from sme.businesses.models import Business
from sme.catalog.images import image_check
from sme.catalog.models import Product, ProductImage, ProductStatus, StockReason, Variant
from sme.catalog.services import description_sanitise, image_add, image_files_delete, product_search_text
from sme.catalog.stock import StockSet, stock_set_many
from sme.catalog.text import text_fold
from sme.jobs import task_enqueue

from .models import ImportJob, ImportStatus
from .problems import FileRejected, Problem
from .reading import MAX_FILE_BYTES, PhotoArchive, SheetRows, open_photos, read_sheet, sheet_kind
from .rows import ParsedRow, parse_rows, variant_matches
from .stored import StoredRowsInvalid, rows_dump, rows_load

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
VARIANT_FIELDS = ["option1_value", "option2_value", "price", "list_price", "barcode", "weight_g",
                  "length_cm", "width_cm", "height_cm"]
PRODUCT_FIELDS = ["name", "category", "brand", "status", "description", "option1_name", "option2_name",
                  "ocop_stars", "ocop_certificate_no"]


@dataclass
class ProductPlan:
    key: str
    rows: list[ParsedRow]
    product: Product | None
    values: dict
    changed: bool = False
    photos_to_add: list[str] = field(default_factory=list)  # names in the zip, in sheet order


@dataclass
class Activation:
    """How the import stays within the plan's active-product limit (issue 8): products the sheet marks active
    beyond what the plan allows are imported inactive (new ones as drafts, existing ones keep their status).

    Stored on the job as a dict (``as_dict``); the page renders it in the reader's language.
    """

    activating: int = 0  # products the sheet would make active (new, or not active now)
    held: int = 0  # of those, how many stay inactive because of the plan
    active_now: int = 0  # active products in the catalog now (minus those the sheet makes inactive)
    limit: int | None = None  # the plan's limit; None = unlimited
    plan: str = ""  # plan code
    upgrade: str = ""  # code of the cheapest plan that allows them all ("" when none does)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Plan:
    products: list[ProductPlan]
    outcomes: dict[int, str]  # row number -> created / updated / unchanged / failed
    rows: list[ParsedRow]
    variants_by_sku: dict[str, Variant] = field(default_factory=dict)  # the catalog's variants when planned
    activation: Activation = field(default_factory=Activation)

    def counts(self) -> dict[str, int]:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
        for outcome in self.outcomes.values():
            counts[outcome] += 1
        return counts


# --- Planning (reads only) ---------------------------------------------------------------------


def _product_values(product_data: dict) -> dict:
    values = {k: v for k, v in product_data.items() if k in PRODUCT_FIELDS}
    if "description" in values:
        values["description"] = description_sanitise(values["description"])
    return values


def _product_differs(product: Product, values: dict) -> bool:
    for key, value in values.items():
        if key == "status" and not value:
            continue
        current = product.category_id if key == "category" else getattr(product, key)
        wanted = value.pk if key == "category" and value is not None else value
        if current != wanted:
            return True
    return False


def import_plan(*, business: Business, rows: list[ParsedRow], photos: PhotoArchive | None,
                progress: Callable[[int], None] | None = None) -> Plan:
    """Compare the parsed rows with the catalog and decide, row by row, what the import would do. No writes."""
    products_by_key = {p.key: p for p in Product.objects.filter(business=business)}
    products_by_id = {p.pk: p for p in products_by_key.values()}
    variants_by_sku = {v.sku: v for v in Variant.objects.filter(business=business)}
    images_by_product: dict[int, set[str]] = {}
    for product_id, name in ProductImage.objects.filter(product__business=business).values_list(
        "product_id", "original_name"
    ):
        images_by_product.setdefault(product_id, set()).add(text_fold(name))
    checked_photos: dict[str, str | None] = {}

    def photo_problem(name: str) -> str | None:
        folded = text_fold(name)
        if folded not in checked_photos:
            data = photos.read(name) if photos else None
            if data is None:
                checked_photos[folded] = "missing"
            else:
                try:
                    image_check(data=data, name=name)
                    checked_photos[folded] = None
                except ValidationError as exc:
                    checked_photos[folded] = " ".join(exc.messages)
        return checked_photos[folded]

    groups: dict[str, list[ParsedRow]] = {}
    for index, row in enumerate(rows):
        if progress and index % 500 == 0:
            progress(index)
        if not row.ok:
            continue
        existing_product = products_by_key.get(row.product_key)
        variant = variants_by_sku.get(row.variant["sku"])
        if variant is not None and (existing_product is None or variant.product_id != existing_product.pk):
            owner = products_by_id.get(variant.product_id)
            row.fail("sku_other_product", "sku", sku=row.variant["sku"], key=owner.key if owner else "?")
            continue
        known = images_by_product.get(existing_product.pk, set()) if existing_product else set()
        wanted_photos = list(row.product.get("images", []))
        if row.variant.get("variant_image"):
            wanted_photos.append(row.variant["variant_image"])
        for name in wanted_photos:
            if text_fold(name) in known:
                continue
            reason = photo_problem(name)
            column = "variant_image" if name == row.variant.get("variant_image") else "images"
            if reason == "missing":
                row.fail("image_missing", column, name=name)
            elif reason:
                row.fail("image_invalid", column, name=name, reason=reason)
        if row.ok:
            groups.setdefault(row.product_key, []).append(row)

    plans = [ProductPlan(key=key, rows=group, product=products_by_key.get(key),
                         values=_product_values(group[0].product)) for key, group in groups.items()]
    activation = _activation_limit(business=business, plans=plans,
                                   active_now=sum(p.status == ProductStatus.ACTIVE for p in products_by_id.values()))
    outcomes: dict[int, str] = {}
    for plan in plans:
        group, product, values = plan.rows, plan.product, plan.values
        known = images_by_product.get(product.pk, set()) if product else set()
        for row in group:
            names = list(row.product.get("images", []))
            if row.variant.get("variant_image"):
                names.append(row.variant["variant_image"])
            for name in names:
                if text_fold(name) not in known and text_fold(name) not in map(text_fold, plan.photos_to_add):
                    plan.photos_to_add.append(name)
        plan.changed = product is None or _product_differs(product, values)
        for position, row in enumerate(group):
            variant = variants_by_sku.get(row.variant["sku"])
            if variant is None:
                outcomes[row.number] = CREATED
                continue
            same = variant_matches(variant, row.variant)
            stock = row.variant.get("stock")
            if stock is not None and stock != variant.stock:
                same = False
            image_name = row.variant.get("variant_image")
            if image_name is not None:
                current_name = variant.image.original_name if variant.image_id else ""
                if text_fold(current_name) != text_fold(image_name):
                    same = False
            if position == 0 and (plan.changed or plan.photos_to_add):
                same = False
            outcomes[row.number] = UNCHANGED if same else UPDATED
    for row in rows:
        if not row.ok:
            outcomes[row.number] = FAILED
    return Plan(products=plans, outcomes=outcomes, rows=rows, variants_by_sku=variants_by_sku,
                activation=activation)


def _activation_limit(*, business: Business, plans: list[ProductPlan], active_now: int) -> Activation:
    """Hold back the activations the plan does not allow, in sheet order: the first products marked active get
    the free places. Products the sheet makes inactive free their places first. Changes ``plans`` in place."""
    leaving = 0
    activating: list[ProductPlan] = []
    for p in plans:
        current = p.product.status if p.product else None
        wanted = p.values.get("status") or current or ProductStatus.DRAFT
        if current == ProductStatus.ACTIVE and wanted != ProductStatus.ACTIVE:
            leaving += 1
        elif wanted == ProductStatus.ACTIVE and current != ProductStatus.ACTIVE:
            activating.append(p)
    limits = business_plan_limits(business=business)
    result = Activation(activating=len(activating), active_now=active_now - leaving,
                        limit=limits.max_active_products, plan=limits.plan_code)
    if not activating or limits.allows(Feature.ACTIVE_PRODUCT, count=result.active_now + len(activating)):
        return result
    free = max(0, (limits.max_active_products or 0) - result.active_now)
    for p in activating[free:]:
        # New products become drafts; existing ones keep the status they have (their other changes apply).
        p.values["status"] = p.product.status if p.product else ProductStatus.DRAFT
    result.held = len(activating) - free
    upgrade = plan_cheapest_allowing(feature=Feature.ACTIVE_PRODUCT, count=result.active_now + len(activating))
    result.upgrade = upgrade.code if upgrade else ""
    return result


# --- Applying (one transaction) ----------------------------------------------------------------


def _assign_product(product: Product, values: dict) -> None:
    for key, value in values.items():
        if key == "status" and not value:
            if product.pk is None:
                product.status = ProductStatus.DRAFT
            continue
        setattr(product, key, value)
    product.search_text = product_search_text(name=product.name, brand=product.brand)


def import_apply(*, business: Business, plan: Plan, photos: PhotoArchive | None, actor: User | None,
                 reference: str) -> None:
    """Write the plan in one transaction; stock goes through the stock service with reason "import".

    On any error the transaction is rolled back, photo files written so far are deleted, and the error re-raised.
    """
    written_images: list[ProductImage] = []
    try:
        with transaction.atomic():
            _apply(business=business, plan=plan, photos=photos, actor=actor, reference=reference,
                   written_images=written_images)
    except BaseException:
        for image in written_images:
            image_files_delete(image=image)
        raise


def _apply(*, business, plan, photos, actor, reference, written_images) -> None:
    now = timezone.now()
    new_products, changed_products = [], []
    for p in plan.products:
        if p.product is None:
            p.product = Product(business=business, key=p.key, created_by=actor)
            _assign_product(p.product, p.values)
            new_products.append(p.product)
        elif p.changed:
            _assign_product(p.product, p.values)
            p.product.updated_at = now
            changed_products.append(p.product)
    Product.objects.bulk_create(new_products, batch_size=500)
    if changed_products:
        Product.objects.bulk_update(changed_products, [*PRODUCT_FIELDS, "search_text", "updated_at"],
                                    batch_size=500)

    variants_by_sku = plan.variants_by_sku
    new_variants, changed_variants, stock_changes = [], [], []
    image_rows: list[tuple[Variant, ProductPlan, str]] = []
    for p in plan.products:
        for position, row in enumerate(p.rows):
            if plan.outcomes.get(row.number) == UNCHANGED:
                continue
            variant = variants_by_sku.get(row.variant["sku"])
            if variant is None:
                variant = Variant(product=p.product, business=business, sku=row.variant["sku"], stock=0,
                                  position=position)
                new_variants.append(variant)
            else:
                variant.updated_at = now
                changed_variants.append(variant)
            for key in VARIANT_FIELDS:
                if key in row.variant:
                    setattr(variant, key, row.variant[key])
            if row.variant.get("stock") is not None:
                stock_changes.append((variant, row.variant["stock"]))
            if "variant_image" in row.variant:
                image_rows.append((variant, p, row.variant["variant_image"]))
    Variant.objects.bulk_create(new_variants, batch_size=500)
    if changed_variants:
        Variant.objects.bulk_update(changed_variants, [*VARIANT_FIELDS, "updated_at"], batch_size=500)

    images_by_name: dict[tuple[int, str], ProductImage] = {}
    photo_products = [p for p in plan.products if p.photos_to_add]
    image_products = {p.product.pk for p in photo_products} | {p.product.pk for _, p, _ in image_rows}
    for image in ProductImage.objects.filter(product_id__in=image_products):
        images_by_name.setdefault((image.product_id, text_fold(image.original_name)), image)
    for p in photo_products:
        shas = set(ProductImage.objects.filter(product=p.product).values_list("sha256", flat=True))
        for name in p.photos_to_add:
            data = photos.read(name) if photos else None
            if data is None:  # checked at planning; the zip cannot have changed since
                raise FileRejected([Problem("image_missing", params={"name": name})])
            sha = hashlib.sha256(data).hexdigest()
            image = image_add(product=p.product, data=data, name=name)
            if sha not in shas:
                written_images.append(image)
                shas.add(sha)
            images_by_name.setdefault((p.product.pk, text_fold(name)), image)
    to_link = []
    for variant, p, name in image_rows:
        image = images_by_name.get((p.product.pk, text_fold(name))) if name else None
        if variant.image_id != (image.pk if image else None):
            variant.image = image
            to_link.append(variant)
    if to_link:
        Variant.objects.bulk_update(to_link, ["image"], batch_size=500)
    if stock_changes:
        stock_set_many(changes=[StockSet(variant=v, quantity=q) for v, q in stock_changes],
                       reason=StockReason.IMPORT, actor=actor, reference=reference)


# --- The job ---------------------------------------------------------------------------------


def _problems_of(rows: list[ParsedRow]) -> list[dict]:
    return [p.as_dict() for row in rows for p in row.problems]


def _failed_rows(rows: list[ParsedRow]) -> list[dict]:
    return [{"row": row.number, "values": row.raw} for row in rows if not row.ok]


def _photos_of(job: ImportJob) -> PhotoArchive | None:
    return open_photos(job.photos.path) if job.photos else None


def import_job_create(*, business: Business, actor: User, sheet: UploadedFile,
                      photos: UploadedFile | None = None) -> ImportJob:
    """Store the upload and queue its check (import_job_preview in the worker, once this transaction commits):
    the job waits in status "checking" and the owner watches its progress. What can be told from the first
    bytes (empty, too large, not a spreadsheet) is refused here at once, and such a file is never stored.
    Nothing in the catalog changes either way."""
    job = ImportJob(business=business, created_by=actor, source_name=sheet.name[:255],
                    photos_name=(photos.name[:255] if photos else ""))
    try:
        head = sheet.read(8192)
        sheet.seek(0)
        job.kind = sheet_kind(head, sheet.size)
    except FileRejected as exc:
        job.status = ImportStatus.REJECTED
        job.file_problems = [p.as_dict() for p in exc.problems]
        job.finished_at = timezone.now()
        job.save()
        return job
    job.status = ImportStatus.CHECKING
    job.source.save(f"{job.kind}-{timezone.now():%Y%m%d%H%M%S}.{job.kind}", sheet, save=False)
    if photos is not None:
        job.photos.save("photos.zip", photos, save=False)
    job.save()
    task_enqueue("sme.imports.tasks.import_job_preview_task", job.pk)
    return job


PREVIEW_READ_PERCENT, PREVIEW_PARSE_PERCENT = 60, 70  # reading the file, then checking rows, then planning


def import_job_preview(*, job_id: int) -> ImportJob | None:
    """The check, in the worker: read and check the sheet (and the photo archive), and plan against the catalog
    without writing. The owner then sees every problem by row and column, and what would be created, updated
    or left unchanged. The checked rows are stored beside the upload (stored.py) for the run.

    Only a job in status "checking" is checked (a second delivery of the task finds it done). A hostile or
    broken file ends as "rejected" with a message in the owner's language, and its upload is removed.
    """
    job = ImportJob.objects.select_related("business").filter(pk=job_id, status=ImportStatus.CHECKING).first()
    if job is None:
        return None
    percent = _preview_progress_writer(job.pk)
    try:
        photos = _photos_of(job)
        sheet = _read_hostile(job.source.path, progress=lambda share: percent(share * PREVIEW_READ_PERCENT))
        rows = parse_rows(sheet)
        del sheet
        percent(PREVIEW_PARSE_PERCENT)
        checked = rows_dump(rows)  # before planning: the plan adds problems that depend on the catalog of the day
        span = 100 - PREVIEW_PARSE_PERCENT
        plan = import_plan(business=job.business, rows=rows, photos=photos,
                           progress=lambda n: percent(PREVIEW_PARSE_PERCENT + span * n / max(len(rows), 1)))
    except FileRejected as exc:
        return _reject(job, exc)
    except SoftTimeLimitExceeded:
        logger.warning("Import job %s: the check ran out of time", job.pk)
        return _reject(job, FileRejected([Problem("check_failed")]))
    job.checked_rows.save("rows.json.gz", ContentFile(checked), save=False)
    job.total_rows = len(rows)
    job.problems = _problems_of(rows)
    job.planned = plan.counts()
    job.activation = plan.activation.as_dict()
    job.preview_percent = 100
    job.status = ImportStatus.PREVIEW
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
        checked_rows=job.checked_rows.name, total_rows=job.total_rows, problems=job.problems, planned=job.planned,
        activation=job.activation, preview_percent=100, status=ImportStatus.PREVIEW, updated_at=timezone.now())
    if not updated:  # discarded or swept while it was being checked
        job.checked_rows.storage.delete(job.checked_rows.name)
    return job


def _read_hostile(path: str, *, progress) -> SheetRows:
    """read_sheet, with whatever a crafted file can still make a parser raise turned into a clear refusal:
    MemoryError, RecursionError, and the panics of python-calamine's Rust code (a BaseException)."""
    try:
        return read_sheet(path, progress=progress)
    except FileRejected:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit, SoftTimeLimitExceeded):
        raise
    except DatabaseError:  # raised by the progress writer: the database's trouble, not the file's
        raise
    except BaseException as exc:  # see the docstring
        logger.warning("Import sheet %s could not be read: %r", path, exc)
        raise FileRejected([Problem("file_damaged")]) from exc


def _preview_progress_writer(job_id: int) -> Callable[[float], None]:
    last = {"percent": -1}

    def write(percent: float) -> None:
        value = min(99, int(percent))
        if value > last["percent"]:
            try:
                with transaction.atomic():  # a savepoint: a failed tick never breaks a surrounding transaction
                    ImportJob.objects.filter(pk=job_id).update(preview_percent=value, updated_at=timezone.now())
            except DatabaseError:
                # SQLite (make run, the browser tests) refuses a write while another connection holds the table
                # for a moment; the bar only shows progress, so the next tick writes it instead
                logger.info("Import job %s: progress %s%% not written this time", job_id, value)
                return
            last["percent"] = value

    return write


def import_job_preview_failed(*, job_id: int) -> None:
    """An unexpected crash of a check: the job is refused (the owner is told to retry) and its upload removed."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportStatus.CHECKING).first()
    if job is not None:
        _reject(job, FileRejected([Problem("check_failed")]))


def _reject(job: ImportJob, exc: FileRejected) -> ImportJob:
    job.status = ImportStatus.REJECTED
    job.file_problems = [p.as_dict() for p in exc.problems]
    job.finished_at = timezone.now()
    job.save()
    _files_delete(job)
    return job


def _files_delete(job: ImportJob) -> None:
    """Delete the job's uploaded sheet, photo archive and checked rows, and forget their names."""
    names = {}
    for field_name in ("source", "photos", "checked_rows"):
        f = getattr(job, field_name)
        if f and f.name:
            f.storage.delete(f.name)
            names[field_name] = ""
    if names and job.pk:
        ImportJob.objects.filter(pk=job.pk).update(**names)
        for field_name in names:
            setattr(job, field_name, "")


def import_job_confirm(*, job: ImportJob) -> bool:
    """Queue a previewed job for the background run. Returns False if it was not waiting (idempotent)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.QUEUED, stage="queued", processed_rows=0, updated_at=timezone.now()
    )
    if claimed:
        task_enqueue("sme.imports.tasks.import_job_run_task", job.pk)
    return bool(claimed)


def import_job_discard(*, job: ImportJob) -> bool:
    """Drop a job being checked or previewed, and its files. Returns False when it was not waiting."""
    discarded = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.CHECKING, ImportStatus.PREVIEW]).update(
        status=ImportStatus.DISCARDED, finished_at=timezone.now()
    )
    if discarded:
        _files_delete(job)
    return bool(discarded)


def _progress_writer(job_id: int) -> Callable[[int], None]:
    def write(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, updated_at=timezone.now())

    return write


def import_job_run(*, job_id: int) -> ImportJob | None:
    """The background run: take the rows checked at preview (or re-read and re-check the sheet when they are
    not usable), re-plan them (the catalog may have changed since the preview), then write everything in one
    transaction. Only a job in status "queued" runs (a retried task is a no-op).

    Failures leave the catalog unchanged: whole-file problems end as "rejected", anything else as "failed".
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, stage="checking", started_at=timezone.now(), updated_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("business", "created_by").get(pk=job_id)
    progress = _progress_writer(job.pk)
    try:
        photos = _photos_of(job)
        rows = _checked_rows(job, progress)
        plan = import_plan(business=job.business, rows=rows, photos=photos,
                           progress=lambda n: progress(len(rows) // 2 + n // 2))
        ImportJob.objects.filter(pk=job.pk).update(stage="saving", processed_rows=len(rows))
        import_apply(business=job.business, plan=plan, photos=photos, actor=job.created_by,
                     reference=f"import:{job.pk}")
    except FileRejected as exc:
        job.refresh_from_db()
        return _reject(job, exc)
    except (DatabaseError, OSError, ValidationError, ValueError) as exc:
        logger.exception("Import job %s failed; the catalog is unchanged", job.pk)
        job.refresh_from_db()
        _checked_rows_delete(job)
        job.status = ImportStatus.FAILED
        job.error_code = type(exc).__name__[:64]
        job.stage = ""
        job.finished_at = timezone.now()
        job.save()
        return job
    job.refresh_from_db()
    _checked_rows_delete(job)
    job.status = ImportStatus.SUCCEEDED
    job.stage = ""
    job.total_rows = len(rows)
    job.processed_rows = len(rows)
    job.problems = _problems_of(rows)
    job.failed_rows = _failed_rows(rows)
    job.summary = plan.counts()
    job.activation = plan.activation.as_dict()
    job.finished_at = timezone.now()
    job.save()
    return job


def _checked_rows(job: ImportJob, progress: Callable[[int], None]) -> list[ParsedRow]:
    """The rows checked at preview; the sheet is read and checked again only when they are not usable."""
    if job.checked_rows and job.checked_rows.name:
        try:
            with job.checked_rows.open("rb") as fh:
                rows = rows_load(fh.read())
        except (OSError, StoredRowsInvalid):
            logger.warning("Import job %s: stored rows not usable; reading the sheet again", job.pk)
        else:
            ImportJob.objects.filter(pk=job.pk).update(total_rows=len(rows))
            return rows
    sheet = _read_hostile(job.source.path, progress=None)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
    return parse_rows(sheet)


def _checked_rows_delete(job: ImportJob) -> None:
    if job.checked_rows and job.checked_rows.name:
        job.checked_rows.storage.delete(job.checked_rows.name)
        ImportJob.objects.filter(pk=job.pk).update(checked_rows="")
        job.checked_rows = ""


def import_job_sheet_limit_bytes() -> int:
    return MAX_FILE_BYTES


def import_job_mark_failed(*, job_id: int, error_code: str) -> None:
    """Record an unexpected crash of a run; the transaction was rolled back so the catalog is unchanged."""
    marked = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, error_code=error_code[:64], stage="", finished_at=timezone.now()
    )
    if marked:
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            _checked_rows_delete(job)


# --- Retention of uploads --------------------------------------------------------------------------


def _with_files() -> Q:
    return ~Q(source="") | ~Q(photos="") | ~Q(checked_rows="")


def import_uploads_delete(*, jobs: QuerySet[ImportJob]) -> int:
    """Delete the uploaded sheets, photo archives and checked rows of ``jobs``; a job still waiting for its
    check or its confirmation is ended (it cannot run without its file). The jobs themselves (status, counts,
    problems) stay. Returns how many jobs had files."""
    count = 0
    for job in jobs.filter(_with_files()).iterator():
        ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.CHECKING, ImportStatus.PREVIEW]).update(
            status=ImportStatus.DISCARDED, finished_at=timezone.now())
        ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
            status=ImportStatus.FAILED, error_code="expired", stage="", finished_at=timezone.now())
        _files_delete(job)
        count += 1
    return count


def import_uploads_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The hourly sweep: uploads older than IMPORTS_UPLOAD_RETENTION_DAYS are deleted (ASVS 8.3.x: data kept
    no longer than needed), and checks a worker lost (still "checking" after the task time limit) are refused
    with a message and their upload removed."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORTS_UPLOAD_RETENTION_DAYS)
    expired = import_uploads_delete(jobs=ImportJob.objects.filter(created_at__lt=cutoff))
    lost_before = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 600)
    lost = 0
    for job in ImportJob.objects.filter(status=ImportStatus.CHECKING, updated_at__lt=lost_before):
        _reject(job, FileRejected([Problem("check_failed")]))
        lost += 1
    if expired or lost:
        logger.info("Import uploads: %s expired, %s lost checks refused", expired, lost)
    return {"expired": expired, "lost": lost}


def import_uploads_delete_for_user(*, user: User) -> int:
    """On erasure of ``user``'s personal data: delete every upload they made."""
    return import_uploads_delete(jobs=ImportJob.objects.filter(created_by=user))


def import_job_files_delete_on_commit(*, job: ImportJob) -> None:
    """A deleted job (its business deleted): delete its files once the deletion is committed."""
    names = [(f.storage, f.name) for f in (job.source, job.photos, job.checked_rows) if f and f.name]
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


# --- watchdog: a run that stopped moving ------------------------------------------------------------
TIMED_OUT = "timed_out"


def import_job_is_slow(*, job: ImportJob) -> bool:
    """Queued or running, and nothing moved for JOB_SLOW_SECONDS: the owner's page says it is slower than
    usual (it may still finish)."""
    if job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return False
    return (timezone.now() - job.updated_at).total_seconds() > settings.JOB_SLOW_SECONDS


def import_jobs_fail_stalled() -> int:
    """Fail every job queued or running that has not moved for JOB_STALL_SECONDS (its worker died, or its
    message was lost): the owner sees an error with a "Try again" button instead of a bar stuck at 0%.
    Idempotent; returns how many jobs it failed. The catalog is unchanged: a run writes in one transaction."""
    cutoff = timezone.now() - timedelta(seconds=settings.JOB_STALL_SECONDS)
    ids = list(ImportJob.objects.filter(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
                                        updated_at__lt=cutoff).values_list("pk", flat=True))
    for job_id in ids:
        import_job_mark_failed(job_id=job_id, error_code=TIMED_OUT)
    return len(ids)


def import_job_retry(*, job: ImportJob) -> bool:
    """Queue a job that failed (timed out or crashed) again, from its sheet. Returns False when it had not
    failed or its sheet is gone (the owner uploads it again)."""
    if not (job.source and job.source.name and job.source.storage.exists(job.source.name)):
        return False
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.QUEUED, stage="queued", processed_rows=0, error_code="", finished_at=None,
        updated_at=timezone.now())
    if claimed:
        task_enqueue("sme.imports.tasks.import_job_run_task", job.pk)
    return bool(claimed)
