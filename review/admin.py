"""Admin: an office may define its own criteria sets (categories and items inline) and manage the pool."""
from django.contrib import admin

from .models import (
    Assignment,
    CommitteeVote,
    ConflictDeclaration,
    CriteriaCategory,
    CriteriaSet,
    Criterion,
    Expert,
    Panel,
    PanelMember,
    StageResult,
    VoteItem,
)


class CriteriaCategoryInline(admin.TabularInline):
    model = CriteriaCategory
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("category", "number", "name", "points", "kind", "position")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "total_points", "builtin", "jurisdiction")
    list_filter = ("builtin",)
    search_fields = ("code", "name")
    inlines = [CriteriaCategoryInline, CriterionInline]


class ConflictInline(admin.TabularInline):
    model = ConflictDeclaration
    extra = 0
    raw_id_fields = ("applicant", "declared_by")


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "employer", "title", "jurisdiction", "active")
    list_filter = ("active", "jurisdiction")
    search_fields = ("name", "employer")
    raw_id_fields = ("user",)
    inlines = [ConflictInline]


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    raw_id_fields = ("expert",)


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "cycle", "stage", "size", "seed", "dissolved_at")
    readonly_fields = ("seed",)
    inlines = [PanelMemberInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("application", "expert", "stage", "submitted_at", "revoked_at", "access_ended_at")
    list_filter = ("stage",)
    raw_id_fields = ("application", "expert", "panel", "assigned_by")

    def has_delete_permission(self, request, obj=None):
        # Assignments are revoked through review.services (which removes the reviewer's guardian row and
        # logs it); deleting the row here would leave an orphan object permission and no audit entry.
        return False


@admin.register(StageResult)
class StageResultAdmin(admin.ModelAdmin):
    """Separation of duties: stage totals are read by the award office on the review pages, not by the
    platform operator (a superuser without an office post)."""

    list_display = ("application", "stage", "total", "max_points", "decided_at")

    def has_module_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VoteItemInline(admin.TabularInline):
    model = VoteItem
    extra = 0
    readonly_fields = ("application", "code", "votes_for", "votes_against", "votes_abstain", "recused", "quorum_met", "passed")


@admin.register(CommitteeVote)
class CommitteeVoteAdmin(admin.ModelAdmin):
    list_display = ("title", "cycle", "member_count", "quorum", "majority", "opened_at", "closed_at")
    inlines = [VoteItemInline]
