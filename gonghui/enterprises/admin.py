from django.contrib import admin

from .models import Enterprise


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry", "ownership", "headcount", "street", "union"]
    list_filter = ["industry", "ownership"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["street", "union"]
