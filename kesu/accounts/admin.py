from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Department, ExternalIdentity, SignInProvider, User

admin.site.site_header = "客诉 kesu"
admin.site.site_title = "客诉 kesu"
admin.site.index_title = _("Administration")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "parent", "head", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent", "head")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "department_codes", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff", "departments")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "phone")
    filter_horizontal = ("departments", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Work"), {"fields": ("display_name", "role", "departments", "phone", "email")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ["collapse"],
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ("username", "display_name", "role", "departments", "password1", "password2"),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description=_("departments"))
    def department_codes(self, obj: User) -> str:
        return ", ".join(d.code for d in obj.departments.all())


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `manage.py issue_token` (it shows the raw value once); here they are listed, revoked."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at", "revoked")
    readonly_fields = ("user", "prefix", "token_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


class SignInProviderForm(forms.ModelForm):
    """The secret is written, never shown again; left empty, the stored one stays."""

    secret = forms.CharField(
        label=_("secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )

    class Meta:
        model = SignInProvider
        fields = (
            "kind",
            "enabled",
            "corp_id",
            "agent_id",
            "app_key",
            "secret",
            "authorize_url",
            "api_base_url",
            "match_by_mobile",
            "match_by_email",
        )

    def clean_secret(self) -> str:
        return self.cleaned_data.get("secret") or (self.instance.secret if self.instance.pk else "")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enabled"):
            probe = SignInProvider(
                **{k: v for k, v in cleaned.items() if k in {f.name for f in SignInProvider._meta.fields}}
            )
            missing = probe.missing_settings()
            if missing:
                raise forms.ValidationError(
                    _("To enable this provider, fill in: %(fields)s.") % {"fields": ", ".join(missing)}
                )
        return cleaned


class ExternalIdentityInline(admin.TabularInline):
    model = ExternalIdentity
    extra = 1
    autocomplete_fields = ("user",)
    fields = ("external_id", "user", "matched_by", "created_at", "last_login_at")
    readonly_fields = ("matched_by", "created_at", "last_login_at")


@admin.register(SignInProvider)
class SignInProviderAdmin(admin.ModelAdmin):
    form = SignInProviderForm
    list_display = ("kind", "enabled", "corp_id", "agent_id", "app_key", "match_by_mobile", "match_by_email")
    inlines = [ExternalIdentityInline]
    fieldsets = (
        (None, {"fields": ("kind", "enabled")}),
        (_("Credentials"), {"fields": ("corp_id", "agent_id", "app_key", "secret")}),
        (_("People without a binding"), {"fields": ("match_by_mobile", "match_by_email")}),
        (_("Addresses"), {"fields": ("authorize_url", "api_base_url"), "classes": ["collapse"]}),
    )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ("provider", "external_id", "user", "matched_by", "last_login_at")
    list_filter = ("provider",)
    search_fields = ("external_id", "user__username", "user__display_name")
    autocomplete_fields = ("user",)
    readonly_fields = ("matched_by", "created_at", "last_login_at")
