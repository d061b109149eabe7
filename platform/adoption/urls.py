from django.urls import path

from . import api, views

app_name = "adoption"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.snapshot_refresh, name="refresh"),
    path("snapshot/<str:day>/status.json", views.snapshot_status, name="snapshot_status"),
    path("methods/", views.methods_page, name="methods"),
    path("funnel/", views.funnel_page, name="funnel"),
    path("businesses/", views.drilldown_page, name="drilldown"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("register/", views.register_home, name="register_home"),
    path("register/<int:job_id>/", views.register_job, name="register_job"),
    path("register/<int:job_id>/confirm/", views.register_job_confirm, name="register_job_confirm"),
    path("register/<int:job_id>/discard/", views.register_job_discard, name="register_job_discard"),
    path("register/<int:job_id>/status.json", views.register_job_status, name="register_job_status"),
    path("register/matching/", views.register_matching, name="register_matching"),
    path("register/addresses/", views.register_review, name="register_review"),
    path("register/addresses/<int:pk>/", views.register_resolve, name="register_resolve"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/<int:pk>/decide/", views.declaration_decide, name="declaration_decide"),
    path("declarations/<int:pk>/evidence/", views.declaration_evidence, name="declaration_evidence"),
    path("declarations/<int:pk>/withdraw/", views.declaration_withdraw, name="declaration_withdraw"),
    path("ownership/", views.ownership_claims, name="ownership_claims"),
    path("ownership/<int:pk>/", views.ownership_claim, name="ownership_claim"),
    path("ownership/<int:pk>/document/", views.ownership_claim_document, name="ownership_claim_document"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/", views.targets, name="target_edit"),
    path("api-tokens/", views.tokens, name="tokens"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("api/v1/indicator", api.indicator, name="api_indicator"),
    path("api/v1/trend", api.trend_view, name="api_trend"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
]
