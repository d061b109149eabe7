from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("new/", views.product_create_view, name="product_create"),
    path("<int:product_id>/", views.product_edit, name="product_edit"),
    path("<int:product_id>/photos/", views.product_images, name="product_images"),
    path("<int:product_id>/photos/<int:image_id>/delete/", views.image_delete_view, name="image_delete"),
    path("<int:product_id>/photos/<int:image_id>/move/", views.image_move_view, name="image_move"),
    path("variants/<int:variant_id>/stock/", views.variant_stock, name="variant_stock"),
    path("<int:product_id>/documents/", views.document_add_view, name="document_add"),
    path("<int:product_id>/documents/<int:document_id>/", views.document_download_view, name="document_download"),
    path("<int:product_id>/documents/<int:document_id>/delete/", views.document_delete_view,
         name="document_delete"),
]
