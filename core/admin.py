from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import double_facteur, services
from .models import (
    Commune,
    Dispositif,
    HabilitationNationale,
    JournalAudit,
    LigneBudgetaire,
    Membre,
    Organisation,
    Partenariat,
    Territoire,
    User,
)

# Les clés des applications d'authentification ne se lisent ni ne se créent dans
# l'administration : qui les verrait pourrait produire les codes d'une autre personne. Un facteur
# perdu se réinitialise (action « Réinitialiser la double authentification » des utilisateurs).
for modele in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(modele):
        admin.site.unregister(modele)

CHAMPS_DE_CONFIRMATION = ["a_confirmer", "demandee_par", "confirmee_par", "confirmee_le"]


def _refus(request, objet, refus):
    message = " ".join(refus.messages) if isinstance(refus, ValidationError) else str(refus)
    messages.error(request, f"{objet} : {message}")


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"
    fields = ["dispositif", "role", "profession", "organisation", "territoire", "actif"]
    fields += ["date_debut", "a_confirmer"]
    readonly_fields = ["a_confirmer"]


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
    actions = ["reinitialiser_double_facteur"]

    def save_formset(self, request, form, formset, change):
        """Les adhésions passent par le service : confirmation exigée, journal écrit."""
        if formset.model is not Membre:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # prépare les lignes et les suppressions, sans écrire
        for membre in formset.deleted_objects:
            services.supprimer_adhesion(request.user, membre, request=request)
        for formulaire in formset.forms:
            if formulaire in formset.deleted_forms or not formulaire.has_changed():
                continue
            membre = formulaire.instance
            services.enregistrer_adhesion(
                request.user,
                membre,
                champs_modifies=None if membre._state.adding else formulaire.changed_data,
                request=request,
            )

    @admin.action(description="Réinitialiser la double authentification")
    def reinitialiser_double_facteur(self, request, queryset):
        faits = 0
        for user in queryset:
            try:
                double_facteur.reinitialiser_facteur(request.user, user, request=request)
            except (PermissionDenied, ValidationError) as refus:
                _refus(request, user, refus)
            else:
                faits += 1
        if faits:
            messages.success(
                request,
                f"Double authentification réinitialisée pour {faits} compte(s) ; leurs rôles "
                "qui lisent des ménages attendent de nouveau la confirmation d'un coordinateur.",
            )


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
    """Une adhésion à un rôle qui lit des ménages, posée ici, attend la confirmation d'un
    coordinateur du dispositif (page « Accès et comptes ») ou d'un autre administrateur (action
    « Confirmer »)."""

    list_display = ["user", "dispositif", "role", "profession", "organisation", "actif"]
    list_display += ["a_confirmer"]
    list_filter = ["dispositif", "role", "actif", "a_confirmer"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = CHAMPS_DE_CONFIRMATION
    actions = ["confirmer"]

    def save_model(self, request, obj, form, change):
        services.enregistrer_adhesion(
            request.user,
            obj,
            champs_modifies=form.changed_data if change else None,
            request=request,
        )

    def delete_model(self, request, obj):
        services.supprimer_adhesion(request.user, obj, request=request)

    def delete_queryset(self, request, queryset):
        for membre in queryset.select_related("user"):
            services.supprimer_adhesion(request.user, membre, request=request)

    @admin.action(description="Confirmer les adhésions sélectionnées")
    def confirmer(self, request, queryset):
        faits = 0
        for membre in queryset.select_related("user"):
            try:
                services.confirmer_adhesion(request.user, membre, request=request)
            except (PermissionDenied, ValidationError) as refus:
                _refus(request, membre, refus)
            else:
                faits += 1
        if faits:
            messages.success(request, f"{faits} adhésion(s) confirmée(s).")


@admin.register(HabilitationNationale)
class HabilitationNationaleAdmin(admin.ModelAdmin):
    """Le financeur national : posée ici, l'habilitation attend la confirmation d'un autre
    administrateur (action « Confirmer »), et chaque geste est écrit au journal."""

    list_display = ["user", "organisation", "actif", "a_confirmer", "confirmee_par"]
    list_filter = ["actif", "a_confirmer"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "organisation", "actif", "date_debut", *CHAMPS_DE_CONFIRMATION]
    readonly_fields = CHAMPS_DE_CONFIRMATION
    actions = ["confirmer"]

    def save_model(self, request, obj, form, change):
        services.enregistrer_habilitation_nationale(
            request.user,
            obj,
            champs_modifies=form.changed_data if change else None,
            request=request,
        )

    def delete_model(self, request, obj):
        services.supprimer_habilitation_nationale(request.user, obj, request=request)

    def delete_queryset(self, request, queryset):
        for habilitation in queryset.select_related("user"):
            services.supprimer_habilitation_nationale(request.user, habilitation, request=request)

    @admin.action(description="Confirmer les habilitations sélectionnées")
    def confirmer(self, request, queryset):
        faites = 0
        for habilitation in queryset.select_related("user"):
            try:
                services.confirmer_habilitation_nationale(
                    request.user, habilitation, request=request
                )
            except (PermissionDenied, ValidationError) as refus:
                _refus(request, habilitation, refus)
            else:
                faites += 1
        if faites:
            messages.success(request, f"{faites} habilitation(s) confirmée(s).")


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
