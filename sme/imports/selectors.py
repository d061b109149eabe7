"""Reads of import jobs; every id is checked against the business."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from sme.businesses.models import Business

from .models import ImportJob


def import_job_get(*, business: Business, job_id: int) -> ImportJob:
    """The job if it belongs to ``business``; Http404 otherwise."""
    return get_object_or_404(ImportJob, business=business, pk=job_id)


def import_job_list_for_business(*, business: Business, limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(business=business).defer("problems", "failed_rows")[:limit]
