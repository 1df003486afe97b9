"""Rappel quotidien des étapes du relais du lien en retard.

Chaque étape en retard est rappelée au référent du bailleur nommé sur le bail et au ou à la
référent·e de l'accompagnement ouvert du ménage (la travailleuse sociale de l'association), s'ils
sont encore membres actifs du dispositif. Le courriel ne contient aucun nom de ménage : le nombre
d'étapes, leur libellé, leur date et des liens vers l'application.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import Accompagnement
from core.models import Membre

from .models import EtapeRelais


def etapes_en_retard_par_personne(aujourd_hui=None):
    """{personne: [étapes en retard]} : le référent du bailleur du bail et le ou la référent·e
    de l'accompagnement ouvert du ménage, membres actifs du dispositif."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    etapes = list(
        EtapeRelais.objects.filter(date_faite__isnull=True, date_prevue__lt=aujourd_hui)
        .select_related("bail__referent_bailleur", "bail__menage", "bail__proposition")
        .order_by("date_prevue", "pk")
    )
    menages = {etape.bail.menage_id for etape in etapes}
    referents = {
        accompagnement.menage_id: accompagnement.referent
        for accompagnement in Accompagnement.objects.ouverts()
        .filter(menage__in=menages)
        .select_related("referent")
    }
    membres_actifs = set(Membre.objects.actifs().values_list("user_id", "dispositif_id"))
    par_personne = {}
    for etape in etapes:
        dispositif_id = etape.bail.menage.dispositif_id
        destinataires = {etape.bail.referent_bailleur, referents.get(etape.bail.menage_id)}
        for personne in destinataires:
            if (
                personne is not None
                and personne.is_active
                and (personne.pk, dispositif_id) in membres_actifs
            ):
                par_personne.setdefault(personne, []).append(etape)
    return par_personne


def envoyer_rappels_relais(aujourd_hui=None):
    """Envoie un courriel par personne ayant des étapes du relais en retard ; rend le nombre
    envoyé."""
    messages = []
    for personne, etapes in etapes_en_retard_par_personne(aujourd_hui).items():
        liens = "\n".join(
            f"- {etape.libelle}, prévue le {etape.date_prevue:%d/%m/%Y} : {settings.SITE_URL}"
            f"{reverse('acces:proposition', args=[etape.bail.proposition.public_id])}"
            for etape in etapes
        )
        nombre = len(etapes)
        pluriel = "s" if nombre > 1 else ""
        messages.append(
            (
                f"{nombre} étape{pluriel} du relais en retard",
                f"Bonjour {personne.get_short_name()},\n\n"
                f"Le relais du lien de ménages que vous suivez a {nombre} étape{pluriel} en "
                f"retard :\n\n{liens}\n\n"
                "Connectez-vous pour les noter faites ou les organiser. Ce message ne contient "
                "volontairement aucune information sur les ménages.\n",
                settings.DEFAULT_FROM_EMAIL,
                [personne.email],
            )
        )
    return send_mass_mail(messages, fail_silently=False) if messages else 0
