"""L'historique des modifications d'un ménage, lu par la coordination.

Chaque version vient des tables d'historique (`rgpd.models`) : qui, quand, quel
enregistrement, créé, modifié ou supprimé, et pour une modification les champs changés avec
leur valeur avant et après. Les textes chiffrés (notes, synthèses, descriptions, motifs,
objectifs…) ne sont jamais montrés ici, même à qui peut les lire ailleurs : l'historique dit
seulement « texte modifié ». Les interventions que la personne ne voit pas (une note
« soignants » pour la coordination, la note personnelle d'un autre) n'y paraissent pas du tout ;
les relevés de dette et plans d'apurement suivent le droit de voir la dette, objectifs et bilans
celui de voir le plan.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Value
from django.utils import timezone

from accompagnement.models import Accompagnement, Bilan, Intervention, Objectif
from accompagnement.selectors import interventions_visibles
from core import permissions
from core.chiffrement import TexteChiffre
from core.permissions import Donnee
from menages.models import DetteLocative, Logement, Menage, Orientation, PlanApurement
from menages.selectors import CHEMINS_MENAGE

NATURES = {"+": "Création", "~": "Modification", "-": "Suppression"}

# Ce qui ne se montre pas dans un changement : identifiants et horodatages techniques.
CHAMPS_TECHNIQUES = {"id", "public_id", "cree_le"}


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str
    apres: str
    chiffre: bool = False  # un texte chiffré : ni l'avant ni l'après ne sont montrés


@dataclass
class Version:
    date: datetime
    auteur: str
    nature: str
    enregistrement: str
    changements: list = field(default_factory=list)


def _libelle(modele, ligne):
    """Ce qu'est l'enregistrement, sans aucun texte libre."""
    if modele is Menage:
        return "Ménage"
    if modele is Logement:
        return "Logement" + (" actuel" if ligne.actuel else "")
    if modele is Orientation:
        return f"Orientation du {ligne.date_orientation:%d/%m/%Y}"
    if modele is DetteLocative:
        return f"Relevé de dette du {ligne.date:%d/%m/%Y}"
    if modele is PlanApurement:
        return f"Plan d'apurement du {ligne.date_debut:%d/%m/%Y}"
    if modele is Accompagnement:
        return f"Accompagnement du {ligne.date_debut:%d/%m/%Y}"
    if modele is Objectif:
        return f"Objectif ({ligne.get_axe_display().lower()})"
    if modele is Bilan:
        return f"Bilan : {ligne.get_type_display().lower()}"
    if modele is Intervention:
        quand = timezone.localtime(ligne.date_heure)
        return f"{ligne.get_type_display()} du {quand:%d/%m/%Y}"
    return modele._meta.verbose_name.capitalize()


def _champs(modele):
    # Les champs que l'historique garde (il ne garde pas ceux qui se recalculent, comme la
    # situation du jour d'un ménage).
    gardes = {champ.name for champ in modele.historique.model._meta.concrete_fields}
    return [
        champ
        for champ in modele._meta.concrete_fields
        if champ.name not in CHAMPS_TECHNIQUES and not champ.auto_created and champ.name in gardes
    ]


def _valeur(champ, ligne, references):
    valeur = getattr(ligne, champ.attname)
    if valeur is None or valeur == "":
        return "—"
    if champ.choices:
        return str(dict(champ.flatchoices).get(valeur, valeur))
    if isinstance(champ, models.ForeignKey):
        objet = references.get(champ.related_model, {}).get(valeur)
        return str(objet) if objet is not None else "—"
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return f"{timezone.localtime(valeur):%d/%m/%Y %H:%M}"
    if isinstance(valeur, date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    return str(valeur)


def _sources(user, menage):
    """(modèle, versions) de chaque enregistrement du ménage que la personne peut voir."""
    voit_dette = permissions.peut_voir_ligne(user, Donnee.DETTE, menage, CHEMINS_MENAGE)
    voit_plan = permissions.peut_voir_ligne(user, Donnee.PLAN, menage, CHEMINS_MENAGE)
    accompagnements = Accompagnement.historique.filter(menage_id=menage.pk).values("id")
    sources = [
        (Menage, Menage.historique.filter(id=menage.pk)),
        (Logement, Logement.historique.filter(menage_id=menage.pk)),
        (Orientation, Orientation.historique.filter(menage_id=menage.pk)),
    ]
    if voit_dette:
        sources += [
            (DetteLocative, DetteLocative.historique.filter(menage_id=menage.pk)),
            (PlanApurement, PlanApurement.historique.filter(menage_id=menage.pk)),
        ]
    sources.append((Accompagnement, Accompagnement.historique.filter(menage_id=menage.pk)))
    if voit_plan:
        sources += [
            (Objectif, Objectif.historique.filter(accompagnement_id__in=accompagnements)),
            (Bilan, Bilan.historique.filter(accompagnement_id__in=accompagnements)),
        ]
    visibles = interventions_visibles(user).filter(accompagnement__menage=menage).values("pk")
    sources.append(
        (
            Intervention,
            Intervention.historique.filter(accompagnement_id__in=accompagnements, id__in=visibles),
        )
    )
    return sources


# L'historique se lit par pages de ce nombre de versions : un ménage suivi deux ans en compte
# des centaines (une par intervention, au moins).
VERSIONS_PAR_PAGE = 50


def historique_du_menage(user, menage, numero=1):
    """La page `numero` des versions des enregistrements du ménage, de la plus récente à la plus
    ancienne (une `Page` de `Version`).

    À n'appeler que pour qui a le droit de lire l'historique (`Action.CONSULTER_HISTORIQUE`
    et l'identité du ménage) : la vue le vérifie. Les versions se classent d'abord par leurs
    seules clés (date et identifiant de version de chaque sorte d'enregistrement, en une
    requête) ; seules
    celles de la page se lisent entières, avec les versions antérieures des mêmes
    enregistrements (pour dire ce qui a changé), puis les objets qu'elles citent (une requête par
    sorte d'objet : personnes, territoires…). Le nombre de requêtes ne dépend pas du nombre de
    versions, ni le rendu de la taille de l'historique. Une modification qui ne change aucun
    champ (une ligne réécrite telle quelle) n'est pas montrée : sa page en compte une de moins.
    """
    sources = _sources(user, menage)
    toutes = [
        versions.annotate(rang=Value(-rang))
        .values_list("history_date", "rang", "history_id")
        .order_by()
        for rang, (_, versions) in enumerate(sources)
    ]
    cles = sorted(toutes[0].union(*toutes[1:], all=True), reverse=True)
    page = Paginator(cles, VERSIONS_PAR_PAGE).get_page(numero)
    de_la_page = {}
    for _, rang, id_version in page.object_list:
        de_la_page.setdefault(-rang, set()).add(id_version)
    lues = []
    for rang, ids in sorted(de_la_page.items()):
        modele, versions = sources[rang]
        objets = versions.filter(history_id__in=ids).values("id")
        lignes = versions.filter(
            id__in=objets, history_date__lte=max(c[0] for c in page.object_list)
        )
        lignes = list(lignes.select_related("history_user").order_by("id", "history_date"))
        lues.append((modele, lignes, ids))
    references = _references([(modele, lignes) for modele, lignes, _ in lues])
    resultat = []
    for modele, lignes, ids in lues:
        resultat += _versions(modele, lignes, ids, references)
    page.object_list = sorted(resultat, key=lambda v: v.date, reverse=True)
    return page


def _versions(modele, lignes, ids, references):
    """Les versions `ids` parmi `lignes` (les versions d'enregistrements de `modele`, par
    enregistrement puis par date), chacune avec ce qui a changé depuis la précédente."""
    champs = _champs(modele)
    resultat = []
    precedente = None
    for ligne in lignes:
        if precedente is not None and precedente.id != ligne.id:
            precedente = None
        changements = []
        if ligne.history_type == "~" and precedente is not None:
            changements = _changements(champs, precedente, ligne, references)
            if not changements:
                # Un enregistrement sans changement (un service qui réécrit la ligne) : rien à
                # montrer.
                precedente = ligne
                continue
        if ligne.history_id in ids:
            resultat.append(
                Version(
                    date=ligne.history_date,
                    auteur=_auteur(ligne.history_user),
                    nature=NATURES.get(ligne.history_type, ligne.history_type),
                    enregistrement=_libelle(modele, ligne),
                    changements=changements,
                )
            )
        precedente = ligne
    return resultat


def _changements(champs, avant, apres, references):
    changements = []
    for champ in champs:
        if getattr(avant, champ.attname) == getattr(apres, champ.attname):
            continue
        if isinstance(champ, TexteChiffre):
            changements.append(Changement(str(champ.verbose_name), "", "", chiffre=True))
        else:
            changements.append(
                Changement(
                    str(champ.verbose_name),
                    _valeur(champ, avant, references),
                    _valeur(champ, apres, references),
                )
            )
    return changements


def _references(lues):
    """{modèle lié: {clé: objet}} des clés étrangères citées par les versions (une requête par
    modèle lié)."""
    cles = {}
    for modele, lignes in lues:
        for champ in _champs(modele):
            if isinstance(champ, models.ForeignKey):
                valeurs = {getattr(ligne, champ.attname) for ligne in lignes} - {None}
                cles.setdefault(champ.related_model, set()).update(valeurs)
    return {
        modele_lie: modele_lie._default_manager.in_bulk(sorted(valeurs))
        for modele_lie, valeurs in cles.items()
        if valeurs
    }


def _auteur(user):
    if user is None:
        return "Tâche ou commande"
    return user.get_full_name() or user.email
