"""Réponses CSV et XLSX pour toute liste exportée (file active, ordres du jour, chiffres), et
le seul chemin d'un export nominatif : `exporter` (une liste) et `exporter_pdf` (une fiche, un
compte rendu) écrivent la ligne du journal d'audit et rendent le fichier.

Le CSV est en UTF-8 avec BOM et séparateur « ; », ce qu'Excel ouvre correctement en France.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
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
    detail = f"{quoi} {format.upper()}, {len(lignes)} lignes"
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
    fichier = nom_horodate(nom)
    if format == "xlsx":
        return reponse_xlsx(fichier, titre, entetes, lignes)
    return reponse_csv(fichier, entetes, lignes)


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
        ecrivain.writerow([_texte(valeur) for valeur in ligne])
    reponse = HttpResponse(
        ("\ufeff" + tampon.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return _en_piece_jointe(reponse, f"{nom_fichier}.csv")


def reponse_xlsx(nom_fichier, titre, entetes, lignes):
    contenu = classeur_xlsx([(titre, entetes, lignes)])
    return _en_piece_jointe(HttpResponse(contenu, content_type=TYPE_XLSX), f"{nom_fichier}.xlsx")


def classeur_xlsx(feuilles):
    """Les octets d'un classeur : une feuille par (titre, en-têtes, lignes), en-tête en gras et
    figé, colonnes à la largeur du contenu, textes qui ressemblent à des formules neutralisés."""
    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, entetes, lignes in feuilles:
        feuille = classeur.create_sheet(titre[:31])
        feuille.append(list(entetes))
        for cellule in feuille[1]:
            cellule.font = Font(bold=True)
        largeurs = [len(str(entete)) for entete in entetes]
        for ligne in lignes:
            valeurs = [_cellule(valeur) for valeur in ligne]
            feuille.append(valeurs)
            for rang, valeur in enumerate(valeurs):
                largeurs[rang] = max(largeurs[rang], min(len(_texte(valeur)), 60))
        for rang, largeur in enumerate(largeurs, start=1):
            feuille.column_dimensions[get_column_letter(rang)].width = largeur + 2
        feuille.freeze_panes = "A2"
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def nom_horodate(prefixe):
    return f"{prefixe}-{timezone.localtime():%Y%m%d-%H%M}"


def _en_piece_jointe(reponse, nom):
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    reponse["Cache-Control"] = "no-store"
    return reponse


def _texte(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return f"{timezone.localtime(valeur):%d/%m/%Y %H:%M}"
    if isinstance(valeur, date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, Decimal):
        return str(valeur).replace(".", ",")
    return _sans_formule(str(valeur))


def _cellule(valeur):
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, datetime):
        return timezone.localtime(valeur).replace(tzinfo=None)
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, str):
        return _sans_formule(valeur)
    return valeur


def _sans_formule(texte):
    """Un texte saisi qui commence comme une formule reste un texte dans le tableur."""
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte
