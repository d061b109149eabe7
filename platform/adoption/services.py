"""Writes of the adoption area: register imports, address review, declared shops, targets, API tokens.

Every function is keyword-only; each says whether it is idempotent.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from marketplace_connectors.selectors import account_list_for_business
from marketplace_connectors.services import account_disconnect
from sme.businesses.models import AdministrativeUnit, Business, MemberRole, OwnershipClaim
from sme.businesses.ownership import ownership_claim_decide
from sme.catalog.images import image_prepare
from sme.jobs import task_enqueue

from .models import (
    AdoptionTarget,
    AdoptionTargetVersion,
    ApiToken,
    DeclarationEvent,
    DeclarationStatus,
    DeclaredShop,
    ImportStatus,
    RegisterEntry,
    RegisterEntryHistory,
    RegisterImport,
    SnapshotJob,
    SnapshotJobStatus,
)
from .register import RegisterFileRejected, RegisterRow, register_read, register_rows_check

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"
ENTRY_FIELDS = ("name", "legal_form", "status", "size_class", "main_sector", "source", "as_of", "ward_id",
                "legacy_district_id", "legacy_commune_id", "needs_address_review", "ward_candidates", "contact_email")
# What the indicator counts: a change to any of these keeps the previous state as history. ``source`` and
# ``as_of`` only describe the file, so a newer file saying the same thing keeps the entry's dates.
STATE_FIELDS = ("name", "legal_form", "status", "size_class", "main_sector", "ward_id", "legacy_district_id",
                "legacy_commune_id", "needs_address_review", "ward_candidates")


# --- Register import ---------------------------------------------------------------------------------


@dataclass
class EntryUpdate:
    """How an import changes one entry. ``keep_history``: the entry's current state stops being valid the
    day before ``valid_from`` and is kept as a ``RegisterEntryHistory`` row (a correction dated on or
    before the current state's own date replaces it in place instead)."""

    entry: RegisterEntry
    changed: dict
    keep_history: bool = False


@dataclass
class RegisterPlan:
    rows: list[RegisterRow]
    outcomes: dict[int, str]
    to_create: list[dict]
    to_update: list[EntryUpdate]

    def counts(self) -> dict[str, int]:
        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, FAILED: 0}
        for outcome in self.outcomes.values():
            counts[outcome] += 1
        counts["address_review"] = sum(1 for r in self.rows if r.ok and r.values.get("needs_address_review"))
        return counts


def _wanted_values(row: RegisterRow, entry: RegisterEntry | None) -> dict:
    values = {k: row.values[k] for k in ENTRY_FIELDS}
    if values["contact_email"] is None:  # the file gives no contact: keep the one the register had
        values["contact_email"] = entry.contact_email if entry is not None else ""
    # A person resolved this old address before: keep their choice while the file's address is the same.
    if (entry is not None and entry.address_resolved_at is not None and values["needs_address_review"]
            and entry.legacy_commune_id == values["legacy_commune_id"]
            and entry.legacy_district_id == values["legacy_district_id"]):
        values["ward_id"] = entry.ward_id
        values["needs_address_review"] = False
        values["ward_candidates"] = entry.ward_candidates
    return values


def register_plan(*, rows: list[RegisterRow]) -> RegisterPlan:
    """Compare checked rows with the register: what an import would create, update or leave. Reads only.

    Each row is dated by its as-of date (the import's day when the file gives none). The first register
    describes every earlier day too; an entry a later register adds counts from its row's date on, and a
    changed entry keeps its previous state for the days before that date.
    """
    identifiers = [r.values["identifier"] for r in rows if r.ok]
    existing = {e.identifier: e for e in RegisterEntry.objects.filter(identifier__in=identifiers)}
    register_existed = bool(existing) or RegisterEntry.objects.exists()
    today = timezone.localdate()
    outcomes, to_create, to_update = {}, [], []
    for row in rows:
        if not row.ok:
            outcomes[row.number] = FAILED
            continue
        entry = existing.get(row.values["identifier"])
        values = _wanted_values(row, entry)
        dated = row.values["as_of"] or today
        if entry is None:
            outcomes[row.number] = CREATED
            to_create.append({"identifier": row.values["identifier"], **values,
                              "valid_from": dated if register_existed else None})
            continue
        changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
        if not changed:
            outcomes[row.number] = UNCHANGED
            continue
        outcomes[row.number] = UPDATED
        # The current state's own date: when it became valid, else the date its file gave it.
        state_dated = entry.valid_from or entry.as_of
        keep_history = (any(k in changed for k in STATE_FIELDS)
                        and (state_dated is None or dated > state_dated))
        if keep_history:
            changed["valid_from"] = dated
        to_update.append(EntryUpdate(entry=entry, changed=changed, keep_history=keep_history))
    return RegisterPlan(rows=rows, outcomes=outcomes, to_create=to_create, to_update=to_update)


def _history_of(update: EntryUpdate, job: RegisterImport) -> RegisterEntryHistory:
    """The entry's state before ``update``, valid until the day before the new state's date."""
    entry = update.entry
    return RegisterEntryHistory(
        entry=entry, valid_from=entry.valid_from, valid_to=update.changed["valid_from"] - datetime.timedelta(days=1),
        replaced_by_import=job, **{k: getattr(entry, k) for k in (*STATE_FIELDS, "source", "as_of")})


def register_import_create(*, actor: User, upload: UploadedFile) -> RegisterImport:
    """Store the upload and preview it: whole-file problems reject it, row problems are listed. No entry is
    written. Not idempotent (each upload is a new job)."""
    data = upload.read()
    job = RegisterImport.objects.create(created_by=actor, source_name=(upload.name or "register")[:255],
                                        sha256=hashlib.sha256(data).hexdigest())
    job.source.save(f"{job.pk}-{hashlib.sha256(data).hexdigest()[:12]}", ContentFile(data), save=True)
    try:
        rows = register_rows_check(register_read(job.source.path))
    except RegisterFileRejected as exc:
        job.status = ImportStatus.REJECTED
        job.file_problems = exc.problems
        job.save(update_fields=["status", "file_problems", "updated_at"])
        return job
    plan = register_plan(rows=rows)
    job.total_rows = len(rows)
    job.problems = [p for r in rows for p in r.problems]
    job.planned = plan.counts()
    job.save(update_fields=["total_rows", "problems", "planned", "updated_at"])
    return job


def register_import_confirm(*, job: RegisterImport) -> bool:
    """Queue a previewed import. Idempotent: False when it was already confirmed or is not a preview."""
    claimed = RegisterImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.QUEUED, updated_at=timezone.now())
    if not claimed:
        return False
    task_enqueue("adoption.tasks.register_import_run_task", job.pk)
    return True


def register_import_discard(*, job: RegisterImport) -> bool:
    return bool(RegisterImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.DISCARDED, updated_at=timezone.now()))


def register_import_run(*, job_id: int) -> RegisterImport:
    """Apply a queued import in ONE transaction: all rows without problems, or nothing. Idempotent: a job
    not queued is left alone, and a file already applied finds every row unchanged."""
    claimed = RegisterImport.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now())
    job = RegisterImport.objects.get(pk=job_id)
    if not claimed:
        return job
    rows = register_rows_check(register_read(job.source.path))
    with transaction.atomic():
        plan = register_plan(rows=rows)
        RegisterEntry.objects.bulk_create(
            [RegisterEntry(last_import=job, **values) for values in plan.to_create], batch_size=2000)
        RegisterEntryHistory.objects.bulk_create(
            [_history_of(update, job) for update in plan.to_update if update.keep_history], batch_size=2000)
        now = timezone.now()
        changed_fields: set[str] = set()
        for update in plan.to_update:
            for key, value in update.changed.items():
                setattr(update.entry, key, value)
            update.entry.last_import = job
            update.entry.updated_at = now
            changed_fields |= set(update.changed)
        if plan.to_update:
            RegisterEntry.objects.bulk_update([u.entry for u in plan.to_update],
                                              [*sorted(changed_fields), "last_import", "updated_at"], batch_size=2000)
        job.status = ImportStatus.SUCCEEDED
        job.summary = plan.counts()
        job.problems = [p for r in rows for p in r.problems]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "summary", "problems", "finished_at", "updated_at"])
        snapshots_refresh_later(start=_earliest_dated_change(plan))
    return job


# Stored days an import may rebuild at once; older ones are rebuilt with ``adoption_backfill`` on purpose.
REFRESH_DAYS_MAX = 62


def _earliest_dated_change(plan: RegisterPlan) -> datetime.date:
    """The first day whose stored snapshot the import makes stale: the earliest date of an entry it added
    or of a state it dated (today when none: an undated first register or a correction)."""
    dates = [v["valid_from"] for v in plan.to_create if v["valid_from"]]
    dates += [u.changed["valid_from"] for u in plan.to_update if u.keep_history]
    today = timezone.localdate()
    return max(min(dates, default=today), today - datetime.timedelta(days=REFRESH_DAYS_MAX))


def register_import_mark_failed(*, job_id: int, error_code: str) -> None:
    RegisterImport.objects.filter(pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, error_code=error_code[:64], finished_at=timezone.now(),
        updated_at=timezone.now())


def register_entry_resolve_address(*, entry: RegisterEntry, ward: AdministrativeUnit, actor: User) -> RegisterEntry:
    """A person picks the new ward of an old address. Raises ValidationError for a ward that is not one of
    the candidates. Idempotent."""
    if not ward.is_current or (entry.ward_candidates and ward.code not in entry.ward_candidates):
        raise ValidationError(_("Choose one of the wards this old commune was split into."))
    entry.ward = ward
    entry.needs_address_review = False
    entry.address_resolved_by = actor
    entry.address_resolved_at = timezone.now()
    entry.save(update_fields=["ward", "needs_address_review", "address_resolved_by", "address_resolved_at",
                              "updated_at"])
    # A correction, not a change in time: earlier states with the same old address get the same ward.
    entry.history.filter(needs_address_review=True, legacy_commune_id=entry.legacy_commune_id,
                         legacy_district_id=entry.legacy_district_id).update(ward=ward, needs_address_review=False)
    snapshot_refresh_later()
    return entry


# --- Declared shops ------------------------------------------------------------------------------------


# A declaration approved until less than this many days from now may be declared again (renewed).
RENEWAL_DAYS = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day when it has no 31st."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def declaration_valid_until(*, approved_on: datetime.date) -> datetime.date:
    """The last day an approval given on ``approved_on`` counts: ADOPTION_DECLARATION_VALID_MONTHS later,
    minus one day (approved on 15/06/2026 with 12 months: counts to 14/06/2027 inclusive)."""
    return add_months(approved_on, settings.ADOPTION_DECLARATION_VALID_MONTHS) - datetime.timedelta(days=1)


def declared_shop_submit(*, business: Business, actor: User, channel: str, url: str,
                         evidence_image_data: bytes | None = None, evidence_image_name: str = "",
                         evidence_link: str = "") -> DeclaredShop:
    """An owner declares a shop, or declares it again to renew an approval that ends within RENEWAL_DAYS
    days (or has ended). The screenshot is checked by its content and re-encoded (no EXIF kept).

    Raises ValidationError when no evidence is given, the image is not a photo, the same shop waits for an
    officer, or its approval still runs for longer than RENEWAL_DAYS days.
    """
    if not evidence_image_data and not evidence_link:
        raise ValidationError(_("Add a screenshot of your shop or a link that shows it."))
    same = DeclaredShop.objects.filter(business=business, url=url)
    if same.filter(status=DeclarationStatus.PENDING).exists():
        raise ValidationError(_("This shop is already declared and waits for an officer."))
    renew_from = timezone.localdate() + datetime.timedelta(days=RENEWAL_DAYS)
    running = same.filter(status=DeclarationStatus.APPROVED).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=renew_from)).order_by("-valid_until").first()
    if running is not None:
        raise ValidationError(
            _("This shop is already approved until %(day)s; you can declare it again from %(renew)s.")
            % {"day": running.valid_until.strftime("%d/%m/%Y") if running.valid_until else "—",
               "renew": (running.valid_until - datetime.timedelta(days=RENEWAL_DAYS)).strftime("%d/%m/%Y")
               if running.valid_until else "—"})
    prepared = image_prepare(data=evidence_image_data, name=evidence_image_name) if evidence_image_data else None
    with transaction.atomic():
        shop = DeclaredShop(business=business, channel=channel, url=url, evidence_link=evidence_link,
                            submitted_by=actor)
        shop.full_clean(exclude=["evidence_image"])
        shop.save()
        if prepared is not None:
            shop.evidence_image.save(f"{shop.pk}-{prepared.sha256[:12]}.{prepared.image.name.rsplit('.', 1)[-1]}",
                                     prepared.image, save=True)
        DeclarationEvent.objects.create(shop=shop, action=DeclarationEvent.Action.SUBMITTED, actor=actor)
    return shop


def declared_shop_decide(*, shop: DeclaredShop, actor: User, approve: bool, reason: str = "") -> DeclaredShop:
    """An officer approves or rejects a pending declaration; a rejection needs a reason. An approval counts
    until ``declaration_valid_until``. The decision is audited and today's snapshot is refreshed. Raises
    ValidationError when already decided or no reason."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the declaration is rejected: the owner reads it."))
    now = timezone.now()
    status = DeclarationStatus.APPROVED if approve else DeclarationStatus.REJECTED
    with transaction.atomic():
        updated = DeclaredShop.objects.filter(pk=shop.pk, status=DeclarationStatus.PENDING).update(
            status=status, rejection_reason="" if approve else reason, decided_by=actor, decided_at=now,
            valid_until=declaration_valid_until(approved_on=timezone.localdate(now)) if approve else None,
            updated_at=now)
        if not updated:
            raise ValidationError(_("This declaration has already been decided."))
        DeclarationEvent.objects.create(
            shop=shop, actor=actor, reason=reason,
            action=DeclarationEvent.Action.APPROVED if approve else DeclarationEvent.Action.REJECTED)
        snapshot_refresh_later()
    shop.refresh_from_db()
    return shop


def declared_shop_withdraw(*, shop: DeclaredShop, actor: User, reason: str = "") -> DeclaredShop:
    """The owner (or an officer) withdraws a pending or approved declaration. Nothing is deleted: an approved
    one keeps counting for the days up to and including the day of the withdrawal, none after; the event
    is audited and today's snapshot refreshed. Raises ValidationError when it is rejected or withdrawn
    already, or has expired."""
    now = timezone.now()
    with transaction.atomic():
        updated = DeclaredShop.objects.filter(pk=shop.pk).filter(
            Q(status=DeclarationStatus.PENDING)
            | Q(status=DeclarationStatus.APPROVED) & (Q(valid_until__isnull=True)
                                                     | Q(valid_until__gte=timezone.localdate(now)))
        ).update(status=DeclarationStatus.WITHDRAWN, withdrawn_at=now, withdrawn_by=actor,
                 withdrawal_reason=(reason or "").strip()[:1000], updated_at=now)
        if not updated:
            raise ValidationError(_("Only a declaration waiting for an officer or still counting can be withdrawn."))
        DeclarationEvent.objects.create(shop=shop, actor=actor, reason=(reason or "").strip(),
                                        action=DeclarationEvent.Action.WITHDRAWN)
        snapshot_refresh_later()
    shop.refresh_from_db()
    return shop


# --- Targets -----------------------------------------------------------------------------------------


def _target_version(target: AdoptionTarget, actor: User | None) -> None:
    AdoptionTargetVersion.objects.create(target=target, name=target.name, percent=target.percent,
                                         deadline=target.deadline, legal_basis=target.legal_basis,
                                         is_active=target.is_active, changed_by=actor)


def target_save(*, actor: User | None, target: AdoptionTarget | None = None, name: str, percent,
                deadline: datetime.date, legal_basis: str = "", is_active: bool = True) -> AdoptionTarget:
    """Create or edit a target; every save adds a version to its history. Raises ValidationError."""
    target = target or AdoptionTarget()
    target.name, target.percent, target.deadline = name, percent, deadline
    target.legal_basis, target.is_active = legal_basis, is_active
    target.full_clean()
    with transaction.atomic():
        target.save()
        _target_version(target, actor)
    return target


# --- API tokens --------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``, valid for ``ADOPTION_API_TOKEN_DAYS``; the clear token is returned once and
    never stored. The creation is in the audit trail."""
    token = "dta_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name[:100] or "API", prefix=token[:10], token_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.ADOPTION_API_TOKEN_DAYS))
    audit_record(action=AuditAction.API_TOKEN_CREATED, actor=user, target=f"{record.name} ({record.prefix}…)",
                 details={"token_id": record.pk, "expires_at": record.expires_at.isoformat()}, request=request)
    return record, token


def api_token_revoke(*, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Idempotent: revoking twice keeps the first time (and records it once in the audit trail)."""
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()):
        audit_record(action=AuditAction.API_TOKEN_REVOKED, actor=token.user, target=f"{token.name} ({token.prefix}…)",
                     details={"token_id": token.pk}, request=request)


# --- Snapshots ---------------------------------------------------------------------------------------

# A job waiting this long, or running this long (past Celery's hard time limit), was lost: asking again
# enqueues it again.
SNAPSHOT_JOB_STALE = datetime.timedelta(minutes=35)


def snapshot_request(*, day: datetime.date) -> SnapshotJob:
    """A page or the API asked for ``day`` and no snapshot of it (under the current definitions) is stored:
    compute it in the background, once the current transaction commits. Deduplicated: while the day's job
    waits or runs, asking again enqueues nothing; a job that finished (its snapshot was since replaced or
    made stale), failed, or was lost is enqueued again (a failed one keeps its ``error_code`` until it
    succeeds, so the page can say the last attempt failed). Returns the job (its status and progress)."""
    now = timezone.now()
    job, created = SnapshotJob.objects.get_or_create(day=day, defaults={"requested_at": now})
    enqueue = created
    if not created:
        lost = now - SNAPSHOT_JOB_STALE
        enqueue = bool(SnapshotJob.objects.filter(pk=job.pk).filter(
            Q(status__in=[SnapshotJobStatus.DONE, SnapshotJobStatus.FAILED])
            | Q(status=SnapshotJobStatus.QUEUED, requested_at__lt=lost)
            | Q(status=SnapshotJobStatus.RUNNING, started_at__lt=lost)
        ).update(status=SnapshotJobStatus.QUEUED, progress=0, requested_at=now, started_at=None, finished_at=None))
        if enqueue:
            job.refresh_from_db()
    if enqueue:
        task_enqueue("adoption.tasks.snapshot_job_task", day.isoformat())
    return job


def snapshot_job_run(*, day: datetime.date) -> SnapshotJob | None:
    """Run the queued job of ``day`` (the task's body): compute and store the snapshot, moving the job's
    progress. Idempotent: a job not queued (already running elsewhere, or done) is left alone."""
    from .indicator import snapshot_store

    claimed = SnapshotJob.objects.filter(day=day, status=SnapshotJobStatus.QUEUED).update(
        status=SnapshotJobStatus.RUNNING, started_at=timezone.now(), progress=5)
    if not claimed:
        return None
    jobs = SnapshotJob.objects.filter(day=day, status=SnapshotJobStatus.RUNNING)
    try:
        snapshot_store(day=day, progress=lambda percent: jobs.update(progress=percent))
    except Exception as exc:
        jobs.update(status=SnapshotJobStatus.FAILED, error_code=type(exc).__name__[:64], finished_at=timezone.now())
        raise
    jobs.update(status=SnapshotJobStatus.DONE, progress=100, error_code="", finished_at=timezone.now())
    return SnapshotJob.objects.get(day=day)


def snapshot_refresh_later(*, day: datetime.date | None = None) -> None:
    """Recompute ``day`` (today by default) in the background once the current transaction commits."""
    day = day or timezone.localdate()
    task_enqueue("adoption.tasks.snapshot_day_task", day.isoformat())


def snapshots_refresh_later(*, start: datetime.date) -> None:
    """Recompute every day from ``start`` to today in the background once the current transaction commits
    (only today when ``start`` is today)."""
    end = timezone.localdate()
    if start >= end:
        snapshot_refresh_later(day=end)
        return
    task_enqueue("adoption.tasks.snapshot_range_task", start.isoformat(), end.isoformat())


# --- Business ownership ---------------------------------------------------------------------------------


def ownership_claim_settle(*, claim: OwnershipClaim, officer: User, approve: bool, reason: str = "",
                           request: HttpRequest | None = None) -> OwnershipClaim:
    """An officer's decision on an ownership claim (``sme.businesses.ownership.ownership_claim_decide``, which
    raises ``ValidationError`` for a closed claim or a refusal without a reason). When it transfers the
    business, the marketplace shops the previous team connected are disconnected: those seller accounts are
    theirs, not the new owner's, and their listings must not count for the business."""
    transfers = approve and not claim.business.memberships.filter(
        user=claim.claimant, role=MemberRole.OWNER).exists()
    with transaction.atomic():
        claim = ownership_claim_decide(claim=claim, officer=officer, approve=approve, reason=reason,
                                       request=request)
        if transfers:
            for account in account_list_for_business(business=claim.business):  # connected ones
                account_disconnect(account=account)
    return claim
