from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["org"]


@admin.register(User)
class GonghuiUserAdmin(UserAdmin):
    """Accounts are the system administrator's job; members' personal data is not shown here."""

    list_display = ["username", "mobile_masked", "is_active", "locked_until", "last_login"]
    search_fields = ["username"]
    inlines = [RoleGrantInline]
    fieldsets = UserAdmin.fieldsets + ((None, {"fields": ("mobile", "failed_logins", "locked_until")}),)

    @admin.display(description="mobile")
    def mobile_masked(self, obj):
        from gonghui.core.privacy import mask_mobile

        return mask_mobile(obj.mobile or "")
