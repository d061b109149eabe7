from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("template.xlsx", views.template_download, name="template"),
    path("sample.xlsx", views.sample_download, name="sample"),
    path("export.xlsx", views.export_download, name="export"),
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/confirm/", views.job_confirm, name="job_confirm"),
    path("<int:job_id>/discard/", views.job_discard, name="job_discard"),
    path("<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("<int:job_id>/status.json", views.job_status, name="job_status"),
    path("<int:job_id>/report.xlsx", views.job_report, name="job_report"),
]
