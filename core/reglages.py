"""Les réglages du programme, modifiés par la coordination : capacité, coûts, financement,
lignes budgétaires, territoires (et la capacité cible de chacun) et communes, cibles.

Chaque fonction est une transaction : elle vérifie le droit (`Action.REGLER_DISPOSITIF`, un
coordinateur du dispositif qui n'est pas limité à un territoire), valide, écrit, et inscrit
chaque changement dans `HistoriqueReglage` (qui, quand, quel réglage, ancienne et nouvelle
valeur). Refus : `PermissionDenied` sans le droit, `ValidationError` (message en français) pour
une valeur impossible. Un rapport déjà produit garde ses chiffres et ses cibles : rien ici ne
le touche.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from . import permissions
from .enums import IndicateurCible
from .models import CibleDispositif, Commune, HistoriqueReglage, LigneBudgetaire, Territoire
from .permissions import Action

# Les réglages simples du dispositif, dans l'ordre de la page.
CHAMPS_REGLABLES = (
    "capacite_acces",
    "capacite_maintien",
    "cout_diagnostic",
    "cout_gestion_locative_adaptee",
    "cout_menage_prevu",
    "financement_demande",
    "cofinancement",
)

MONTANT_MAXIMUM = Decimal("9999999999.99")
CAPACITE_MAXIMUM = 100_000


def peut_regler(user, dispositif):
    return permissions.peut(user, Action.REGLER_DISPOSITIF, dispositif)


def _exiger(user, dispositif):
    if not peut_regler(user, dispositif):
        raise PermissionDenied("Seule la coordination du dispositif modifie ses réglages.")


def _texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return f"{valeur:.2f}".replace(".", ",")
    return str(valeur)


def _noter(user, dispositif, reglage, ancienne, nouvelle):
    HistoriqueReglage.objects.create(
        dispositif=dispositif,
        user=user,
        email=getattr(user, "email", ""),
        reglage=reglage[:200],
        ancienne_valeur=_texte(ancienne)[:300],
        nouvelle_valeur=_texte(nouvelle)[:300],
    )


def _libelle_champ(dispositif, champ):
    libelle = str(dispositif._meta.get_field(champ).verbose_name)
    return libelle[:1].upper() + libelle[1:]


@transaction.atomic
def modifier_reglages(user, dispositif, valeurs):
    """Change les réglages simples donnés (`{champ: valeur}`, champs de `CHAMPS_REGLABLES`).

    Rend la liste des champs changés ; une valeur identique n'écrit rien.
    """
    _exiger(user, dispositif)
    inconnus = set(valeurs) - set(CHAMPS_REGLABLES)
    if inconnus:
        raise ValidationError("Ce réglage ne se modifie pas ici.")
    changes = []
    for champ, nouvelle in valeurs.items():
        if nouvelle is None or nouvelle < 0:
            raise ValidationError(f"{_libelle_champ(dispositif, champ)} : un nombre positif.")
        maximum = CAPACITE_MAXIMUM if champ.startswith("capacite") else MONTANT_MAXIMUM
        if nouvelle > maximum:
            raise ValidationError(f"{_libelle_champ(dispositif, champ)} : valeur trop grande.")
        ancienne = getattr(dispositif, champ)
        if ancienne == nouvelle:
            continue
        setattr(dispositif, champ, nouvelle)
        _noter(user, dispositif, _libelle_champ(dispositif, champ), ancienne, nouvelle)
        changes.append(champ)
    if changes:
        dispositif.save(update_fields=changes)
    return changes


@transaction.atomic
def fixer_cibles(user, dispositif, valeurs):
    """Fixe les cibles données (`{IndicateurCible: Decimal ou None}`) ; None retire la cible.

    Rend la liste des indicateurs changés.
    """
    _exiger(user, dispositif)
    actuelles = {c.indicateur: c for c in CibleDispositif.objects.filter(dispositif=dispositif)}
    changes = []
    for indicateur, nouvelle in valeurs.items():
        indicateur = IndicateurCible(indicateur)
        if nouvelle is not None and not (0 <= nouvelle <= MONTANT_MAXIMUM):
            raise ValidationError(f"Cible « {indicateur.label} » : un nombre positif.")
        cible = actuelles.get(indicateur)
        ancienne = cible.valeur if cible else None
        if ancienne == nouvelle:
            continue
        if nouvelle is None:
            cible.delete()
        elif cible:
            cible.valeur = nouvelle
            cible.save(update_fields=["valeur"])
        else:
            CibleDispositif.objects.create(
                dispositif=dispositif, indicateur=indicateur, valeur=nouvelle
            )
        _noter(user, dispositif, f"Cible : {indicateur.label}", ancienne, nouvelle)
        changes.append(indicateur)
    return changes


@transaction.atomic
def ajouter_ligne_budgetaire(user, dispositif, *, poste, nature, libelle, montant_annuel):
    _exiger(user, dispositif)
    if montant_annuel is None or not (0 <= montant_annuel <= MONTANT_MAXIMUM):
        raise ValidationError("Le montant annuel est un nombre positif.")
    try:
        with transaction.atomic():
            ligne = LigneBudgetaire.objects.create(
                dispositif=dispositif,
                poste=poste,
                nature=nature,
                libelle=libelle.strip(),
                montant_annuel=montant_annuel,
            )
    except IntegrityError:
        raise ValidationError(
            "Cette ligne existe déjà (même poste, même nature, même libellé) : modifiez-la."
        ) from None
    _noter(user, dispositif, f"Budget : {_nom_ligne(ligne)}", None, montant_annuel)
    return ligne


@transaction.atomic
def modifier_ligne_budgetaire(user, ligne, montant_annuel):
    _exiger(user, ligne.dispositif)
    if montant_annuel is None or not (0 <= montant_annuel <= MONTANT_MAXIMUM):
        raise ValidationError("Le montant annuel est un nombre positif.")
    ancienne = ligne.montant_annuel
    if ancienne != montant_annuel:
        ligne.montant_annuel = montant_annuel
        ligne.save(update_fields=["montant_annuel"])
        _noter(user, ligne.dispositif, f"Budget : {_nom_ligne(ligne)}", ancienne, montant_annuel)
    return ligne


@transaction.atomic
def supprimer_ligne_budgetaire(user, ligne):
    _exiger(user, ligne.dispositif)
    _noter(user, ligne.dispositif, f"Budget : {_nom_ligne(ligne)}", ligne.montant_annuel, None)
    ligne.delete()


def _nom_ligne(ligne):
    nom = f"{ligne.get_poste_display()} – {ligne.get_nature_display()}"
    return f"{nom} ({ligne.libelle})" if ligne.libelle else nom


def _nom_propre(nom, quoi):
    nom = " ".join((nom or "").split())
    if not nom:
        raise ValidationError(f"Le nom {quoi} est obligatoire.")
    if len(nom) > 120:
        raise ValidationError(f"Le nom {quoi} tient en 120 caractères.")
    return nom


@transaction.atomic
def ajouter_territoire(user, dispositif, nom):
    _exiger(user, dispositif)
    nom = _nom_propre(nom, "du territoire")
    if Territoire.objects.filter(dispositif=dispositif, nom__iexact=nom).exists():
        raise ValidationError(f"Le territoire « {nom} » existe déjà.")
    territoire = Territoire.objects.create(dispositif=dispositif, nom=nom)
    _noter(user, dispositif, "Territoire ajouté", None, nom)
    return territoire


@transaction.atomic
def renommer_territoire(user, territoire, nom):
    _exiger(user, territoire.dispositif)
    nom = _nom_propre(nom, "du territoire")
    ancien = territoire.nom
    if ancien == nom:
        return territoire
    autres = Territoire.objects.filter(dispositif=territoire.dispositif, nom__iexact=nom)
    if autres.exclude(pk=territoire.pk).exists():
        raise ValidationError(f"Le territoire « {nom} » existe déjà.")
    territoire.nom = nom
    territoire.save(update_fields=["nom"])
    _noter(user, territoire.dispositif, "Territoire renommé", ancien, nom)
    return territoire


@transaction.atomic
def fixer_capacite_territoire(user, territoire, capacite):
    """La capacité cible d'un territoire (0 : pas de cible), comparée aux accompagnements actifs
    de ce territoire dans le tableau de bord et le rapport ; rend vrai si elle a changé."""
    _exiger(user, territoire.dispositif)
    if capacite is None or not (0 <= capacite <= CAPACITE_MAXIMUM):
        raise ValidationError(
            f"Capacité du territoire « {territoire.nom} » : un nombre entier de 0 à "
            f"{CAPACITE_MAXIMUM}."
        )
    ancienne = territoire.capacite
    if ancienne == capacite:
        return False
    territoire.capacite = capacite
    territoire.save(update_fields=["capacite"])
    _noter(
        user, territoire.dispositif, f"Capacité du territoire {territoire.nom}", ancienne, capacite
    )
    return True


@transaction.atomic
def modifier_territoire(user, territoire, nom, capacite=None):
    """Renomme le territoire et fixe sa capacité (None : capacité inchangée)."""
    renommer_territoire(user, territoire, nom)
    if capacite is not None:
        fixer_capacite_territoire(user, territoire, capacite)
    return territoire


@transaction.atomic
def ajouter_commune(user, territoire, nom, code_postal):
    _exiger(user, territoire.dispositif)
    nom = _nom_propre(nom, "de la commune")
    code_postal = (code_postal or "").strip()
    if not (len(code_postal) == 5 and code_postal.isdigit()):
        raise ValidationError("Le code postal a 5 chiffres.")
    if Commune.objects.filter(territoire=territoire, nom__iexact=nom, code_postal=code_postal):
        raise ValidationError(f"La commune « {nom} » est déjà dans ce territoire.")
    commune = Commune.objects.create(territoire=territoire, nom=nom, code_postal=code_postal)
    _noter(user, territoire.dispositif, f"Commune ajoutée à {territoire.nom}", None, str(commune))
    return commune


@transaction.atomic
def retirer_commune(user, commune):
    territoire = commune.territoire
    _exiger(user, territoire.dispositif)
    _noter(user, territoire.dispositif, f"Commune retirée de {territoire.nom}", str(commune), None)
    commune.delete()
