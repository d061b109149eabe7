from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.plans, name="plans"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/<str:session_id>/", views.checkout_return, name="checkout_return"),
    path("checkout/<str:session_id>/status.json", views.checkout_status, name="checkout_status"),
    path("portal/", views.portal, name="portal"),
    path("webhook/", views.webhook, name="webhook"),
    path("vouchers/", views.voucher_list, name="voucher_list"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="voucher_detail"),
    path("vouchers/<int:pk>/deactivate/", views.voucher_deactivate, name="voucher_deactivate"),
]
