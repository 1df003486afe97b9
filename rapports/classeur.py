"""Les chiffres d'un rapport en classeur XLSX : des tables propres, prêtes pour un tableau croisé.

`classeur_des_chiffres(chiffres, presentation=...)` rend les octets d'un classeur :

- une feuille « Présentation » (dispositif, période, secret statistique) ;
- une feuille par section du rapport, une seule ligne d'en-tête (Indicateur, Catégorie, Valeur,
  Unité, Clé), puis une ligne par chiffre, et une ligne par catégorie pour une répartition
  (« Orientations par source » × « Bailleur ») ; la colonne Clé (« orientations.par_source »)
  est stable d'un semestre et d'un dispositif à l'autre, pour assembler plusieurs classeurs ;
- le croisement problématique × territoire en tableau à double entrée (une ligne par
  problématique, une colonne par territoire, le total) ;
- une feuille « Cibles » quand les chiffres portent les cibles en vigueur (`cibles`) et la
  capacité cible des territoires (`capacites_territoires`) ;
- une feuille « Définitions » : chaque clé et sa définition, en une phrase.

Les cellules numériques sont des nombres typés : effectifs entiers, euros au format monétaire,
pourcentages au format pourcentage (la cellule vaut 0,68 et s'affiche 68,0 %), jours et heures à
une décimale, dates en dates. Une case masquée par le secret statistique garde exactement le
texte du PDF (« < 5 » ou « s ») : le classeur lit les chiffres déjà masqués par
`indicateurs.masquage.appliquer`, la même fonction que le PDF et le tableau de bord ; il ne
masque ni ne démasque rien lui-même.

Fonction réutilisable : elle ne prend que le dictionnaire des chiffres (celui que
`indicateurs.calculer` rend et que `RapportSemestriel.chiffres` garde), pas le rapport.
"""

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.exports import sans_formule

from . import indicateurs

FORMAT_EFFECTIF = "#,##0"
FORMAT_EUROS = '#,##0.00 "€"'
FORMAT_POURCENTAGE = "0.0%"
FORMAT_DECIMAL = "#,##0.0"
FORMAT_DATE = "DD/MM/YYYY"

UNITE_EFFECTIF = "effectif"
UNITE_EUROS = "euros"
UNITE_POURCENTAGE = "pourcentage"
UNITE_JOURS = "jours"
UNITE_HEURES = "heures"
UNITE_ANNEE = "année"
UNITE_DATE = "date"

FORMATS = {
    UNITE_EFFECTIF: FORMAT_EFFECTIF,
    UNITE_EUROS: FORMAT_EUROS,
    UNITE_POURCENTAGE: FORMAT_POURCENTAGE,
    UNITE_JOURS: FORMAT_DECIMAL,
    UNITE_HEURES: FORMAT_DECIMAL,
    UNITE_ANNEE: "0",
    UNITE_DATE: FORMAT_DATE,
}

# Les chiffres en euros (les autres unités se lisent sur le nom de la clé).
CLES_EUROS = {
    "dette_et_expulsions.entree_total",
    "dette_et_expulsions.entree_mediane",
    "dette_et_expulsions.derniere_total",
    "dette_et_expulsions.derniere_mediane",
}

CLES_COUT_NON_EUROS = ("annee", "menages_suivis_annee", "diagnostics", "menages_gestion_locative")

# Les sections qui ne sont pas une feuille de chiffres « longue ».
SECTIONS_A_PART = {"periode", "croisement_problematique_territoire"}

ENTETES = ["Indicateur", "Catégorie", "Valeur", "Unité", "Clé"]

# Le libellé court de chaque clé (la définition complète est sur la feuille « Définitions »).
LIBELLES = {
    "file_active.episodes_actifs": "Accompagnements actifs",
    "file_active.menages_actifs": "Ménages accompagnés",
    "file_active.nouveaux_episodes": "Nouveaux accompagnements",
    "file_active.episodes_clos": "Accompagnements clos",
    "file_active.par_parcours": "Accompagnements actifs par parcours",
    "file_active.par_territoire": "Accompagnements actifs par territoire",
    "file_active.courbe_mensuelle": "Accompagnements actifs par mois",
    "orientations.recues": "Orientations reçues",
    "orientations.par_source": "Orientations par source",
    "orientations.par_problematique": "Orientations par problématique",
    "orientations.decisions.total": "Décisions sur les orientations",
    "orientations.decisions.par_statut": "Décisions par issue",
    "orientations.delai_premier_contact.mediane_jours": "Délai médian orientation → premier "
    "contact",
    "orientations.delai_premier_contact.nombre": "Ménages mesurés (délai premier contact)",
    "orientations.delai_decision_cotech.mediane_jours": "Délai médian orientation → décision "
    "du COTECH",
    "orientations.delai_decision_cotech.nombre": "Décisions mesurées (délai COTECH)",
    "adhesion.episodes_avec_premier_contact": "Accompagnements avec un premier contact",
    "adhesion.acceptee": "Adhésion acceptée",
    "adhesion.taux": "Taux d'adhésion",
    "adhesion.par_adhesion": "Accompagnements actifs par adhésion",
    "interventions.total": "Interventions",
    "interventions.par_type": "Interventions par type",
    "interventions.par_profession": "Interventions par profession",
    "interventions.visites_domicile": "Visites à domicile",
    "interventions.visites_sans_reponse": "Visites à domicile sans réponse",
    "interventions.heures_total": "Heures d'accompagnement",
    "interventions.heures_par_profession": "Heures par profession",
    "interventions.orientations_partenaires.total": "Orientations vers des partenaires",
    "interventions.orientations_partenaires.par_destination": "Orientations vers des "
    "partenaires par destination",
    "objectifs.fixes": "Objectifs fixés",
    "objectifs.atteints": "Objectifs atteints",
    "objectifs.partiellement_atteints": "Objectifs partiellement atteints",
    "objectifs.abandonnes": "Objectifs abandonnés",
    "objectifs.taux_atteints": "Part des objectifs atteints",
    "objectifs.taux_partiellement_atteints": "Part des objectifs partiellement atteints",
    "objectifs.taux_abandonnes": "Part des objectifs abandonnés",
    "objectifs.par_statut": "Objectifs par statut",
    "bilans.prevus": "Bilans prévus",
    "bilans.realises_a_temps": "Bilans faits à temps",
    "bilans.realises_en_retard": "Bilans faits en retard",
    "bilans.manquants": "Bilans manquants",
    "bilans.non_echus": "Bilans pas encore dus",
    "bilans.date_reference": "Date de référence",
    "bilans.taux_a_temps": "Part des bilans faits à temps",
    "bilans.taux_en_retard": "Part des bilans faits en retard",
    "bilans.taux_manquants": "Part des bilans manquants",
    "dette_et_expulsions.menages_avec_dette": "Ménages avec un relevé de dette",
    "dette_et_expulsions.entree_total": "Dette à l'entrée (total)",
    "dette_et_expulsions.entree_mediane": "Dette à l'entrée (médiane)",
    "dette_et_expulsions.derniere_total": "Dernière dette connue (total)",
    "dette_et_expulsions.derniere_mediane": "Dernière dette connue (médiane)",
    "dette_et_expulsions.menages_dette_en_baisse": "Ménages dont la dette a baissé",
    "dette_et_expulsions.plans_apurement_en_place": "Plans d'apurement en place",
    "dette_et_expulsions.procedures_a_l_entree": "Procédures d'expulsion engagées à l'entrée",
    "dette_et_expulsions.procedures_par_stade": "Procédures par stade à l'entrée",
    "dette_et_expulsions.expulsions_evitees": "Expulsions évitées",
    "dette_et_expulsions.expulsions": "Expulsions",
    "sorties.total": "Clôtures",
    "sorties.par_motif": "Clôtures par motif",
    "sorties.maintien_dans_logement": "Ménages restés dans leur logement",
    "sorties.part_maintien": "Part restée dans le logement",
    "sorties.relogements": "Relogements",
    "sorties.duree_mediane_jours": "Durée médiane des accompagnements",
    "sorties.episodes_mesures": "Accompagnements mesurés (durée)",
    "resultats.paiement_renseigne": "Ménages dont le paiement du loyer est renseigné",
    "resultats.reprise_paiement": "Ménages qui ont repris le paiement du loyer",
    "resultats.taux_reprise_paiement": "Part des ménages qui ont repris le paiement",
    "resultats.clotures": "Clôtures",
    "resultats.relogement_ou_reorientation": "Clôtures par relogement ou réorientation",
    "resultats.part_relogement_ou_reorientation": "Part relogés ou réorientés à la clôture",
    "resultats.bilans_post_cloture": "Bilans 3 mois après la fin renseignés",
    "resultats.toujours_dans_le_logement": "Toujours dans le logement 3 mois après la fin",
    "resultats.part_toujours_dans_le_logement": "Part toujours dans le logement 3 mois après",
    "cout.annee": "Année civile",
    "cout.budget_annuel": "Budget annuel",
    "cout.menages_suivis_annee": "Ménages suivis dans l'année",
    "cout.diagnostics": "Diagnostics (épisodes commencés dans l'année)",
    "cout.cout_diagnostics": "Coût des diagnostics",
    "cout.menages_gestion_locative": "Ménages en gestion locative adaptée",
    "cout.cout_gestion_locative": "Coût de la gestion locative adaptée",
    "cout.cout_total": "Coût total",
    "cout.financement_demande": "Financement demandé",
    "cout.cofinancement": "Cofinancements",
    "cout.cout_par_menage": "Coût par ménage",
    "cout.cout_menage_prevu": "Coût par ménage prévu",
    "gouvernance.seances_total": "Séances de comité",
    "gouvernance.seances_par_type": "Séances par type de comité",
    "gouvernance.decisions_total": "Décisions de comité",
    "gouvernance.decisions_par_type": "Décisions par type",
}


def classeur_des_chiffres(
    chiffres,
    *,
    presentation=(),
    titres=None,
    definitions=None,
    tendances=None,
    cote_a_cote=None,
):
    """Les octets d'un classeur XLSX en tables propres (voir le module).

    `presentation` : lignes (libellé, valeur) ajoutées en tête de la feuille « Présentation »
    (le dispositif, le porteur…). `titres` et `definitions` : par défaut ceux du rapport
    semestriel (`indicateurs.TITRES_SECTIONS`, `indicateurs.DEFINITIONS`). `tendances` : les
    lignes de `pilotage.comparer`, en feuille « Tendances » (une ligne par chiffre suivi et
    par semestre, avec la cible). `cote_a_cote` : `(noms des colonnes, lignes)` d'une feuille
    « Côte à côte » placée après la présentation (le classeur national : une colonne par
    dispositif et l'ensemble), lignes `(indicateur, unité, [valeurs], valeur de l'ensemble)`.
    """
    titres = titres if titres is not None else indicateurs.TITRES_SECTIONS
    definitions = definitions if definitions is not None else indicateurs.DEFINITIONS
    classeur = Workbook()
    classeur.remove(classeur.active)

    _feuille_presentation(classeur, chiffres, presentation)
    if cote_a_cote is not None:
        _feuille_cote_a_cote(classeur, *cote_a_cote)
    for section, valeurs in chiffres.items():
        if section in SECTIONS_A_PART or not isinstance(valeurs, dict) or section == "cibles":
            continue
        lignes = list(lignes_de_section(section, valeurs))
        _feuille(classeur, titres.get(section, section), ENTETES, lignes, colonne_valeur=3)
    croisement = chiffres.get("croisement_problematique_territoire")
    if croisement:
        _feuille_croisement(classeur, titres.get("croisement_problematique_territoire"), croisement)
    cibles = [
        *(chiffres.get("cibles") or []),
        *(
            {
                "libelle": f"Capacité cible – {capacite['territoire']}",
                "valeur": capacite["valeur"],
                "unite": UNITE_EFFECTIF,
                "cle": f"file_active.par_territoire.{capacite['territoire']}",
            }
            for capacite in chiffres.get("capacites_territoires") or []
        ),
    ]
    if cibles:
        _feuille_cibles(classeur, cibles)
    if tendances:
        _feuille_tendances(classeur, tendances)
    _feuille_definitions(classeur, chiffres, titres, definitions)

    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def lignes_de_section(section, valeurs, prefixe=None):
    """[(indicateur, catégorie, valeur, unité, clé)] : une ligne par chiffre ou par catégorie."""
    prefixe = prefixe or section
    for cle, valeur in valeurs.items():
        complete = f"{prefixe}.{cle}"
        if isinstance(valeur, dict):
            yield from lignes_de_section(section, valeur, complete)
        elif isinstance(valeur, list):
            for element in valeur:
                if not isinstance(element, dict):
                    continue
                nom_valeur = "heures" if "heures" in element else "nombre"
                unite = UNITE_HEURES if nom_valeur == "heures" else UNITE_EFFECTIF
                yield (
                    libelle(complete),
                    str(element.get("libelle", element.get("code", ""))),
                    element.get(nom_valeur),
                    unite,
                    complete,
                )
        else:
            yield libelle(complete), "", valeur, unite_de(complete, valeur), complete


def libelle(cle):
    if cle in LIBELLES:
        return LIBELLES[cle]
    dernier = cle.rsplit(".", 1)[-1].replace("_", " ")
    return dernier[:1].upper() + dernier[1:]


def unite_de(cle, valeur):
    """L'unité d'un chiffre, lue sur sa clé (et sur sa valeur pour une date)."""
    nom = cle.rsplit(".", 1)[-1]
    if cle in CLES_EUROS or (cle.startswith("cout.") and nom not in CLES_COUT_NON_EUROS):
        return UNITE_EUROS
    if nom.startswith(("taux", "part_")):
        return UNITE_POURCENTAGE
    if "jours" in nom:
        return UNITE_JOURS
    if "heures" in nom:
        return UNITE_HEURES
    if nom == "annee":
        return UNITE_ANNEE
    if isinstance(valeur, str) and _date(valeur):
        return UNITE_DATE
    return UNITE_EFFECTIF


def valeur_de_cellule(valeur, unite):
    """La valeur écrite dans la cellule : un nombre typé, une date, un texte masqué ou vide."""
    if valeur is None:
        return None
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, int | float):
        return valeur / 100 if unite == UNITE_POURCENTAGE else valeur
    if unite == UNITE_DATE:
        return _date(valeur)
    # « < 5 », « s » : le texte du PDF, tel quel.
    return sans_formule(str(valeur))


def _date(texte):
    try:
        return datetime.strptime(texte, "%d/%m/%Y").date()
    except (TypeError, ValueError):
        return None


def _feuille(classeur, titre, entetes, lignes, *, colonne_valeur=None, unites=None):
    """Une feuille : une ligne d'en-tête, puis les lignes ; formats selon l'unité de la ligne."""
    feuille = classeur.create_sheet(_titre_de_feuille(classeur, titre))
    feuille.append([sans_formule(str(entete)) for entete in entetes])
    _entete(feuille, len(entetes))
    largeurs = [len(str(entete)) for entete in entetes]
    for ligne in lignes:
        ligne = list(ligne)
        unite = ligne[3] if colonne_valeur else None
        cellules = []
        for rang, valeur in enumerate(ligne, start=1):
            if rang == colonne_valeur:
                cellules.append(valeur_de_cellule(valeur, unite))
            elif unites and unites[rang - 1]:
                cellules.append(valeur_de_cellule(valeur, unites[rang - 1]))
            else:
                cellules.append(sans_formule(valeur) if isinstance(valeur, str) else valeur)
        feuille.append(cellules)
        rangee = feuille.max_row
        for rang, valeur in enumerate(cellules, start=1):
            cellule = feuille.cell(row=rangee, column=rang)
            unite_cellule = unite if rang == colonne_valeur else (unites or [None] * 99)[rang - 1]
            if unite_cellule and isinstance(valeur, str):
                # Une case masquée (« < 5 ») s'aligne sur les nombres de sa colonne.
                cellule.alignment = Alignment(horizontal="right")
            elif unite_cellule:
                cellule.number_format = FORMATS[unite_cellule]
            largeurs[rang - 1] = max(largeurs[rang - 1], min(len(_affiche(valeur)), 70))
    for rang, largeur in enumerate(largeurs, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = largeur + 3
    feuille.freeze_panes = "A2"
    if feuille.max_row > 1:
        feuille.auto_filter.ref = feuille.dimensions
    return feuille


def _affiche(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return f"{valeur:,.2f}"
    return str(valeur)


def _entete(feuille, nombre):
    for rang in range(1, nombre + 1):
        cellule = feuille.cell(row=1, column=rang)
        cellule.font = Font(bold=True, color="FFFFFF")
        cellule.fill = PatternFill("solid", fgColor="1F4E79")


def _titre_de_feuille(classeur, titre):
    """≤ 31 caractères, sans les caractères interdits par le format, unique dans le classeur."""
    propre = "".join(" " if c in "[]:*?/\\" else c for c in str(titre))[:31].strip()
    nom, rang = propre, 2
    while nom in classeur.sheetnames:
        suffixe = f" ({rang})"
        nom, rang = propre[: 31 - len(suffixe)] + suffixe, rang + 1
    return nom


def _feuille_presentation(classeur, chiffres, presentation):
    periode = chiffres.get("periode", {})
    lignes = [*presentation]
    if periode.get("libelle"):
        lignes.append(("Semestre", periode["libelle"]))
    if periode.get("debut"):
        lignes.append(("Du", _date(periode["debut"]) or periode["debut"]))
    if periode.get("fin"):
        lignes.append(("Au", _date(periode["fin"]) or periode["fin"]))
    lignes.append(
        (
            "Secret statistique",
            f"Dans un croisement d'une catégorie sensible par territoire, un effectif de 1 à "
            f"{indicateurs.SEUIL_SECRET - 1} s'affiche « {indicateurs.MASQUE} » et une case "
            f"masquée en complément « {indicateurs.MASQUE_COMPLEMENTAIRE} », comme dans le PDF.",
        )
    )
    lignes.append(("Aucun ménage n'est nommé", "Chiffres agrégés uniquement."))
    feuille = _feuille(classeur, "Présentation", ["Rubrique", "Valeur"], lignes)
    for (cellule,) in feuille.iter_rows(min_row=2, min_col=2, max_col=2):
        if hasattr(cellule.value, "year"):
            cellule.number_format = FORMAT_DATE
    feuille.column_dimensions["B"].width = 90
    for ligne in feuille.iter_rows(min_row=2, min_col=2, max_col=2):
        ligne[0].alignment = Alignment(wrap_text=True, vertical="top")


def _feuille_cote_a_cote(classeur, noms, lignes):
    """Une ligne par indicateur, une colonne par dispositif puis l'ensemble ; chaque cellule au
    format de l'unité de sa ligne, les cases masquées (« < 5 », « s ») en texte, telles quelles."""
    feuille = _feuille(
        classeur, "Côte à côte", ["Indicateur", "Unité", *noms, "Ensemble"], [], unites=None
    )
    for libelle_indicateur, unite, valeurs, ensemble in lignes:
        cellules = [valeur_de_cellule(v, unite) for v in (*valeurs, ensemble)]
        feuille.append([libelle_indicateur, unite, *cellules])
        for rang, valeur in enumerate(cellules, start=3):
            cellule = feuille.cell(row=feuille.max_row, column=rang)
            if isinstance(valeur, str):
                cellule.alignment = Alignment(horizontal="right")
            elif valeur is not None:
                cellule.number_format = FORMATS[unite]
    feuille.column_dimensions["A"].width = 38
    feuille.column_dimensions["B"].width = 13
    for rang in range(3, len(noms) + 4):
        feuille.column_dimensions[get_column_letter(rang)].width = max(
            14, min(len(str(([*noms, "Ensemble"])[rang - 3])) + 3, 40)
        )
    if feuille.max_row > 1:
        feuille.auto_filter.ref = feuille.dimensions
    return feuille


def _feuille_croisement(classeur, titre, croisement):
    colonnes = [str(nom) for nom in croisement["colonnes"]]
    unites = [None, *[UNITE_EFFECTIF] * (len(colonnes) + 1)]
    lignes = [
        (ligne["libelle"], *ligne["cellules"], ligne.get("total")) for ligne in croisement["lignes"]
    ]
    if "totaux_colonnes" in croisement:
        lignes.append(("Total", *croisement["totaux_colonnes"], croisement.get("total")))
    feuille = _feuille(
        classeur,
        titre or "Problématiques × territoires",
        ["Problématique", *colonnes, "Total"],
        lignes,
        unites=unites,
    )
    if "totaux_colonnes" in croisement:
        for cellule in feuille[feuille.max_row]:
            cellule.font = Font(bold=True)


def _feuille_cibles(classeur, cibles):
    lignes = [
        (
            ligne["libelle"],
            ligne["valeur"],
            ligne["unite"],
            ligne["cle"],
        )
        for ligne in cibles
    ]
    feuille = _feuille(classeur, "Cibles", ["Cible", "Valeur", "Unité", "Clé"], [])
    for libelle_cible, valeur, unite, cle in lignes:
        feuille.append([libelle_cible, valeur_de_cellule(valeur, unite), unite, cle])
        cellule = feuille.cell(row=feuille.max_row, column=2)
        if isinstance(cellule.value, int | float):
            cellule.number_format = FORMATS.get(unite, FORMAT_DECIMAL)
    feuille.column_dimensions["A"].width = 45
    feuille.column_dimensions["D"].width = 40


def _feuille_tendances(classeur, tendances):
    lignes = [
        (
            ligne["titre"],
            point["semestre"],
            point["valeur"],
            ligne["cible"],
            ligne["unite"],
            ligne["cle"],
        )
        for ligne in tendances
        for point in ligne["serie"]
    ]
    feuille = _feuille(
        classeur,
        "Tendances",
        ["Indicateur", "Semestre", "Valeur", "Cible actuelle", "Unité", "Clé"],
        [],
    )
    for titre, semestre, valeur, cible, unite, cle in lignes:
        feuille.append(
            [
                titre,
                semestre,
                valeur_de_cellule(valeur, unite),
                valeur_de_cellule(cible, unite),
                unite,
                cle,
            ]
        )
        for colonne in (3, 4):
            cellule = feuille.cell(row=feuille.max_row, column=colonne)
            if isinstance(cellule.value, int | float):
                cellule.number_format = FORMATS.get(unite, FORMAT_DECIMAL)
    for colonne, largeur in zip("ABCDEF", (45, 10, 12, 14, 12, 45), strict=True):
        feuille.column_dimensions[colonne].width = largeur
    lecture = classeur.create_sheet("Lecture")
    lecture.append(["Indicateur", "Lecture"])
    _entete(lecture, 2)
    for ligne in tendances:
        lecture.append([ligne["titre"], ligne["lecture"]])
    lecture.column_dimensions["A"].width = 45
    lecture.column_dimensions["B"].width = 110
    lecture.freeze_panes = "A2"


def _feuille_definitions(classeur, chiffres, titres, definitions):
    lignes = [
        (titres.get(cle.split(".", 1)[0], ""), libelle(cle), texte, cle)
        for cle, texte in definitions.items()
        if not cle.startswith("periode.")
    ]
    lignes.append(
        (
            "Secret statistique",
            indicateurs.MASQUE,
            f"Effectif de 1 à {indicateurs.SEUIL_SECRET - 1}, masqué.",
            "",
        )
    )
    lignes.append(
        (
            "Secret statistique",
            indicateurs.MASQUE_COMPLEMENTAIRE,
            "Case masquée en complément, pour qu'aucun effectif masqué ne se retrouve par "
            "différence avec les totaux ou un autre tableau.",
            "",
        )
    )
    feuille = _feuille(
        classeur, "Définitions", ["Section", "Indicateur", "Définition", "Clé"], lignes
    )
    feuille.column_dimensions["C"].width = 100
    for (cellule,) in feuille.iter_rows(min_row=2, min_col=3, max_col=3):
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
