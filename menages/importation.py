"""Import CSV des orientations, tout ou rien (format décrit dans CSV_ORIENTATIONS.md).

Deux temps :
- `lire_orientations` décode le fichier, vérifie l'en-tête puis chaque ligne et rend une
  `FicheOrientation` par ligne avec la liste de toutes les erreurs, sans rien écrire ;
- `importer_orientations` n'écrit que si le fichier entier est juste, en passant chaque fiche à
  `orienter_menage` (la même règle que la fiche saisie à la main) dans une seule transaction.

Chaque erreur désigne la ligne du fichier (l'en-tête est la ligne 1) et la colonne :
« ligne 4, colonne code_postal : 5 chiffres attendus ».
"""

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.enums import Parcours
from core.models import Commune, JournalAudit
from core.permissions import Action, peut
from core.services import journaliser

from .enums import Composition, Problematique, Source, StadeProcedure, Typologie
from .models import MONTANT_MAXIMUM
from .services import FicheOrientation, orienter_menage

ENTIER_MAXIMUM = 99


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


class ImportRefuse(Exception):
    """Le fichier compte au moins une erreur : rien n'a été enregistré."""

    def __init__(self, erreurs):
        self.erreurs = list(erreurs)
        nombre = _nombre(len(self.erreurs), "erreur", "erreurs")
        super().__init__(f"Import refusé : {nombre}, rien n'a été enregistré.")


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


def _date(valeur, _referentiel):
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
    if lue > timezone.localdate():
        raise ValeurInvalide("date dans le futur")
    return lue


def _code_postal(valeur, _referentiel):
    if not re.fullmatch(r"\d{5}", valeur):
        raise ValeurInvalide("5 chiffres attendus")
    return valeur


def _entier(valeur, _referentiel):
    if not re.fullmatch(r"[+-]?\d+", valeur):
        raise ValeurInvalide("nombre entier attendu")
    nombre = int(valeur)
    if nombre < 0:
        raise ValeurInvalide("doit être positif ou nul")
    if nombre > ENTIER_MAXIMUM:
        raise ValeurInvalide(f"{ENTIER_MAXIMUM} au plus")
    return nombre


def _montant(valeur, _referentiel):
    """Euros : « 1234,56 », « 1234.56 », « 1 234,56 » (espaces de milliers), « 12 € »."""
    chiffres = re.sub(r"[\s\u00a0\u202f]", "", valeur.removesuffix("€"))
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
            raise ValeurInvalide(f"valeur inconnue : {valeur} (attendu : {attendus})") from None

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
        raise ValeurInvalide(f"{debut} : {', '.join(inconnues)} (attendu : {attendus})")
    return list(dict.fromkeys(PROBLEMATIQUES[normaliser(libelle)] for libelle in libelles))


def _territoire(valeur, referentiel):
    territoire = referentiel.territoire(valeur)
    if territoire is None:
        attendus = referentiel.noms_des_territoires or "aucun territoire dans ce dispositif"
        raise ValeurInvalide(f"valeur inconnue : {valeur} (attendu : {attendus})")
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


# --- Lecture du fichier ----------------------------------------------------------------------


def lire_orientations(contenu: bytes, dispositif):
    """Lit un fichier d'orientations sans rien écrire.

    Rend `(fiches, erreurs)` : une `FicheOrientation` par ligne juste, dans l'ordre du fichier,
    et toutes les `ErreurImport` de toutes les lignes (jamais seulement la première).
    """
    lignes, erreurs = _lire(contenu, dispositif)
    return [fiche for _numero, fiche in lignes], erreurs


def _lire(contenu, dispositif):
    """Comme `lire_orientations`, chaque fiche accompagnée du numéro de sa ligne."""
    try:
        texte = _decoder(contenu)
        lignes = _lignes_non_vides(texte, _separateur(texte))
        numero_entete, entete = next(lignes, (1, None))
        if entete is None:
            return [], [ErreurImport(1, "", "fichier vide : la ligne d'en-tête est attendue")]
        noms, erreurs = _lire_entete(numero_entete, entete)
        if erreurs:
            return [], erreurs
        fiches, erreurs = _lire_lignes(lignes, noms, Referentiel(dispositif))
        if not fiches and not erreurs:
            message = "aucune orientation : le fichier n'a que l'en-tête"
            erreurs = [ErreurImport(numero_entete + 1, "", message)]
        return fiches, erreurs
    except _FichierIllisible as illisible:
        return [], [illisible.erreur]


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
        except csv.Error:
            raise _FichierIllisible(debut, "ligne CSV mal formée (guillemet non fermé ?)") from None
        if cellules is None:
            return
        cellules = [cellule.strip() for cellule in cellules]
        if any(cellules):
            yield debut, cellules
        debut = lecteur.line_num + 1


def _nom_de_colonne(cellule):
    return normaliser(cellule).replace(" ", "_")


def _lire_entete(numero, entete):
    """Les noms de colonne dans l'ordre du fichier ("" pour une colonne sans nom) et les erreurs."""
    noms = [_nom_de_colonne(cellule) for cellule in entete]
    erreurs = []
    for cellule, nom in zip(entete, noms, strict=True):
        if nom and nom not in COLONNES_PAR_NOM:
            erreurs.append(ErreurImport(numero, cellule, "colonne inconnue"))
    for nom in dict.fromkeys(n for n in noms if n and noms.count(n) > 1):
        erreurs.append(ErreurImport(numero, nom, "colonne en double"))
    for colonne in COLONNES:
        if colonne.obligatoire and colonne.nom not in noms:
            erreurs.append(ErreurImport(numero, colonne.nom, "colonne obligatoire absente"))
    return noms, erreurs


def _lire_lignes(lignes, noms, referentiel):
    fiches, erreurs = [], []
    for numero, cellules in lignes:
        fiche, erreurs_de_la_ligne = _lire_ligne(numero, cellules, noms, referentiel)
        erreurs += erreurs_de_la_ligne
        if fiche is not None:
            fiches.append((numero, fiche))
    return fiches, erreurs


def _lire_ligne(numero, cellules, noms, referentiel):
    """La fiche d'une ligne (None si elle a une erreur) et les erreurs de la ligne."""
    valeurs, erreurs = _cellules_par_colonne(numero, cellules, noms)
    champs = {}
    for colonne in COLONNES:
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
    fiche = FicheOrientation(**champs, importee=True)
    _situer(fiche, referentiel)
    return fiche, []


def _cellules_par_colonne(numero, cellules, noms):
    """{nom de colonne: valeur} ; une valeur sous une colonne sans nom est une erreur."""
    valeurs, erreurs = {}, []
    for position, valeur in enumerate(cellules):
        nom = noms[position] if position < len(noms) else ""
        if nom:
            valeurs[nom] = valeur
        elif valeur:
            erreurs.append(ErreurImport(numero, f"n° {position + 1}", "valeur sans nom de colonne"))
    return valeurs, erreurs


def _situer(fiche, referentiel):
    """Rattache le logement à une commune du dispositif et, faute de territoire, au sien."""
    commune = referentiel.commune(fiche.commune, fiche.code_postal, fiche.territoire)
    fiche.commune_du_dispositif = commune
    if fiche.territoire is None and commune is not None:
        fiche.territoire = commune.territoire


# --- Enregistrement ---------------------------------------------------------------------------


def importer_orientations(contenu: bytes, dispositif, user=None, *, adresse=None):
    """Importe un fichier d'orientations dans `dispositif`, tout ou rien.

    Promesses :
    - chaque ligne passe par `orienter_menage` : un ménage déjà connu par sa référence locataire
      est repris, une orientation déjà présente (même référence, date et parcours) n'est pas
      recréée ; réimporter le même fichier ne crée donc rien ;
    - une ligne fausse, à la lecture ou à l'enregistrement, et rien n'est écrit ;
    - l'import est tracé dans le journal d'audit (sans les données), avec l'adresse du client
      (`adresse` : celle de la page d'import, ou l'adresse locale pour la commande).

    Refus : `PermissionDenied` si `user` ne peut pas importer dans ce dispositif (une commande
    d'exploitation passe `user=None`) ; `ImportRefuse` portant toutes les erreurs du fichier.
    """
    if user is not None and not peut(user, Action.IMPORTER, dispositif):
        raise PermissionDenied("Vous ne pouvez pas importer d'orientations dans ce dispositif.")
    lignes, erreurs = _lire(contenu, dispositif)
    if erreurs:
        raise ImportRefuse(erreurs)
    with transaction.atomic():
        rapport = _enregistrer(user, dispositif, lignes)
        journaliser(
            user,
            JournalAudit.Action.IMPORT,
            dispositif=dispositif,
            detail=f"import de {rapport.lignes} lignes, {rapport.menages_crees} ménages, "
            f"{rapport.orientations_creees} orientations",
            adresse=adresse,
        )
    return rapport


def _enregistrer(user, dispositif, lignes):
    """Enregistre les fiches dans l'ordre du fichier ; `ImportRefuse` annule la transaction."""
    rapport, erreurs = RapportImport(lignes=len(lignes)), []
    for numero, fiche in lignes:
        try:
            resultat = orienter_menage(user, dispositif, fiche)
        except ValidationError as refus:
            erreurs += [ErreurImport(numero, "", message) for message in refus.messages]
            continue
        rapport.menages_crees += resultat.menage_cree
        rapport.orientations_creees += resultat.orientation_creee
        rapport.orientations_deja_presentes += not resultat.orientation_creee
    if erreurs:
        raise ImportRefuse(erreurs)
    return rapport
