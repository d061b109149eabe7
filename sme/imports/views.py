"""Import and export pages. The run itself happens in a Celery task; the page polls a small JSON status."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from sme.businesses.context import business_required

from . import selectors
from .forms import UploadForm
from .models import ImportStatus
from .problems import activation_messages, column_label, problem_message
from .sample import SAMPLE_PATH
from .services import (
    import_job_confirm,
    import_job_create,
    import_job_discard,
    import_job_is_slow,
    import_job_retry,
)
from .sheets import export_workbook, report_workbook, template_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PROBLEMS_SHOWN = 500


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@business_required
def home(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = import_job_create(business=request.business, actor=request.user, sheet=form.cleaned_data["sheet"],
                                photos=form.cleaned_data.get("photos"))
        return redirect("imports:job_detail", job_id=job.pk)
    return render(request, "imports/home.html", {
        "form": form, "jobs": selectors.import_job_list_for_business(business=request.business),
    })


@business_required
def template_download(request):
    return _xlsx(template_workbook(), "mau-danh-muc-san-pham.xlsx")


@business_required
def sample_download(request):
    """The sample sheet of Đồng Tháp products, to try an import without typing."""
    return _xlsx(SAMPLE_PATH.read_bytes(), SAMPLE_PATH.name)


@business_required
def export_download(request):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    audit_record(action=AuditAction.EXPORT_CATALOG, actor=request.user, target=request.business.display_name,
                 details={"business_id": request.business.pk}, request=request)
    return _xlsx(export_workbook(business=request.business), f"danh-muc-{stamp}.xlsx")


def _problem_rows(job) -> list[dict]:
    shown = []
    for problem in job.problems[:MAX_PROBLEMS_SHOWN]:
        shown.append({"row": problem.get("row"), "column": column_label(problem.get("column")),
                      "message": problem_message(problem)})
    return shown


@business_required
def job_detail(request, job_id: int):
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    return render(request, "imports/job_detail.html", {
        "job": job,
        "statuses": ImportStatus,
        "file_problems": [problem_message(p) for p in job.file_problems],
        "activation_messages": activation_messages(job.activation, done=job.status == ImportStatus.SUCCEEDED),
        "activation_held": bool(job.activation.get("held")),
        "problems": _problem_rows(job),
        "problem_count": len(job.problems),
        "failed_row_count": len({p.get("row") for p in job.problems if p.get("row")}),
        "slow": import_job_is_slow(job=job),
    })


@require_POST
@business_required
def job_confirm(request, job_id: int):
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    if not import_job_confirm(job=job):
        messages.info(request, _("This import has already been started."))
    return redirect("imports:job_detail", job_id=job.pk)


@require_POST
@business_required
def job_discard(request, job_id: int):
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    if import_job_discard(job=job):
        messages.success(request, _("The import was discarded. Nothing was changed."))
    return redirect("imports:home")


@require_POST
@business_required
def job_retry(request, job_id: int):
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    if import_job_retry(job=job):
        messages.success(request, _("The import was started again."))
    else:
        messages.info(request, _("This import cannot be started again: upload the sheet again."))
    return redirect("imports:job_detail", job_id=job.pk)


@business_required
def job_status(request, job_id: int):
    """Small JSON polled by imports/progress.js."""
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    return JsonResponse({
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "processed": job.processed_rows,
        "total": job.total_rows,
        "percent": job.percent,
        "finished": job.is_finished,
        "waiting": job.is_waiting,
        "slow": import_job_is_slow(job=job),
        "url": reverse("imports:job_detail", args=[job.pk]),
    })


@business_required
def job_report(request, job_id: int):
    job = selectors.import_job_get(business=request.business, job_id=job_id)
    return _xlsx(report_workbook(job=job), f"loi-nhap-{job.pk}.xlsx")
