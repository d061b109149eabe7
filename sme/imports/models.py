"""An import job: the uploaded sheet (and photo .zip), its preview problems, progress and summary."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Uploaded sheets hold business data: private storage, never served (migrations name it from here).
from sme.catalog.storage import private_storage


class ImportStatus(models.TextChoices):
    REJECTED = "rejected", _("Refused")
    CHECKING = "checking", _("Checking the file")
    PREVIEW = "preview", _("Waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed, nothing changed")
    DISCARDED = "discarded", _("Discarded")


class ImportJob(models.Model):
    """One upload of the catalog sheet, from preview to summary. Problems are stored as codes (see problems.py)."""

    business = models.ForeignKey("businesses.Business", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    source = models.FileField(storage=private_storage, upload_to="imports/sheets/", blank=True)
    source_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, blank=True)
    photos = models.FileField(storage=private_storage, upload_to="imports/photos/", blank=True)
    photos_name = models.CharField(max_length=255, blank=True)
    # The rows read and checked at preview (stored.py), so the run does not parse the sheet again.
    checked_rows = models.FileField(storage=private_storage, upload_to="imports/rows/", blank=True)
    file_problems = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=16, blank=True)
    # How far the check of the file (in the worker) has got, 0-100.
    preview_percent = models.PositiveSmallIntegerField(default=0)
    # The plan at preview time, then the result: {"created": n, "updated": n, "unchanged": n, "failed": n}.
    planned = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # The plan's active-product limit at preview, then at the run (services.Activation.as_dict()).
    activation = models.JSONField(default=dict, blank=True)
    failed_rows = models.JSONField(default=list, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["business", "-created_at"], name="importjob_business_created")]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.REJECTED,
                               ImportStatus.DISCARDED)

    @property
    def is_waiting(self) -> bool:
        """A worker has something to do for this job (its page shows progress)."""
        return self.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def percent(self) -> int:
        """The check: 0-100 as the file is read and checked. The run: 0-80 while rows are checked, 90 while
        saving in one transaction, 100 when done."""
        if self.status == ImportStatus.CHECKING:
            return min(self.preview_percent, 99)
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if self.stage == "saving":
            return 90
        if not self.total_rows:
            return 0
        return min(80, min(self.processed_rows, self.total_rows) * 80 // self.total_rows)
