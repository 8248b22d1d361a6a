from django.contrib import admin

from .models import Org


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "path"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    readonly_fields = ["path", "depth", "street"]
