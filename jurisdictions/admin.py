from django.contrib import admin

from .models import Award, Body, CalendarOverride, CalendarYear, Jurisdiction, Membership, Ruleset


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")
    list_filter = ("level",)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "jurisdiction")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "role", "active")
    list_filter = ("role", "active")
    raw_id_fields = ("user", "body")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "jurisdiction")


@admin.register(Ruleset)
class RulesetAdmin(admin.ModelAdmin):
    list_display = ("award", "version", "document_number", "effective_from", "effective_until")
    readonly_fields = ("award", "version", "data", "created_by", "created_at")


admin.site.register(CalendarOverride)
admin.site.register(CalendarYear)
