from django.contrib import admin

from .models import MediationCase, MediationCommittee, Mediator


@admin.register(MediationCommittee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "org")
    list_select_related = ("org",)


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "committee", "active")
    list_filter = ("kind", "active")
    raw_id_fields = ("user",)


@admin.register(MediationCase)
class CaseAdmin(admin.ModelAdmin):
    # Read-only: cases change only through the services, which keep the event trail and the audit log.
    list_display = ("pk", "committee", "status", "opened_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
