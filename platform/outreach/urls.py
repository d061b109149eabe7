from django.urls import path

from . import api, views

app_name = "outreach"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/status.json", views.campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/letters/", views.campaign_letters, name="campaign_letters"),
    path("campaigns/<int:pk>/letters/status.json", views.campaign_letters_status, name="campaign_letters_status"),
    path("campaigns/<int:pk>/letters/<int:job_id>.pdf", views.campaign_letters_download,
         name="campaign_letters_download"),
    path("campaigns/<int:pk>/letters/<int:job_id>/reprint/", views.campaign_letters_reprint,
         name="campaign_letters_reprint"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign_delete"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_action, name="campaign_action"),
    path("campaigns/<int:pk>/funnel.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("i/<str:token>/register/", views.invitation_register, name="invitation_register"),
    path("stop/<str:token>/", views.opt_out, name="opt_out"),
    path("esms/delivery/", views.esms_delivery_callback, name="esms_delivery_callback"),
    path("api/v1/campaigns", api.campaign_list_view, name="api_campaigns"),
    # <str:>: an id that is not a number still gets the API's JSON answer, not the site's HTML 404 page
    path("api/v1/campaigns/<str:campaign_id>/funnel", api.campaign_funnel_view, name="api_campaign_funnel"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
]
