"""La vie d'un rapport semestriel : demandé, en cours, prêt ou en échec (et relancé).

- `demander_rapport` enregistre la demande et met la production en file après la validation
  de la transaction ; une demande pour un rapport déjà en attente ou en cours n'en lance pas
  un second.
- `produire_rapport` (appelé par la tâche Celery avec l'identifiant seul) revérifie les droits,
  prend le rapport par une mise à jour conditionnelle (un seul worker le produit), calcule les
  chiffres, rend le PDF et le classeur en mémoire puis les écrit (chacun d'un bloc) : un échec
  n'écrit rien, et l'erreur est gardée pour être montrée.
- Les fichiers sont rangés par `documents` dans le stockage privé (`core.stockage` : le disque ou
  un stockage objet), jamais sous une URL publique : seule la vue de téléchargement, qui vérifie
  le rôle et journalise, les délivre ; n'importe quelle instance sert ce qu'un worker a écrit.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.models import Dispositif
from core.permissions import Action

# `tasks` importe ce module : l'import de module (et non de ses noms) garde le cycle sans danger.
from . import documents, indicateurs, national, pilotage, tasks
from .enums import StatutRapport
from .models import RapportNational, RapportSemestriel

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

    def verifier(rapport):
        demandeur = rapport.demande_par
        if demandeur is not None and not permissions.peut(
            demandeur, Action.DEMANDER_RAPPORT, rapport.dispositif
        ):
            raise PermissionDenied(
                "La personne qui a demandé ce rapport n'a plus les droits de coordination."
            )

    def produire(rapport):
        # Les cibles en vigueur sont gardées avec les chiffres : les changer plus tard ne change
        # pas ce rapport.
        chiffres = pilotage.avec_cibles(
            indicateurs.calculer(rapport.dispositif, rapport.annee, rapport.semestre),
            rapport.dispositif,
        )
        contenus = {
            "pdf": documents.pdf(rapport, chiffres),
            "xlsx": documents.classeur(rapport, chiffres),
        }
        return chiffres, contenus, documents.noms_des_fichiers(rapport)

    return _produire(
        RapportSemestriel.objects.select_related("dispositif", "demande_par"),
        rapport_id,
        verifier,
        produire,
    )


def _produire(rapports, rapport_id, verifier, produire):
    """Le cycle commun d'un rapport (semestriel ou national) : pris par une mise à jour
    conditionnelle (un seul worker le produit), droits du demandeur revérifiés (`verifier`),
    chiffres et documents calculés en mémoire (`produire` rend chiffres, contenus et noms) puis
    écrits dans le stockage privé ; toute erreur devient un échec visible, avec son message."""
    pris = rapports.filter(pk=rapport_id, statut=StatutRapport.EN_ATTENTE).update(
        statut=StatutRapport.EN_COURS
    )
    if not pris:
        # Un autre worker l'a pris, ou il n'est plus attendu.
        return rapports.get(pk=rapport_id).statut
    rapport = rapports.get(pk=rapport_id)
    try:
        verifier(rapport)
        chiffres, contenus, noms = produire(rapport)
        for extension in ("pdf", "xlsx"):
            documents.enregistrer(noms[extension], contenus[extension])
        rapport.fichier_pdf = noms["pdf"]
        rapport.fichier_xlsx = noms["xlsx"]
        rapport.chiffres = chiffres
        rapport.statut = StatutRapport.PRET
        rapport.erreur = ""
    except Exception as erreur:  # toute erreur devient un échec visible, avec son message
        rapport.statut = StatutRapport.ECHEC
        rapport.erreur = _expliquer(erreur)
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


# --- Le rapport national consolidé (financeur) ----------------------------------------------------


def demander_rapport_national(user, annee, semestre):
    """Demande le rapport consolidé du semestre ; rend `(rapport, lance)`.

    Refus : `PermissionDenied` à qui ne tient pas d'habilitation nationale confirmée
    (`user=None` pour la ligne de commande). Une production déjà en attente ou en cours n'en
    lance pas une seconde.
    """
    if user is not None and not permissions.habilite_national(user):
        raise PermissionDenied("Seul le financeur national demande le rapport consolidé.")
    indicateurs.bornes_semestre(annee, semestre)
    with transaction.atomic():
        rapport, cree = RapportNational.objects.select_for_update().get_or_create(
            annee=annee, semestre=semestre
        )
        en_vol = rapport.statut in (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)
        if not cree and en_vol and rapport.demande_le > timezone.now() - DUREE_MAXIMALE:
            return rapport, False
        rapport.statut = StatutRapport.EN_ATTENTE
        rapport.erreur = ""
        rapport.demande_par = user
        rapport.demande_le = timezone.now()
        rapport.save(update_fields=["statut", "erreur", "demande_par", "demande_le"])
        transaction.on_commit(lambda: tasks.produire_rapport_national.delay(rapport.pk))
    return rapport, True


def preparer_national(annee, semestre):
    """Pour la production immédiate (ligne de commande) : le rapport consolidé remis « en
    attente », sans demandeur."""
    indicateurs.bornes_semestre(annee, semestre)
    rapport, _ = RapportNational.objects.get_or_create(annee=annee, semestre=semestre)
    rapport.statut = StatutRapport.EN_ATTENTE
    rapport.erreur = ""
    rapport.demande_par = None
    rapport.demande_le = timezone.now()
    rapport.save(update_fields=["statut", "erreur", "demande_par", "demande_le"])
    return rapport


def demander_national_semestre_ecoule(aujourd_hui=None):
    """Pour la planification du 1er janvier et du 1er juillet : le rapport consolidé du semestre
    qui vient de finir (sans demandeur : la planification n'agit pour personne)."""
    annee, semestre = indicateurs.semestre_ecoule(aujourd_hui or timezone.localdate())
    return demander_rapport_national(None, annee, semestre)[0]


def produire_rapport_national(rapport_id):
    """Produit le rapport consolidé ; rend son statut final. Les droits du demandeur sont
    revérifiés ici : une habilitation retirée entre la demande et la production l'arrête."""

    def verifier(rapport):
        demandeur = rapport.demande_par
        if demandeur is not None and not permissions.habilite_national(demandeur):
            raise PermissionDenied(
                "La personne qui a demandé ce rapport n'a plus d'habilitation nationale."
            )

    def produire(rapport):
        chiffres = national.calculer(rapport.annee, rapport.semestre)
        contenus = {"pdf": national.pdf(rapport, chiffres), "xlsx": national.classeur(chiffres)}
        return chiffres, contenus, national.noms_des_fichiers(rapport)

    return _produire(
        RapportNational.objects.select_related("demande_par"), rapport_id, verifier, produire
    )
