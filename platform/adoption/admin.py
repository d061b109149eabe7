"""Django admin for the adoption records: for looking things up, not for changing the numbers.

Everything imported, decided or computed is read-only here, since each has its own path that keeps the
record straight: the register comes from imports (addresses are resolved on the officers' page, which
records who), declarations are decided in the officers' queue (audited), snapshots are computed
(the nightly task or ``adoption_backfill``) and API tokens are revoked on the tokens page. Targets may be
edited, through ``target_save`` so every edit adds a version to their history. Trade officers who also
have staff access may view every adoption record here.
"""

from django.contrib import admin
from django.db import models

from .models import (
    AdoptionTarget,
    AdoptionTargetVersion,
    ApiToken,
    DeclarationEvent,
    DeclaredShop,
    RegisterEntry,
    RegisterEntryHistory,
    RegisterImport,
    SnapshotJob,
    SnapshotRow,
    SnapshotRun,
)
from .services import target_save

OFFICER_PERMISSION = "accounts.use_officer_tools"


class OfficerViewableAdmin(admin.ModelAdmin):
    """Viewable by trade officers with staff access as well as by those with the model's view permission."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm(OFFICER_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(OFFICER_PERMISSION)


class ReadOnlyAdmin(OfficerViewableAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Records shown beside their parent, viewable like ``OfficerViewableAdmin`` and never edited here."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(OFFICER_PERMISSION)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegisterEntryHistoryInline(ReadOnlyInline):
    """The entry's earlier states, each with the days it was valid (what past days were counted from)."""

    model = RegisterEntryHistory
    fk_name = "entry"
    fields = ["valid_from", "valid_to", "name", "legal_form", "size_class", "status", "ward", "as_of",
              "replaced_by_import"]
    readonly_fields = fields


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "name", "legal_form", "size_class", "status", "ward", "needs_address_review",
                    "as_of", "valid_from"]
    list_filter = ["status", "legal_form", "size_class", "needs_address_review"]
    search_fields = ["identifier", "name"]
    list_select_related = ["ward"]
    inlines = [RegisterEntryHistoryInline]


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    list_display = ["source_name", "status", "total_rows", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["created_by"]


class DeclarationEventInline(ReadOnlyInline):
    model = DeclarationEvent
    fields = ["action", "reason", "actor", "created_at"]
    readonly_fields = fields


@admin.register(DeclaredShop)
class DeclaredShopAdmin(ReadOnlyAdmin):
    list_display = ["business", "channel", "url", "status", "decided_by", "decided_at", "valid_until", "withdrawn_at",
                    "created_at"]
    list_filter = ["status", "channel"]
    search_fields = ["business__legal_name", "business__identifier", "url"]
    list_select_related = ["business", "decided_by"]
    inlines = [DeclarationEventInline]


@admin.register(DeclarationEvent)
class DeclarationEventAdmin(ReadOnlyAdmin):
    list_display = ["shop", "action", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["shop", "actor"]


class AdoptionTargetVersionInline(admin.TabularInline):
    model = AdoptionTargetVersion
    extra = 0
    can_delete = False
    fields = ["name", "percent", "deadline", "legal_basis", "is_active", "changed_by", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AdoptionTarget)
class AdoptionTargetAdmin(OfficerViewableAdmin):
    """Editable; saved through ``target_save`` so the edit joins the target's history. Not deletable: a
    target that no longer applies is made inactive, and its history stays."""

    list_display = ["name", "percent", "deadline", "legal_basis", "is_active", "updated_at"]
    list_filter = ["is_active"]
    fields = ["name", "percent", "deadline", "legal_basis", "is_active"]
    inlines = [AdoptionTargetVersionInline]

    def save_model(self, request, obj, form, change):
        target_save(actor=request.user, target=obj, name=obj.name, percent=obj.percent, deadline=obj.deadline,
                    legal_basis=obj.legal_basis, is_active=obj.is_active)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdoptionTargetVersion)
class AdoptionTargetVersionAdmin(ReadOnlyAdmin):
    list_display = ["target", "percent", "deadline", "is_active", "changed_by", "changed_at"]
    list_select_related = ["target", "changed_by"]


@admin.register(SnapshotRun)
class SnapshotRunAdmin(ReadOnlyAdmin):
    """Computed by the nightly task or ``adoption_backfill``; recomputing a day replaces its rows."""

    list_display = ["day", "denominator_source", "register_as_of", "computed_at", "duration_ms", "definitions",
                    "unregistered_selling"]
    list_filter = ["denominator_source"]
    date_hierarchy = "day"


@admin.register(SnapshotRow)
class SnapshotRowAdmin(ReadOnlyAdmin):
    """Computed: the counts of one cell on one day."""

    list_display = ["day", "series", "dimension", "key", "label", "denominator", "verified", "online", "own_web_shop",
                    "social", "other_site"]
    list_filter = ["series", "dimension"]
    search_fields = ["key", "label"]
    date_hierarchy = "day"


@admin.register(SnapshotJob)
class SnapshotJobAdmin(ReadOnlyAdmin):
    """A day a page or the API asked for, computed in the background (one per day)."""

    list_display = ["day", "status", "progress", "error_code", "requested_at", "started_at", "finished_at"]
    list_filter = ["status"]
    date_hierarchy = "day"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Only the token's prefix is shown; its hash never is. Revoking is done on the officers' tokens page."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["user"]
    exclude = ["token_hash"]
