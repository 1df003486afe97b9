"""La vie d'un rapport semestriel : demandé, en cours, prêt ou en échec (et relancé).

- `demander_rapport` enregistre la demande et met la production en file après la validation
  de la transaction ; une demande pour un rapport déjà en attente ou en cours n'en lance pas
  un second.
- `produire_rapport` (appelé par la tâche Celery avec l'identifiant seul) revérifie les droits,
  prend le rapport par une mise à jour conditionnelle (un seul worker le produit), calcule les
  chiffres, rend le PDF et le classeur dans des fichiers temporaires puis les renomme : un échec
  ne laisse jamais de fichier à moitié écrit, et l'erreur est gardée pour être montrée.
- Les fichiers sont rangés par `documents` sous `VAR_DIR/prive/rapports/`, jamais sous une URL
  publique : seule la vue de téléchargement, qui vérifie le rôle et journalise, les délivre.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.models import Dispositif
from core.permissions import Action

# `tasks` importe ce module : l'import de module (et non de ses noms) garde le cycle sans danger.
from . import documents, indicateurs, pilotage, tasks
from .enums import StatutRapport
from .models import RapportSemestriel

# Au-delà, un rapport resté « en cours » est tenu pour abandonné (worker arrêté) et peut être
# relancé.
DUREE_MAXIMALE = timedelta(minutes=30)


def demander_rapport(user, dispositif, annee, semestre):
    """Demande le rapport du semestre ; rend `(rapport, lance)`.

    `lance` est faux quand une production est déjà en attente ou en cours. Refus :
    `PermissionDenied` pour qui n'est pas coordinateur du dispositif (`user=None` pour la
    planification et la ligne de commande).
    """
    if user is not None and not permissions.peut(user, Action.DEMANDER_RAPPORT, dispositif):
        raise PermissionDenied("Seule la coordination demande la production d'un rapport.")
    indicateurs.bornes_semestre(annee, semestre)  # refuse un semestre impossible
    with transaction.atomic():
        rapport, cree = RapportSemestriel.objects.select_for_update().get_or_create(
            dispositif=dispositif, annee=annee, semestre=semestre
        )
        en_vol = rapport.statut in (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)
        if not cree and en_vol and rapport.demande_le > timezone.now() - DUREE_MAXIMALE:
            return rapport, False
        rapport.statut = StatutRapport.EN_ATTENTE
        rapport.erreur = ""
        rapport.demande_par = user
        rapport.demande_le = timezone.now()
        rapport.save(update_fields=["statut", "erreur", "demande_par", "demande_le"])
        transaction.on_commit(lambda: _mettre_en_file(rapport.pk))
    return rapport, True


def preparer(dispositif, annee, semestre):
    """Pour la production immédiate (ligne de commande) : le rapport remis « en attente »."""
    indicateurs.bornes_semestre(annee, semestre)
    rapport, _ = RapportSemestriel.objects.get_or_create(
        dispositif=dispositif, annee=annee, semestre=semestre
    )
    rapport.statut = StatutRapport.EN_ATTENTE
    rapport.erreur = ""
    rapport.demande_par = None
    rapport.demande_le = timezone.now()
    rapport.save(update_fields=["statut", "erreur", "demande_par", "demande_le"])
    return rapport


def _mettre_en_file(rapport_id):
    tasks.produire_rapport_semestriel.delay(rapport_id)


def produire_rapport(rapport_id):
    """Produit le rapport ; rend son statut final. Appelé par la tâche, avec l'identifiant seul."""
    pris = RapportSemestriel.objects.filter(pk=rapport_id, statut=StatutRapport.EN_ATTENTE).update(
        statut=StatutRapport.EN_COURS
    )
    if not pris:
        # Un autre worker l'a pris, ou il n'est plus attendu.
        return RapportSemestriel.objects.get(pk=rapport_id).statut
    rapport = RapportSemestriel.objects.select_related("dispositif", "demande_par").get(
        pk=rapport_id
    )
    temporaires = []
    try:
        demandeur = rapport.demande_par
        if demandeur is not None and not permissions.peut(
            demandeur, Action.DEMANDER_RAPPORT, rapport.dispositif
        ):
            raise PermissionDenied(
                "La personne qui a demandé ce rapport n'a plus les droits de coordination."
            )
        # Les cibles en vigueur sont gardées avec les chiffres : les changer plus tard ne change
        # pas ce rapport.
        chiffres = pilotage.avec_cibles(
            indicateurs.calculer(rapport.dispositif, rapport.annee, rapport.semestre),
            rapport.dispositif,
        )
        pdf = documents.pdf(rapport, chiffres)
        xlsx = documents.classeur(rapport, chiffres)
        noms = documents.noms_des_fichiers(rapport)
        for extension, contenu in (("pdf", pdf), ("xlsx", xlsx)):
            temporaires.append(documents.ecrire_temporaire(contenu, extension))
        for nom, temporaire in zip(noms.values(), temporaires, strict=True):
            os.replace(temporaire, documents.chemin(nom))
        temporaires = []
        rapport.fichier_pdf = noms["pdf"]
        rapport.fichier_xlsx = noms["xlsx"]
        rapport.chiffres = chiffres
        rapport.statut = StatutRapport.PRET
        rapport.erreur = ""
    except Exception as erreur:  # toute erreur devient un échec visible, avec son message
        rapport.statut = StatutRapport.ECHEC
        rapport.erreur = _expliquer(erreur)
    finally:
        for temporaire in temporaires:
            Path(temporaire).unlink(missing_ok=True)
    rapport.termine_le = timezone.now()
    rapport.save()
    return rapport.statut


def _expliquer(erreur):
    if isinstance(erreur, PermissionDenied):
        return str(erreur)
    return f"La production a échoué ({type(erreur).__name__} : {erreur}). Vous pouvez réessayer."


def demander_semestre_ecoule(aujourd_hui=None):
    """Pour la planification du 1er janvier et du 1er juillet : le semestre qui vient de finir."""
    annee, semestre = indicateurs.semestre_ecoule(aujourd_hui or timezone.localdate())
    return [
        demander_rapport(None, dispositif, annee, semestre)[0]
        for dispositif in Dispositif.objects.all()
    ]
