from django.contrib import admin

from .models import (
    AdministrativeUnit,
    Business,
    ConsentRecord,
    ErasureRequest,
    Invitation,
    JoinRequest,
    LegacyToNewUnit,
    Membership,
    OcopProduct,
    SizeAssessment,
    SizeThreshold,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class OcopProductInline(admin.TabularInline):
    model = OcopProduct
    extra = 0


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "trade_name", "identifier", "legal_form", "main_sector", "ward", "created_at"]
    list_filter = ["legal_form", "main_sector", "women_owned"]
    search_fields = ["legal_name", "trade_name", "identifier", "email"]
    raw_id_fields = ["created_by"]
    autocomplete_fields = ["ward", "legacy_district", "legacy_commune"]
    inlines = [MembershipInline, OcopProductInline]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "province_name", "parent", "is_current"]
    list_filter = ["is_current", "level", "kind", "province_code"]
    search_fields = ["code", "name"]


@admin.register(LegacyToNewUnit)
class LegacyToNewUnitAdmin(admin.ModelAdmin):
    list_display = ["legacy", "new", "is_default", "is_ambiguous"]
    list_filter = ["is_ambiguous"]
    search_fields = ["legacy__name", "new__name", "legacy__code", "new__code"]
    list_select_related = ["legacy__parent", "new"]


@admin.register(SizeThreshold)
class SizeThresholdAdmin(admin.ModelAdmin):
    """Editable: when a decree changes the limits, add rows with the new ``valid_from``."""

    list_display = ["sector_group", "size_class", "max_insured_headcount", "max_revenue_vnd", "max_capital_vnd",
                    "valid_from", "legal_basis"]
    list_filter = ["sector_group", "valid_from"]


@admin.register(SizeAssessment)
class SizeAssessmentAdmin(admin.ModelAdmin):
    list_display = ["business", "fiscal_year", "size_class", "provenance", "insured_headcount",
                    "prior_year_revenue_vnd", "total_capital_vnd", "recorded_by"]
    list_filter = ["fiscal_year", "size_class", "provenance", "sector_group"]
    raw_id_fields = ["business", "recorded_by"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["business", "user", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["business", "user"]


@admin.register(OcopProduct)
class OcopProductAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "stars", "product_group", "certificate_no", "expires_on"]
    list_filter = ["stars", "product_group"]
    raw_id_fields = ["business"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "business", "role", "expires_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["business", "invited_by", "accepted_by"]
    exclude = ["token_hash"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "business", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["business", "user", "decided_by"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Read-only: a consent record is evidence and must not be edited."""

    list_display = ["user", "business", "notice_version", "language", "accepted_at"]
    readonly_fields = ["user", "business", "notice_version", "text_sha256", "language", "accepted_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "status", "requested_at", "completed_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]
