"""Import CSV des orientations, tout ou rien (format décrit dans CSV_ORIENTATIONS.md).

Deux temps :
- `lire_orientations` décode le fichier, vérifie l'en-tête puis chaque ligne et rend une
  `FicheOrientation` par ligne avec la liste de toutes les erreurs, sans rien écrire ;
- `importer_orientations` n'écrit que si le fichier entier est juste, en passant chaque fiche à
  `orienter_menage` (la même règle que la fiche saisie à la main) dans une seule transaction.

Chaque erreur désigne la ligne du fichier (l'en-tête est la ligne 1) et la colonne :
« ligne 4, colonne code_postal : 5 chiffres attendus ». Seules les premières sont gardées
(`IMPORT_ERREURS_RAPPORTEES`, 100 par défaut), avec leur nombre total.

Plafonds (réglages `IMPORT_*`) : taille du fichier, nombre de colonnes et de lignes, vérifiés
avant qu'aucune ligne ne soit analysée ; tout se fait en temps linéaire (un en-tête de
40 000 colonnes se refuse aussitôt) ; et une échéance que l'import vérifie lui-même entre deux
lignes, si bien qu'elle tient aussi quand la tâche s'exécute sur place : au-delà, il s'arrête,
n'écrit rien et le dit.

`demander_import` et `executer_import` font la même chose en arrière-plan pour la page
d'import : le fichier attend dans le stockage privé, une tâche Celery l'importe en tenant à
jour l'état et la progression d'un `Import`.
"""

import csv
import io
import logging
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import bornes
from core.enums import Parcours
from core.models import Commune, JournalAudit
from core.permissions import Action, peut
from core.services import journaliser

# `tasks` importe ce module : l'import de module (et non de ses noms) garde le cycle sans danger.
from . import tasks
from .enums import Composition, EtatImport, Problematique, Source, StadeProcedure, Typologie
from .models import MONTANT_MAXIMUM, Import
from .services import FicheOrientation, orienter_menage

logger = logging.getLogger(__name__)

ENTIER_MAXIMUM = 99
# Une valeur citée dans un message d'erreur est coupée au-delà : le rapport reste lisible.
LONGUEUR_CITEE = 60
# La progression d'un import en arrière-plan est notée toutes les N lignes.
PAS_DE_PROGRESSION = 200


# --- Plafonds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plafonds:
    """Ce qu'un import accepte au plus ; `du_reglage()` lit les réglages `IMPORT_*`."""

    taille_octets: int
    colonnes: int
    lignes: int
    erreurs_rapportees: int
    duree_secondes: float

    @classmethod
    def du_reglage(cls):
        return cls(
            taille_octets=settings.IMPORT_TAILLE_MAX_OCTETS,
            colonnes=settings.IMPORT_COLONNES_MAX,
            lignes=settings.IMPORT_LIGNES_MAX,
            erreurs_rapportees=settings.IMPORT_ERREURS_RAPPORTEES,
            duree_secondes=settings.IMPORT_DUREE_MAX_SECONDES,
        )


def _milliers(nombre):
    """« 79 900 » : les milliers séparés par une espace, comme on les écrit en français."""
    return f"{nombre:,}".replace(",", " ")


def _taille(octets):
    return f"{octets / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0") + " Mo"


def _cite(valeur):
    return valeur if len(valeur) <= LONGUEUR_CITEE else valeur[: LONGUEUR_CITEE - 1] + "…"


# --- Erreurs et résultat ---------------------------------------------------------------------


@dataclass(frozen=True)
class ErreurImport:
    """Une erreur du fichier : sa ligne (l'en-tête est la ligne 1), sa colonne, le message."""

    ligne: int
    colonne: str
    message: str

    def __str__(self):
        if not self.colonne:
            return f"ligne {self.ligne} : {self.message}"
        return f"ligne {self.ligne}, colonne {self.colonne} : {self.message}"


class ErreursDuFichier(list):
    """Les erreurs d'un fichier : les `plafond` premières (la liste) et leur nombre `total`."""

    def __init__(self, plafond):
        super().__init__()
        self.plafond = plafond
        self.total = 0

    def ajouter(self, erreur):
        self.total += 1
        if len(self) < self.plafond:
            self.append(erreur)

    def etendre(self, erreurs):
        for erreur in erreurs:
            self.ajouter(erreur)


class ImportRefuse(Exception):
    """Le fichier compte au moins une erreur : rien n'a été enregistré.

    `erreurs` : les premières erreurs (au plus `IMPORT_ERREURS_RAPPORTEES`) ; `total` : leur
    nombre total ; `autres` : celles qui ne sont pas rapportées.
    """

    def __init__(self, erreurs, total=None):
        self.erreurs = list(erreurs)
        self.total = max(getattr(erreurs, "total", 0), total or 0, len(self.erreurs))
        self.autres = self.total - len(self.erreurs)
        super().__init__(self.titre())

    def titre(self):
        nombre = _milliers(self.total) + (" erreur" if self.total == 1 else " erreurs")
        return f"Import refusé : {nombre}, rien n'a été enregistré."

    @property
    def suite(self):
        """« … et 79 900 autres erreurs », ou rien quand toutes sont rapportées."""
        if not self.autres:
            return ""
        autres = "autre erreur" if self.autres == 1 else "autres erreurs"
        return f"… et {_milliers(self.autres)} {autres}"


class ImportTropLong(ImportRefuse):
    """L'import a dépassé sa durée maximale : il s'est arrêté, rien n'a été enregistré."""

    def __init__(self, ligne, secondes):
        self.secondes = secondes
        message = (
            f"import interrompu : il dépassait {_milliers(int(secondes))} secondes ; "
            "découpez le fichier en plusieurs"
        )
        super().__init__([ErreurImport(ligne, "", message)])

    def titre(self):
        return (
            f"Import interrompu au bout de {_milliers(int(self.secondes))} secondes : rien n'a "
            "été enregistré. Découpez le fichier en plusieurs."
        )


class Echeance:
    """L'heure à laquelle l'import doit avoir fini ; `verifier` l'arrête au-delà.

    Vérifiée par l'import lui-même entre deux lignes : elle tient sans l'aide du worker Celery
    (ses limites de temps ne jouent pas quand la tâche s'exécute sur place).
    """

    def __init__(self, secondes, horloge=time.monotonic):
        self.secondes = secondes
        self.horloge = horloge
        self.fin = horloge() + secondes

    def verifier(self, ligne):
        if self.horloge() > self.fin:
            raise ImportTropLong(ligne, self.secondes)


@dataclass
class RapportImport:
    menages_crees: int = 0
    orientations_creees: int = 0
    orientations_deja_presentes: int = 0
    lignes: int = 0

    def __str__(self):
        """« 12 lignes lues : 10 ménages créés, 12 orientations créées, 0 déjà présentes. »"""
        lignes = _nombre(self.lignes, "ligne lue", "lignes lues")
        menages = _nombre(self.menages_crees, "ménage créé", "ménages créés")
        creees = _nombre(self.orientations_creees, "orientation créée", "orientations créées")
        presentes = _nombre(self.orientations_deja_presentes, "déjà présente", "déjà présentes")
        return f"{lignes} : {menages}, {creees}, {presentes}."


def _nombre(nombre, singulier, pluriel):
    return f"{nombre} {singulier if nombre == 1 else pluriel}"


class ValeurInvalide(ValueError):
    """Levée par l'analyse d'une cellule ; le message devient celui de l'erreur."""


# --- Normalisation des libellés --------------------------------------------------------------


def normaliser(texte):
    """Forme de comparaison : sans accents ni casse, espaces réduits, « a / b » → « a/b »."""
    decompose = unicodedata.normalize("NFKD", texte.replace("’", "'"))
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    espaces_reduits = " ".join(sans_accents.casefold().split())
    return re.sub(r"\s*/\s*", "/", espaces_reduits)


def normaliser_lieu(texte):
    """Comme `normaliser`, où « Saint-Flour », « saint flour » et « Saint Flour » se valent."""
    return normaliser(re.sub(r"[-']", " ", texte))


# --- Analyse des cellules ---------------------------------------------------------------------


class Referentiel:
    """Les territoires et les communes du dispositif, lus une fois pour tout le fichier."""

    def __init__(self, dispositif):
        territoires = list(dispositif.territoires.all())
        self.territoires = {normaliser(t.nom): t for t in territoires}
        self.noms_des_territoires = ", ".join(t.nom for t in territoires)
        self.communes = list(
            Commune.objects.filter(territoire__dispositif=dispositif).select_related("territoire")
        )

    def territoire(self, nom):
        return self.territoires.get(normaliser(nom))

    def commune(self, nom, code_postal, territoire=None):
        """La commune du dispositif : par nom et code postal, sinon par l'un seul s'il suffit."""
        candidates = [c for c in self.communes if territoire is None or c.territoire == territoire]
        nom = normaliser_lieu(nom)
        par_nom = [c for c in candidates if normaliser_lieu(c.nom) == nom]
        par_code = [c for c in candidates if c.code_postal == code_postal]
        for trouvees in ([c for c in par_nom if c in par_code], par_nom, par_code):
            if len(trouvees) == 1:
                return trouvees[0]
        return None


def _texte(longueur_maximum=None):
    def analyser(valeur, _referentiel):
        if longueur_maximum is not None and len(valeur) > longueur_maximum:
            raise ValeurInvalide(f"{longueur_maximum} caractères au plus")
        return valeur

    return analyser


def _lire_date(valeur):
    francaise = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", valeur)
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", valeur)
    try:
        if francaise:
            jour, mois, annee = map(int, francaise.groups())
        elif iso:
            annee, mois, jour = map(int, iso.groups())
        else:
            raise ValueError
        lue = date(annee, mois, jour)
    except ValueError:
        raise ValeurInvalide("date invalide, attendu JJ/MM/AAAA ou AAAA-MM-JJ") from None
    if lue < bornes.DATE_MINIMUM:
        raise ValeurInvalide(f"date antérieure au {bornes.DATE_MINIMUM:%d/%m/%Y}")
    return lue


def _date(valeur, _referentiel):
    lue = _lire_date(valeur)
    if lue > timezone.localdate():
        raise ValeurInvalide("date dans le futur")
    return lue


def date_jusqu_a(futur):
    """Une date qui peut être dans le futur, jusqu'à `futur` (un `relativedelta`) après
    aujourd'hui : la disponibilité d'un logement, par exemple."""

    def analyser(valeur, _referentiel):
        lue = _lire_date(valeur)
        if lue > bornes.date_maximum(futur):
            raise ValeurInvalide(
                f"date trop lointaine (après le {bornes.date_maximum(futur):%d/%m/%Y})"
            )
        return lue

    return analyser


def _code_postal(valeur, _referentiel):
    if not re.fullmatch(r"\d{5}", valeur):
        raise ValeurInvalide("5 chiffres attendus")
    return valeur


def _entier(valeur, _referentiel):
    if not re.fullmatch(r"[+-]?\d+", valeur):
        raise ValeurInvalide("nombre entier attendu")
    negatif = valeur.startswith("-")
    chiffres = valeur.lstrip("+-").lstrip("0") or "0"
    # La longueur est vérifiée avant la conversion : 5 000 chiffres ne se convertissent pas.
    if negatif and chiffres != "0":
        raise ValeurInvalide("doit être positif ou nul")
    if len(chiffres) > len(str(ENTIER_MAXIMUM)) or int(chiffres) > ENTIER_MAXIMUM:
        raise ValeurInvalide(f"{ENTIER_MAXIMUM} au plus")
    return int(chiffres)


def _montant(valeur, _referentiel):
    """Euros : « 1234,56 », « 1234.56 », « 1 234,56 » (espaces de milliers), « 12 € »."""
    chiffres = re.sub(r"[\s\u00a0\u202f]", "", valeur.removesuffix("€"))
    if len(chiffres) > bornes.LONGUEUR_MAXIMUM_D_UNE_VALEUR:
        raise ValeurInvalide("montant trop élevé" if chiffres[:1].isdigit() else "montant invalide")
    if not re.fullmatch(r"[+-]?\d+([.,]\d+)?", chiffres):
        raise ValeurInvalide("montant invalide")
    lu = Decimal(chiffres.replace(",", "."))  # la forme vient d'être vérifiée
    if lu < 0:
        raise ValeurInvalide("doit être positif ou nul")
    if lu.as_tuple().exponent < -2:
        raise ValeurInvalide("2 décimales au plus")
    if lu > MONTANT_MAXIMUM:
        raise ValeurInvalide("montant trop élevé")
    return lu


def _choix(valeurs, alias=None):
    """Une valeur parmi `valeurs` ({libellé du format: valeur}), accents et casse ignorés.

    `alias` ajoute des écritures acceptées sans être annoncées dans le message d'erreur (les
    libellés de l'application, par exemple).
    """
    ecritures = {**(alias or {}), **valeurs}
    table = {normaliser(libelle): valeur for libelle, valeur in ecritures.items()}
    attendus = ", ".join(valeurs)

    def analyser(valeur, _referentiel):
        try:
            return table[normaliser(valeur)]
        except KeyError:
            raise ValeurInvalide(
                f"valeur inconnue : {_cite(valeur)} (attendu : {attendus})"
            ) from None

    return analyser


def _libelles(choix):
    return {membre.label: membre for membre in choix}


PROBLEMATIQUES = {normaliser(p.label): p for p in Problematique}


def _problematiques(valeur, _referentiel):
    libelles = [libelle.strip() for libelle in valeur.split("|") if libelle.strip()]
    if not libelles:
        raise ValeurInvalide("obligatoire")
    inconnues = [libelle for libelle in libelles if normaliser(libelle) not in PROBLEMATIQUES]
    if inconnues:
        debut = "valeurs inconnues" if len(inconnues) > 1 else "valeur inconnue"
        attendus = ", ".join(Problematique.labels)
        raise ValeurInvalide(f"{debut} : {_cite(', '.join(inconnues))} (attendu : {attendus})")
    return list(dict.fromkeys(PROBLEMATIQUES[normaliser(libelle)] for libelle in libelles))


def _territoire(valeur, referentiel):
    territoire = referentiel.territoire(valeur)
    if territoire is None:
        attendus = referentiel.noms_des_territoires or "aucun territoire dans ce dispositif"
        raise ValeurInvalide(f"valeur inconnue : {_cite(valeur)} (attendu : {attendus})")
    return territoire


# --- Les colonnes du format -------------------------------------------------------------------


@dataclass(frozen=True)
class Colonne:
    nom: str
    obligatoire: bool
    analyser: Callable[[str, Referentiel], object]
    champ: str = ""  # attribut de FicheOrientation, le nom de la colonne s'il est vide

    @property
    def attribut(self):
        return self.champ or self.nom


PARCOURS = _choix({"acces": Parcours.ACCES, "maintien": Parcours.MAINTIEN})
TYPOLOGIES = _choix({t.value: t for t in Typologie}, alias=_libelles(Typologie))
COMPOSITIONS = _choix(
    {
        "personne seule": Composition.PERSONNE_SEULE,
        "couple": Composition.COUPLE,
        "monoparentale": Composition.MONOPARENTALE,
        "couple avec enfants": Composition.COUPLE_AVEC_ENFANTS,
        "autre": Composition.AUTRE,
    },
    alias=_libelles(Composition),
)
PROCEDURES = _choix(
    {
        "aucune": StadeProcedure.AUCUNE,
        "commandement de payer": StadeProcedure.COMMANDEMENT_DE_PAYER,
        "assignation": StadeProcedure.ASSIGNATION,
        "resiliation du bail": StadeProcedure.RESILIATION_DU_BAIL,
        "commandement de quitter les lieux": StadeProcedure.COMMANDEMENT_DE_QUITTER,
        "demande de concours de la force publique": StadeProcedure.DEMANDE_CONCOURS,
        "concours accorde": StadeProcedure.CONCOURS_ACCORDE,
    },
    alias=_libelles(StadeProcedure),
)
SOURCES = _choix(
    {
        "gestion locative": Source.GESTION_LOCATIVE,
        "recouvrement": Source.RECOUVREMENT,
        "contentieux": Source.CONTENTIEUX,
        "proximite": Source.PROXIMITE,
        "cesf": Source.CESF,
        "siao": Source.SIAO,
        "association": Source.ASSOCIATION,
        "ccas": Source.CCAS,
        "sante": Source.SANTE,
        "spip": Source.SPIP,
        "autre": Source.AUTRE,
    },
    alias=_libelles(Source),
)
OUI_NON = _choix({"oui": True, "non": False})

COLONNES = (
    Colonne("reference_locataire", True, _texte(30)),
    Colonne("date_orientation", True, _date),
    Colonne("parcours", True, PARCOURS),
    Colonne("nom", True, _texte(150)),
    Colonne("prenom", False, _texte(150)),
    Colonne("adresse", True, _texte(250)),
    Colonne("code_postal", True, _code_postal),
    Colonne("commune", True, _texte(120)),
    Colonne("territoire", False, _territoire),
    Colonne("typologie_logement", False, TYPOLOGIES, champ="typologie"),
    Colonne("composition", False, COMPOSITIONS),
    Colonne("nb_adultes", False, _entier),
    Colonne("nb_enfants", False, _entier),
    Colonne("loyer", False, _montant),
    Colonne("charges", False, _montant),
    Colonne("apl", False, _montant),
    Colonne("ressources_mensuelles", False, _montant),
    Colonne("dette_locative", False, _montant),
    Colonne("procedure", False, PROCEDURES, champ="stade_procedure"),
    Colonne("problematiques", True, _problematiques),
    Colonne("source", True, SOURCES),
    Colonne("lien_rompu", False, OUI_NON),
    Colonne("description", False, _texte()),
)
COLONNES_PAR_NOM = {colonne.nom: colonne for colonne in COLONNES}


@dataclass(frozen=True)
class Format:
    """Un format de fichier importé tout ou rien : ses colonnes, l'objet que rend une ligne
    juste (`fabriquer(champs, referentiel)`) et ce qu'on dit d'un fichier sans ligne.

    Les orientations en sont un ; les logements vacants (`acces.importation`) un autre : la
    lecture, les plafonds, l'échéance et les erreurs (ligne, colonne) sont les mêmes.
    """

    colonnes: tuple
    fabriquer: Callable
    aucune_ligne: str

    @property
    def par_nom(self):
        return {colonne.nom: colonne for colonne in self.colonnes}


def _fiche_orientation(champs, referentiel):
    fiche = FicheOrientation(**champs, importee=True)
    _situer(fiche, referentiel)
    return fiche


FORMAT_ORIENTATIONS = Format(COLONNES, _fiche_orientation, "aucune orientation")


# --- Lecture du fichier ----------------------------------------------------------------------


def lire_orientations(contenu: bytes, dispositif, *, plafonds=None, echeance=None):
    """Lit un fichier d'orientations sans rien écrire.

    Rend `(fiches, erreurs)` : une `FicheOrientation` par ligne juste, dans l'ordre du fichier,
    et les `ErreurImport` de toutes les lignes (jamais seulement la première), les premières
    gardées dans la liste et leur nombre dans `erreurs.total`.
    """
    lignes, erreurs = _lire(contenu, dispositif, plafonds or Plafonds.du_reglage(), echeance)
    return [fiche for _numero, fiche in lignes], erreurs


def lire_fichier(contenu, dispositif, format_, *, plafonds=None, echeance=None):
    """Lit un fichier de `format_` sans rien écrire ; rend `(lignes, erreurs)`, chaque objet
    accompagné du numéro de sa ligne."""
    return _lire(contenu, dispositif, plafonds or Plafonds.du_reglage(), echeance, format_=format_)


def _lire(contenu, dispositif, plafonds, echeance=None, progression=None, format_=None):
    """Comme `lire_orientations`, chaque fiche accompagnée du numéro de sa ligne."""
    format_ = format_ or FORMAT_ORIENTATIONS
    erreurs = ErreursDuFichier(plafonds.erreurs_rapportees)
    try:
        if len(contenu) > plafonds.taille_octets:
            raise _FichierIllisible(
                1,
                f"fichier trop volumineux ({_taille(len(contenu))}) : "
                f"{_taille(plafonds.taille_octets)} au plus, découpez-le",
            )
        texte = _decoder(contenu)
        lignes = _lignes_non_vides(texte, _separateur(texte))
        numero_entete, entete = next(lignes, (1, None))
        if entete is None:
            raise _FichierIllisible(1, "fichier vide : la ligne d'en-tête est attendue")
        if len(entete) > plafonds.colonnes:
            raise _FichierIllisible(
                numero_entete,
                f"{_milliers(len(entete))} colonnes : {plafonds.colonnes} au plus "
                f"(le format en compte {len(format_.colonnes)})",
            )
        noms = _lire_entete(numero_entete, entete, erreurs, format_)
        if erreurs:
            return [], erreurs
        # Toutes les lignes sont découpées (en temps linéaire) et comptées avant qu'aucune ne
        # soit analysée : un fichier trop long est refusé aussitôt.
        lignes = list(lignes)
        if len(lignes) > plafonds.lignes:
            raise _FichierIllisible(
                numero_entete + 1,
                f"{_milliers(len(lignes))} lignes : {_milliers(plafonds.lignes)} au plus, "
                "découpez le fichier",
            )
        fiches = _lire_lignes(
            lignes, noms, Referentiel(dispositif), erreurs, echeance, progression, format_
        )
        if not fiches and not erreurs:
            message = f"{format_.aucune_ligne} : le fichier n'a que l'en-tête"
            erreurs.ajouter(ErreurImport(numero_entete + 1, "", message))
        return fiches, erreurs
    except _FichierIllisible as illisible:
        erreurs.ajouter(illisible.erreur)
        return [], erreurs


class _FichierIllisible(Exception):
    def __init__(self, ligne, message):
        self.erreur = ErreurImport(ligne, "", message)


def _decoder(contenu):
    if b"\x00" in contenu:  # UTF-16 (« Texte Unicode » d'Excel) ou fichier binaire
        raise _FichierIllisible(1, "encodage non reconnu : enregistrez en CSV UTF-8")
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            return contenu.decode(encodage)
        except UnicodeDecodeError:
            continue
    raise _FichierIllisible(1, "encodage non reconnu : enregistrez en CSV UTF-8")


def _separateur(texte):
    """`;` ou `,`, celui que la ligne d'en-tête emploie le plus."""
    entete = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    return "," if entete.count(",") > entete.count(";") else ";"


def _lignes_non_vides(texte, separateur):
    """(numéro de la première ligne du fichier, cellules sans espaces autour) de chaque ligne.

    Le numéro suit `line_num` du lecteur CSV, si bien qu'un champ entre guillemets sur
    plusieurs lignes décale les suivantes comme dans le fichier. Les lignes vides sont sautées.
    """
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, strict=True)
    debut = 1
    while True:
        try:
            cellules = next(lecteur, None)
        except csv.Error as erreur:
            trop_longue = "field larger than field limit" in str(erreur)
            message = "cellule trop longue" if trop_longue else "guillemet non fermé ?"
            raise _FichierIllisible(debut, f"ligne CSV mal formée ({message})") from None
        if cellules is None:
            return
        cellules = [cellule.strip() for cellule in cellules]
        if any(cellules):
            yield debut, cellules
        debut = lecteur.line_num + 1


def _nom_de_colonne(cellule):
    return normaliser(cellule).replace(" ", "_")


def _lire_entete(numero, entete, erreurs, format_=None):
    """Les noms de colonne dans l'ordre du fichier ("" pour une colonne sans nom) ; les erreurs
    de l'en-tête s'ajoutent à `erreurs`. En temps linéaire : chaque nom est compté une fois."""
    format_ = format_ or FORMAT_ORIENTATIONS
    par_nom = format_.par_nom
    noms = [_nom_de_colonne(cellule) for cellule in entete]
    for cellule, nom in zip(entete, noms, strict=True):
        if nom and nom not in par_nom:
            erreurs.ajouter(ErreurImport(numero, _cite(cellule), "colonne inconnue"))
    occurrences = Counter(nom for nom in noms if nom)
    for nom, nombre in occurrences.items():
        if nombre > 1:
            erreurs.ajouter(ErreurImport(numero, _cite(nom), "colonne en double"))
    for colonne in format_.colonnes:
        if colonne.obligatoire and colonne.nom not in occurrences:
            erreurs.ajouter(ErreurImport(numero, colonne.nom, "colonne obligatoire absente"))
    return noms


def _lire_lignes(lignes, noms, referentiel, erreurs, echeance=None, progression=None, format_=None):
    fiches = []
    for rang, (numero, cellules) in enumerate(lignes):
        if echeance is not None:
            echeance.verifier(numero)
        if progression is not None and rang % PAS_DE_PROGRESSION == 0:
            progression(EtatImport.VERIFICATION, rang, len(lignes))
        fiche, erreurs_de_la_ligne = _lire_ligne(numero, cellules, noms, referentiel, format_)
        erreurs.etendre(erreurs_de_la_ligne)
        if fiche is not None:
            fiches.append((numero, fiche))
    return fiches


def _lire_ligne(numero, cellules, noms, referentiel, format_=None):
    """La fiche d'une ligne (None si elle a une erreur) et les erreurs de la ligne."""
    format_ = format_ or FORMAT_ORIENTATIONS
    valeurs, erreurs = _cellules_par_colonne(numero, cellules, noms)
    champs = {}
    for colonne in format_.colonnes:
        valeur = valeurs.get(colonne.nom, "")
        if not valeur:
            if colonne.obligatoire:
                erreurs.append(ErreurImport(numero, colonne.nom, "obligatoire"))
            continue
        try:
            champs[colonne.attribut] = colonne.analyser(valeur, referentiel)
        except ValeurInvalide as invalide:
            erreurs.append(ErreurImport(numero, colonne.nom, str(invalide)))
    if erreurs:
        return None, erreurs
    return format_.fabriquer(champs, referentiel), []


def _cellules_par_colonne(numero, cellules, noms):
    """{nom de colonne: valeur} ; des valeurs sous des colonnes sans nom sont une erreur."""
    valeurs, sans_nom = {}, []
    for position, valeur in enumerate(cellules):
        nom = noms[position] if position < len(noms) else ""
        if nom:
            valeurs[nom] = valeur
        elif valeur:
            sans_nom.append(position + 1)
    if not sans_nom:
        return valeurs, []
    # Une seule erreur par ligne, même pour des milliers de cellules en trop.
    message = "valeur sans nom de colonne"
    if len(sans_nom) > 1:
        message += f" (et {_milliers(len(sans_nom) - 1)} autres)"
    return valeurs, [ErreurImport(numero, f"n° {sans_nom[0]}", message)]


def _situer(fiche, referentiel):
    """Rattache le logement à une commune du dispositif et, faute de territoire, au sien."""
    commune = referentiel.commune(fiche.commune, fiche.code_postal, fiche.territoire)
    fiche.commune_du_dispositif = commune
    if fiche.territoire is None and commune is not None:
        fiche.territoire = commune.territoire


# --- Enregistrement ---------------------------------------------------------------------------


def importer_orientations(
    contenu: bytes,
    dispositif,
    user=None,
    *,
    plafonds=None,
    horloge=time.monotonic,
    progression=None,
    adresse=None,
):
    """Importe un fichier d'orientations dans `dispositif`, tout ou rien.

    Promesses :
    - chaque ligne passe par `orienter_menage` : un ménage déjà connu par sa référence locataire
      est repris, une orientation déjà présente (même référence, date et parcours) n'est pas
      recréée ; réimporter le même fichier ne crée donc rien ;
    - une ligne fausse, à la lecture ou à l'enregistrement, et rien n'est écrit ;
    - les plafonds (`Plafonds`, par défaut les réglages `IMPORT_*`) sont vérifiés avant
      qu'aucune ligne ne soit analysée, et l'échéance entre deux lignes : au-delà, l'import
      s'arrête sans rien écrire ;
    - `progression(étape, lignes faites, lignes en tout)` est appelée de temps en temps pendant
      la vérification, puis une fois avant l'enregistrement (qui se fait d'un bloc) ;
    - l'import est tracé dans le journal d'audit (sans les données), avec l'adresse du client
      (`adresse` : celle de la page d'import, ou l'adresse locale pour la commande).

    Refus : `PermissionDenied` si `user` ne peut pas importer dans ce dispositif (une commande
    d'exploitation passe `user=None`) ; `ImportRefuse` portant les premières erreurs du fichier
    et leur nombre ; `ImportTropLong` (un `ImportRefuse`) au-delà de l'échéance.
    """
    if user is not None and not peut(user, Action.IMPORTER, dispositif):
        raise PermissionDenied("Vous ne pouvez pas importer d'orientations dans ce dispositif.")
    plafonds = plafonds or Plafonds.du_reglage()
    echeance = Echeance(plafonds.duree_secondes, horloge)
    lignes, erreurs = _lire(contenu, dispositif, plafonds, echeance, progression)
    if erreurs:
        raise ImportRefuse(erreurs)
    if progression is not None:
        progression(EtatImport.ENREGISTREMENT, 0, len(lignes))
    with transaction.atomic():
        rapport = _enregistrer(user, dispositif, lignes, plafonds, echeance)
        journaliser(
            user,
            JournalAudit.Action.IMPORT,
            dispositif=dispositif,
            detail=f"import de {rapport.lignes} lignes, {rapport.menages_crees} ménages, "
            f"{rapport.orientations_creees} orientations",
            adresse=adresse,
        )
    return rapport


def _enregistrer(user, dispositif, lignes, plafonds, echeance):
    """Enregistre les fiches dans l'ordre du fichier ; `ImportRefuse` annule la transaction."""
    rapport = RapportImport(lignes=len(lignes))
    erreurs = ErreursDuFichier(plafonds.erreurs_rapportees)
    for numero, fiche in lignes:
        echeance.verifier(numero)
        try:
            resultat = orienter_menage(user, dispositif, fiche)
        except ValidationError as refus:
            erreurs.etendre(ErreurImport(numero, "", message) for message in refus.messages)
            continue
        rapport.menages_crees += resultat.menage_cree
        rapport.orientations_creees += resultat.orientation_creee
        rapport.orientations_deja_presentes += not resultat.orientation_creee
    if erreurs:
        raise ImportRefuse(erreurs)
    return rapport


# --- En arrière-plan, pour la page d'import ---------------------------------------------------


def demander_import(user, dispositif, fichier, adresse=None):
    """Garde le fichier envoyé dans le stockage privé et met son import en file ; rend l'`Import`.

    La tâche part une fois la demande enregistrée (après la transaction) ; elle ne reçoit que
    l'identifiant de l'import. Refus : `PermissionDenied` pour qui ne peut pas importer dans ce
    dispositif ; `ValidationError` pour un fichier plus gros que `IMPORT_TAILLE_MAX_OCTETS`.
    """
    if not peut(user, Action.IMPORTER, dispositif):
        raise PermissionDenied("Vous ne pouvez pas importer d'orientations dans ce dispositif.")
    plafond = Plafonds.du_reglage().taille_octets
    if fichier.size > plafond:
        raise ValidationError(
            f"Le fichier dépasse {_taille(plafond)} ({_taille(fichier.size)}) : découpez-le."
        )
    with transaction.atomic():
        demande = Import(
            dispositif=dispositif,
            demande_par=user,
            adresse_ip=adresse,
            nom_du_fichier=_cite(PurePath(fichier.name or "").name)[:100],
        )
        demande.fichier.save("import.csv", fichier, save=False)
        demande.save()
        transaction.on_commit(lambda: tasks.importer_en_arriere_plan.delay(demande.pk))
    return demande


def executer_import(import_id):
    """Fait l'import demandé ; rend son état final. Appelé par la tâche, avec l'identifiant seul.

    Promesses : un seul worker le prend (mise à jour conditionnelle) ; les droits de la personne
    qui l'a demandé sont revérifiés ; l'état et la progression sont tenus à jour pendant la
    vérification ; tout ou rien, comme `importer_orientations` ; le fichier est effacé à la fin,
    quelle qu'elle soit ; une erreur inattendue devient un « échec » visible, jamais une
    exception qui se perd.
    """
    pris = Import.objects.filter(pk=import_id, etat=EtatImport.EN_ATTENTE).update(
        etat=EtatImport.VERIFICATION, commence_le=timezone.now()
    )
    if not pris:  # un autre worker l'a pris, ou il n'est plus attendu
        return Import.objects.get(pk=import_id).etat
    demande = Import.objects.select_related("dispositif", "demande_par").get(pk=import_id)

    def noter(etape, faites, total):
        Import.objects.filter(pk=import_id).update(
            etat=etape, lignes_faites=faites, lignes_total=total
        )

    champs = ["etat", "resume", "termine_le", "fichier"]
    try:
        if demande.demande_par is None:
            raise PermissionDenied("La personne qui a demandé cet import n'a plus de compte.")
        with demande.fichier.open("rb") as fichier:
            contenu = fichier.read()
        rapport = importer_orientations(
            contenu,
            demande.dispositif,
            demande.demande_par,
            progression=noter,
            adresse=demande.adresse_ip,
        )
    except ImportRefuse as refus:
        demande.etat = EtatImport.REFUSE
        demande.resume = str(refus)
        demande.erreurs = [
            {"ligne": e.ligne, "colonne": e.colonne, "message": e.message} for e in refus.erreurs
        ]
        demande.nombre_erreurs = refus.total
        champs += ["erreurs", "nombre_erreurs"]
    except PermissionDenied as refus:
        demande.etat = EtatImport.REFUSE
        demande.resume = str(refus)
    except Exception:
        logger.exception("Import %s en échec", import_id)
        demande.etat = EtatImport.ECHEC
        demande.resume = (
            "L'import a échoué sur une erreur inattendue ; rien n'a été enregistré. "
            "Vous pouvez réessayer ; si l'échec se répète, prévenez l'administration technique."
        )
    else:
        demande.etat = EtatImport.TERMINE
        demande.resume = f"Import terminé. {rapport}"
        demande.lignes_faites = demande.lignes_total = rapport.lignes
        champs += ["lignes_faites", "lignes_total"]
    finally:
        # Le fichier n'est gardé que le temps de l'import.
        demande.fichier.delete(save=False)
    demande.termine_le = timezone.now()
    demande.save(update_fields=champs)
    return demande.etat
