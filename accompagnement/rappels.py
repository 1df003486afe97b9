"""Rappel quotidien des bilans en retard à chaque référent·e.

Le courriel ne contient aucun nom de ménage : seulement le nombre de bilans en retard et des
liens vers l'application, où la personne se connecte pour les voir.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone

from core.models import Membre

from .models import Bilan


def bilans_en_retard_par_referent(aujourd_hui=None):
    """{référent·e: [bilans en retard]} pour les accompagnements ouverts ou en suivi post-clôture.

    Un référent qui n'est plus membre actif du dispositif ne reçoit rien.
    """
    aujourd_hui = aujourd_hui or timezone.localdate()
    bilans = (
        Bilan.objects.a_faire()
        .filter(date_prevue__lt=aujourd_hui, accompagnement__referent__is_active=True)
        .select_related("accompagnement__referent")
        .order_by("date_prevue")
    )
    membres_actifs = set(Membre.objects.actifs().values_list("user_id", "dispositif_id"))
    par_referent = {}
    for bilan in bilans:
        accompagnement = bilan.accompagnement
        if (accompagnement.referent_id, accompagnement.dispositif_id) in membres_actifs:
            par_referent.setdefault(accompagnement.referent, []).append(bilan)
    return par_referent


def envoyer_rappels_bilans(aujourd_hui=None):
    """Envoie un courriel par référent·e ayant des bilans en retard ; rend le nombre envoyé."""
    messages = []
    for referent, bilans in bilans_en_retard_par_referent(aujourd_hui).items():
        liens = "\n".join(
            f"- {bilan.get_type_display()} prévu le {bilan.date_prevue:%d/%m/%Y} : "
            f"{settings.SITE_URL}{reverse('accompagnement:bilan', args=[bilan.public_id])}"
            for bilan in bilans
        )
        nombre = len(bilans)
        messages.append(
            (
                f"{nombre} bilan{'s' if nombre > 1 else ''} en retard",
                f"Bonjour {referent.get_short_name()},\n\n"
                f"Vous êtes référent·e de ménages dont {nombre} bilan"
                f"{'s sont' if nombre > 1 else ' est'} en retard :\n\n{liens}\n\n"
                "Connectez-vous pour les compléter. Ce message ne contient volontairement "
                "aucune information sur les ménages.\n",
                settings.DEFAULT_FROM_EMAIL,
                [referent.email],
            )
        )
    return send_mass_mail(messages, fail_silently=False) if messages else 0
