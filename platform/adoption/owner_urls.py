"""Owners' pages of the adoption area, mounted at /business/declared-shops/ (namespace adoption_owner)."""

from django.urls import path

from . import views

app_name = "adoption_owner"
urlpatterns = [
    path("", views.owner_declared_shops, name="declared_shops"),
    path("<int:pk>/withdraw/", views.owner_declared_shop_withdraw, name="declared_shop_withdraw"),
]
