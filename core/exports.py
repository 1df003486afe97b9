"""Réponses CSV et XLSX pour toute liste exportée (file active, ordres du jour, extraits de
l'évaluation), et le seul chemin d'un export nominatif : `exporter` (une liste courte),
`exporter_en_flux` (une liste longue, lue au fil de l'envoi) et `exporter_pdf` (une fiche, un
compte rendu) écrivent la ligne du journal d'audit et rendent le fichier.

Le CSV est en UTF-8 avec BOM et séparateur « ; », ce qu'Excel ouvre correctement en France.
Le classeur XLSX s'écrit ligne à ligne (openpyxl en écriture seule) dans un fichier temporaire,
servi par morceaux : sa taille ne pèse pas sur la mémoire du processus.
"""

import csv
import functools
import io
import itertools
import tempfile
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import JournalAudit
from .pdf import rendre_pdf, reponse_pdf
from .services import journaliser

TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exporter(
    request, format, entetes, lignes, *, nom, titre, quoi, dispositifs, objet=None, precisions=""
):
    """Rend une liste nominative en CSV ou en XLSX, et écrit l'export au journal d'audit.

    Une ligne `EXPORT` par dispositif concerné (une ligne sans dispositif s'il n'y en a aucun) :
    ce qui est exporté (`quoi`), le format, le nombre de lignes et `precisions` (les filtres,
    jamais le texte cherché), jamais les données. `nom` préfixe le fichier, qui est horodaté ;
    `titre` nomme la feuille du classeur.
    """
    lignes = list(lignes)
    _journaliser_export(request, format, len(lignes), quoi, dispositifs, objet, precisions)
    fichier = nom_horodate(nom)
    if format == "xlsx":
        return reponse_xlsx(fichier, titre, entetes, lignes)
    return reponse_csv(fichier, entetes, lignes)


def exporter_en_flux(
    request,
    format,
    entetes,
    lignes,
    *,
    nombre,
    nom,
    titre,
    quoi,
    dispositifs,
    objet=None,
    precisions="",
):
    """Comme `exporter`, pour une liste longue (la file active d'un programme national).

    `lignes` est un itérable parcouru une seule fois, au fil de l'envoi (un `iterator()` de la
    base, lu par lots) ; `nombre`, son nombre de lignes, compté à part pour le journal, qui
    s'écrit avant le premier octet. Le CSV part en flux (`StreamingHttpResponse`) sans jamais
    tenir toute la liste en mémoire ; le classeur XLSX s'écrit ligne à ligne dans un fichier
    temporaire (`reponse_xlsx`), servi ensuite par morceaux.
    """
    _journaliser_export(request, format, nombre, quoi, dispositifs, objet, precisions)
    fichier = nom_horodate(nom)
    if format == "xlsx":
        return reponse_xlsx(fichier, titre, entetes, lignes)
    return reponse_csv_en_flux(fichier, entetes, lignes)


def _journaliser_export(request, format, nombre, quoi, dispositifs, objet, precisions):
    """Une ligne `EXPORT` par dispositif concerné, jamais les données exportées."""
    detail = f"{quoi} {format.upper()}, {nombre} lignes"
    if precisions:
        detail += f", {precisions}"
    for dispositif in dispositifs or [None]:
        journaliser(
            request.user,
            JournalAudit.Action.EXPORT,
            dispositif=dispositif,
            objet=objet,
            detail=detail,
            request=request,
        )


def exporter_pdf(request, gabarit, contexte, nom_fichier, *, quoi, dispositif, objet):
    """Rend un document PDF édité (fiche, compte rendu) et l'écrit au journal comme un export.

    Le contexte ne porte que ce que la personne peut voir : l'édition ne montre rien de plus
    que la page.
    """
    journaliser(
        request.user,
        JournalAudit.Action.EXPORT,
        dispositif=dispositif,
        objet=objet,
        detail=f"{quoi} (PDF)",
        request=request,
    )
    return reponse_pdf(rendre_pdf(gabarit, contexte), nom_fichier)


def reponse_csv(nom_fichier, entetes, lignes):
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow(entetes)
    for ligne in lignes:
        ecrivain.writerow(_en_texte(ligne))
    reponse = HttpResponse(
        ("\ufeff" + tampon.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _en_piece_jointe(reponse, f"{nom_fichier}.csv")


# Les lignes d'un CSV en flux partent par paquets de cette taille (un morceau de réponse).
LIGNES_PAR_MORCEAU = 500


class _Tampon:
    """Un « fichier » qui rend ce qu'on y écrit : `csv.writer` formate, on envoie."""

    def write(self, texte):
        return texte


def reponse_csv_en_flux(nom_fichier, entetes, lignes):
    """Le même CSV que `reponse_csv` (BOM, « ; », formules neutralisées), envoyé au fil de la
    lecture des lignes."""
    ecrivain = csv.writer(_Tampon(), delimiter=";", lineterminator="\r\n")

    def morceaux():
        morceau = ["\ufeff", ecrivain.writerow(entetes)]
        for ligne in lignes:
            morceau.append(ecrivain.writerow(_en_texte(ligne)))
            if len(morceau) >= LIGNES_PAR_MORCEAU:
                yield "".join(morceau).encode("utf-8")
                morceau = []
        if morceau:
            yield "".join(morceau).encode("utf-8")

    reponse = StreamingHttpResponse(morceaux(), content_type="text/csv; charset=utf-8")
    return _en_piece_jointe(reponse, f"{nom_fichier}.csv")


def reponse_xlsx(nom_fichier, titre, entetes, lignes):
    """Le classeur d'une liste, écrit au fil des lignes dans un fichier temporaire puis servi
    par morceaux (`FileResponse`) : ni la liste ni le classeur ne tiennent en mémoire. Le
    fichier disparaît quand la réponse est fermée."""
    fichier = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (fermé avec la réponse)
    try:
        ecrire_classeur(fichier, [(titre, entetes, lignes)])
        fichier.seek(0)
    except BaseException:
        fichier.close()
        raise
    reponse = FileResponse(fichier, content_type=TYPE_XLSX)
    return _en_piece_jointe(reponse, f"{nom_fichier}.xlsx")


# Les largeurs des colonnes s'écrivent avant la première ligne : elles se règlent sur l'en-tête
# et sur ce nombre de premières lignes (tenues en mémoire le temps de les mesurer).
LIGNES_POUR_LES_LARGEURS = 500


def ecrire_classeur(fichier, feuilles):
    """Écrit dans `fichier` (un chemin ou un fichier binaire ouvert) un classeur d'une feuille
    par (titre, en-têtes, lignes) : en-tête en gras et figé, colonnes à la largeur du contenu,
    textes qui ressemblent à des formules neutralisés.

    Classeur en écriture seule (`write_only`) : chaque ligne part dans le fichier dès qu'elle
    est lue, `lignes` n'est parcouru qu'une fois et peut être un flux de la base."""
    classeur = Workbook(write_only=True)
    for titre, entetes, lignes in feuilles:
        feuille = classeur.create_sheet(titre[:31])
        lignes = iter(lignes)
        premieres = [list(ligne) for ligne in itertools.islice(lignes, LIGNES_POUR_LES_LARGEURS)]
        largeurs = [len(str(entete)) for entete in entetes]
        for ligne in premieres:
            for rang, valeur in enumerate(ligne):
                largeurs[rang] = max(largeurs[rang], min(len(_texte(valeur)), 60))
        for rang, largeur in enumerate(largeurs, start=1):
            feuille.column_dimensions[get_column_letter(rang)].width = largeur + 2
        feuille.freeze_panes = "A2"
        feuille.append([_en_gras(feuille, entete) for entete in entetes])
        for ligne in itertools.chain(premieres, lignes):
            feuille.append([_cellule(valeur) for valeur in ligne])
    classeur.save(fichier)


def _en_gras(feuille, valeur):
    cellule = WriteOnlyCell(feuille, value=valeur)
    cellule.font = Font(bold=True)
    return cellule


def nom_horodate(prefixe):
    return f"{prefixe}-{timezone.localtime():%Y%m%d-%H%M}"


def _en_piece_jointe(reponse, nom):
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "no-store"
    return reponse


def _en_texte(ligne):
    """Les cellules d'une ligne telles que les écrit le CSV (`_texte`). Un export en écrit des
    centaines de milliers, des textes pour la plupart : un texte se neutralise ici même, sans
    appel de fonction par cellule ; les autres types passent par `_texte`."""
    return [
        ("'" + valeur if valeur[:1] in _DEBUTS_DE_FORMULE else valeur)
        if type(valeur) is str
        else _texte(valeur)
        for valeur in ligne
    ]


def _texte(valeur):
    """Une valeur telle que l'écrit le CSV : dates et montants à la française, oui / non,
    textes qui ressemblent à des formules neutralisés. Appelée pour chaque cellule d'un export
    (des centaines de milliers) : le type exact choisit d'abord son écriture, sans chaîne de
    `isinstance`."""
    ecrire = _ECRITURES.get(type(valeur))
    if ecrire is not None:
        return ecrire(valeur)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return _date_heure(valeur)
    if isinstance(valeur, date):
        return _date(valeur)
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    return sans_formule(str(valeur))


def _date_heure(valeur):
    return f"{timezone.localtime(valeur):%d/%m/%Y %H:%M}"


def _cellule(valeur):
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).replace(tzinfo=None)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, str):
        return sans_formule(valeur)
    return valeur


# Ce par quoi commence une formule de tableur (un texte vide n'en est pas une).
_DEBUTS_DE_FORMULE = frozenset(("=", "+", "-", "@", "\t", "\r"))


def sans_formule(texte):
    """Un texte venu des données (saisi, importé, un nom de territoire) qui commence comme une
    formule reste un texte dans le tableur."""
    return "'" + texte if texte[:1] in _DEBUTS_DE_FORMULE else texte


@functools.lru_cache(maxsize=4096)
def _date(valeur):
    """« 05/03/2026 », comme `f"{valeur:%d/%m/%Y}"` mais trois fois plus vite (sans
    `strftime`) : une cellule sur douze d'une file active est une date. Les dates d'un export
    se répètent (quelques centaines de jours pour des milliers de lignes) : chacune ne
    s'écrit qu'une fois."""
    return f"{valeur.day:02d}/{valeur.month:02d}/{valeur.year:04d}"


# Les écritures de `_texte` par type exact.
_ECRITURES = {
    str: sans_formule,
    type(None): lambda valeur: "",
    int: lambda valeur: str(valeur) if valeur >= 0 else "'" + str(valeur),
    bool: lambda valeur: "oui" if valeur else "non",
    date: _date,
    datetime: _date_heure,
    Decimal: lambda valeur: str(valeur).replace(".", ","),
}
