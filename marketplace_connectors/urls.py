from django.urls import path

from . import prepare_views, views

app_name = "marketplaces"
urlpatterns = [
    path("", views.account_list, name="account_list"),
    path("connect/<slug:marketplace>/", views.connect_start, name="connect_start"),
    path("connect/<slug:marketplace>/callback/", views.connect_callback, name="connect_callback"),
    path("connect/<slug:marketplace>/keys/", views.connect_keys, name="connect_keys"),
    path("push/<slug:marketplace>/", views.push_receive, name="push_receive"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("stock/push/", views.stock_push_now, name="stock_push_now"),
    path("<int:account_id>/settings/", views.account_settings, name="account_settings"),
    path("<int:account_id>/settings/loading/", views.account_settings_loading, name="account_settings_loading"),
    path("<int:account_id>/", views.listing_list, name="listing_list"),
    path("<int:account_id>/disconnect/", views.account_disconnect, name="account_disconnect"),
    path("<int:account_id>/publish/", views.listing_publish, name="listing_publish"),
    path("<int:account_id>/prepare/<int:product_id>/", prepare_views.listing_prepare, name="listing_prepare"),
    path("<int:account_id>/prepare/<int:product_id>/loading/", prepare_views.listing_prepare_loading,
         name="listing_prepare_loading"),
    path("<int:account_id>/sync/", views.account_sync, name="account_sync"),
    path("<int:account_id>/retry/", views.listing_retry_failed, name="listing_retry_failed"),
    path("<int:account_id>/listings/<int:binding_id>/delist/confirm/", views.listing_delist_confirm,
         name="listing_delist_confirm"),
    path("<int:account_id>/listings/pending/", views.listing_actions_pending, name="listing_actions_pending"),
    path("<int:account_id>/listings/<int:binding_id>/<slug:action>/", views.listing_action, name="listing_action"),
    path("<int:account_id>/categories/", views.category_list, name="category_list"),
    path("<int:account_id>/categories/<int:category_id>/", views.category_edit, name="category_edit"),
    path("<int:account_id>/categories/<int:category_id>/loading/", views.category_edit_loading,
         name="category_edit_loading"),
    path("<int:account_id>/matches/", views.match_list, name="match_list"),
    path("<int:account_id>/matches/<int:match_id>/choose/", views.match_choose, name="match_choose"),
    path("<int:account_id>/runs/", views.run_list, name="run_list"),
    path("<int:account_id>/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("<int:account_id>/runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
]
