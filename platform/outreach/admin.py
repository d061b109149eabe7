"""Django admin for outreach: for looking things up only. Campaigns are built, started, paused and cancelled
on the officers' pages (audited), messages change state only through the senders (at most once), and
opt-outs come from the businesses themselves; none of it is edited here."""

from django.contrib import admin

from adoption.admin import ReadOnlyAdmin

from .models import Campaign, Message, OptOut


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "status", "target_count", "message_count", "created_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["name"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "identifier", "channel", "state", "sent_at", "link_opened_at", "link_used_at"]
    list_filter = ["channel", "state"]
    search_fields = ["identifier"]
    list_select_related = ["campaign"]
    # The address is personal data: shown on the message's own page only, never in the list.
    exclude = ["link_used_by"]


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "created_at"]
    search_fields = ["identifier"]
