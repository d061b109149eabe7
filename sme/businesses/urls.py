from django.urls import path

from . import views

app_name = "businesses"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("edit/", views.edit, name="edit"),
    path("size/", views.size_declare, name="size"),
    path("switch/", views.switch, name="switch"),
    path("ocop/add/", views.ocop_add, name="ocop_add"),
    path("ocop/<int:pk>/edit/", views.ocop_edit, name="ocop_edit"),
    path("ocop/<int:pk>/delete/", views.ocop_delete, name="ocop_delete"),
    path("team/", views.team, name="team"),
    path("team/invite/", views.team_invite, name="team_invite"),
    path("team/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("team/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("team/join-requests/<int:pk>/decide/", views.join_request_decide, name="join_request_decide"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("join/", views.join, name="join"),
    path("ownership/", views.ownership_page, name="ownership"),
    path("ownership/start/", views.ownership_start, name="ownership_start"),
    path("ownership/dispute/", views.ownership_dispute, name="ownership_dispute"),
    path("ownership/<int:pk>/send-code/", views.ownership_code_send, name="ownership_code_send"),
    path("ownership/<int:pk>/verify/", views.ownership_code_verify, name="ownership_code_verify"),
    path("ownership/<int:pk>/document/", views.ownership_document, name="ownership_document"),
    path("privacy/", views.privacy, name="privacy"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/erase/", views.erasure_request, name="erasure_request"),
    path("my-data/erase/<int:pk>/", views.erasure_confirm, name="erasure_confirm"),
]
