"""La vie d'un rapport semestriel : demandé, en cours, prêt ou en échec (et relancé).

- `demander_rapport` enregistre la demande et met la production en file après la validation
  de la transaction ; une demande pour un rapport déjà en attente ou en cours n'en lance pas
  un second.
- `produire_rapport` (appelé par la tâche Celery avec l'identifiant seul) revérifie les droits,
  prend le rapport par une mise à jour conditionnelle (un seul worker le produit), calcule les
  chiffres, rend le PDF et le classeur dans des fichiers temporaires puis les renomme : un échec
  ne laisse jamais de fichier à moitié écrit, et l'erreur est gardée pour être montrée.
- Les fichiers sont rangés sous `VAR_DIR/prive/rapports/`, jamais sous une URL publique : seule
  la vue de téléchargement, qui vérifie le rôle et journalise, les délivre.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.exports import classeur_xlsx
from core.pdf import rendre_pdf
from core.permissions import Action

from . import graphiques, indicateurs
from .enums import StatutRapport
from .models import RapportSemestriel

# Au-delà, un rapport resté « en cours » est tenu pour abandonné (worker arrêté) et peut être
# relancé.
DUREE_MAXIMALE = timedelta(minutes=30)


def dossier_rapports():
    dossier = Path(settings.VAR_DIR) / "prive" / "rapports"
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def chemin(nom):
    return dossier_rapports() / nom


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
    from .tasks import produire_rapport_semestriel

    produire_rapport_semestriel.delay(rapport_id)


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
        chiffres = indicateurs.calculer(rapport.dispositif, rapport.annee, rapport.semestre)
        pdf = rendre_pdf("pdf/rapport_semestriel.html", contexte_pdf(rapport, chiffres))
        xlsx = classeur(rapport, chiffres)
        base = f"{rapport.dispositif.slug}-{rapport.libelle_semestre}"
        noms = {"pdf": f"rapport-{base}.pdf", "xlsx": f"chiffres-{base}.xlsx"}
        for extension, contenu in (("pdf", pdf), ("xlsx", xlsx)):
            temporaires.append(_ecrire_temporaire(contenu, extension))
        for nom, temporaire in zip(noms.values(), temporaires, strict=True):
            os.replace(temporaire, chemin(nom))
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


def _ecrire_temporaire(contenu, extension):
    descripteur, nom = tempfile.mkstemp(suffix=f".{extension}.partiel", dir=dossier_rapports())
    with os.fdopen(descripteur, "wb") as fichier:
        fichier.write(contenu)
    return nom


def _expliquer(erreur):
    if isinstance(erreur, PermissionDenied):
        return str(erreur)
    return f"La production a échoué ({type(erreur).__name__} : {erreur}). Vous pouvez réessayer."


def contexte_pdf(rapport, chiffres):
    return {
        "rapport": rapport,
        "dispositif": rapport.dispositif,
        "chiffres": chiffres,
        "definitions": definitions_par_section(),
        "graphiques": graphiques_du_rapport(chiffres),
        "produit_le": timezone.localtime(),
    }


def definitions_par_section():
    """[(titre de section, [définitions])] dans l'ordre du rapport, pour la page des définitions."""
    sections = {}
    for cle, texte in indicateurs.DEFINITIONS.items():
        section = cle.split(".", 1)[0]
        if section != "periode":
            sections.setdefault(section, []).append(texte)
    return [
        (indicateurs.TITRES_SECTIONS.get(section, section), textes)
        for section, textes in sections.items()
    ]


def graphiques_du_rapport(chiffres):
    return {
        "file_active": graphiques.courbe_file_active(chiffres),
        "problematiques": graphiques.barres_problematiques(chiffres),
        "sorties": graphiques.barres_sorties(chiffres),
        "dette": graphiques.dette_entree_actuelle(chiffres),
    }


def classeur(rapport, chiffres):
    """Les chiffres du rapport en XLSX : une feuille par section, une ligne par indicateur."""
    return classeur_xlsx(
        (
            indicateurs.TITRES_SECTIONS.get(section, section),
            ["Indicateur", "Valeur"],
            _aplatir(valeurs),
        )
        for section, valeurs in chiffres.items()
        if isinstance(valeurs, dict)
    )


def _aplatir(valeurs, prefixe=""):
    for cle, valeur in valeurs.items():
        nom = f"{prefixe}{cle}"
        if isinstance(valeur, dict):
            yield from _aplatir(valeur, f"{nom} / ")
        elif isinstance(valeur, list):
            for rang, element in enumerate(valeur):
                if isinstance(element, dict):
                    yield from _aplatir(element, f"{nom} [{rang + 1}] / ")
                else:
                    yield f"{nom} [{rang + 1}]", element
        else:
            yield nom, valeur


def demander_semestre_ecoule(aujourd_hui=None):
    """Pour la planification du 1er janvier et du 1er juillet : le semestre qui vient de finir."""
    from core.models import Dispositif

    aujourd_hui = aujourd_hui or timezone.localdate()
    annee, semestre = (aujourd_hui.year - 1, 2) if aujourd_hui.month <= 6 else (aujourd_hui.year, 1)
    return [
        demander_rapport(None, dispositif, annee, semestre)[0]
        for dispositif in Dispositif.objects.all()
    ]
