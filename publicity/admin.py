"""Read-only admin for notices and objections: a published notice is never edited (corrections are new
notices via services.notice_correct), and objections change only through the office's pages."""
from django.contrib import admin

from .models import Notice, Objection, Reminder, RuleCase, RuleCaseRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "award", "kind", "state", "first_day", "last_day", "published_at"]
    list_filter = ["kind", "state", "award"]
    search_fields = ["title"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["receipt_no", "notice", "state", "received_at", "review_due"]
    list_filter = ["state"]
    search_fields = ["receipt_no"]
    # The objector's personal data is for the award's office only (its own pages), not the site admin.
    exclude = ["objector_name", "objector_phone", "objector_address", "objector_id_number", "identity_proof", "evidence"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "user", "kind", "text")
    list_filter = ("kind",)


@admin.register(RuleCase)
class RuleCaseAdmin(ReadOnlyAdmin):
    list_display = ["name", "award", "article", "created_by", "created_at"]
    list_filter = ["award"]
    search_fields = ["name"]


@admin.register(RuleCaseRun)
class RuleCaseRunAdmin(ReadOnlyAdmin):
    list_display = ["award", "ruleset", "state", "requested_at", "finished_at"]
    list_filter = ["state", "award"]
