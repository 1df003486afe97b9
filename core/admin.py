from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Commune,
    Dispositif,
    JournalAudit,
    LigneBudgetaire,
    Membre,
    Organisation,
    Partenariat,
    Territoire,
    User,
)


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    list_filter = ["is_active", "is_staff"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name", "telephone"]}),
        ("Droits techniques", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        )
    ]
    inlines = [MembreInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "sigle", "type", "commune"]
    list_filter = ["type"]
    search_fields = ["nom", "sigle"]


class TerritoireInline(admin.TabularInline):
    model = Territoire
    extra = 0
    show_change_link = True


class LigneBudgetaireInline(admin.TabularInline):
    model = LigneBudgetaire
    extra = 0


class PartenariatInline(admin.TabularInline):
    model = Partenariat
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Dispositif)
class DispositifAdmin(admin.ModelAdmin):
    list_display = ["nom", "slug", "porteur", "departement", "capacite_cible"]
    prepopulated_fields = {"slug": ["nom"]}
    search_fields = ["nom", "slug"]
    inlines = [TerritoireInline, LigneBudgetaireInline, PartenariatInline]


class CommuneInline(admin.TabularInline):
    model = Commune
    extra = 0


@admin.register(Territoire)
class TerritoireAdmin(admin.ModelAdmin):
    list_display = ["nom", "dispositif"]
    list_filter = ["dispositif"]
    inlines = [CommuneInline]


@admin.register(Membre)
class MembreAdmin(admin.ModelAdmin):
    list_display = ["user", "dispositif", "role", "profession", "organisation", "actif"]
    list_filter = ["dispositif", "role", "actif"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(JournalAudit)
class JournalAuditAdmin(admin.ModelAdmin):
    """Lecture seule : personne ne modifie ni ne supprime le journal depuis l'application."""

    list_display = ["date", "email", "roles", "action", "objet_type", "objet_id", "adresse_ip"]
    list_filter = ["action", "dispositif"]
    search_fields = ["email", "objet_id"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
