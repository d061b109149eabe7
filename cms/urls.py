from django.urls import path

from . import views

app_name = "cms"
urlpatterns = [
    path("", views.journey, name="journey"),
    path("steps/<uuid:step_key>/done/", views.step_done, name="step_done"),
    path("steps/<uuid:step_key>/checklist/", views.checklist_save, name="checklist_save"),
    path("marketplaces/", views.marketplaces_save, name="marketplaces_save"),
]
