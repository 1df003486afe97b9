"""Piloter : chaque chiffre suivi à côté de sa cible et des semestres précédents.

- `PILOTES` : les chiffres qu'un dispositif se donne pour cible (`core.enums.IndicateurCible`),
  où les lire dans le dictionnaire des chiffres, leur unité, la façon de les dire.
- `avec_cibles(chiffres, dispositif)` : les chiffres plus les cibles en vigueur
  (`chiffres["cibles"]`) ; `services.produire_rapport` les garde ainsi dans le rapport produit.
- `semestres_precedents(dispositif, annee, semestre)` : jusqu'à 5 rapports PRÊTS d'avant, lus
  dans leurs chiffres STOCKÉS (`RapportSemestriel.chiffres`) : changer une cible, un territoire
  ou une donnée ne change jamais un semestre déjà rendu au COPIL.
- `SUIVIS` : les autres chiffres du tableau de bord et du rapport, qui n'ont pas de cible ; et
  pour chaque territoire qui a une capacité cible (`Territoire.capacite`, gardée dans les
  chiffres sous `capacites_territoires`), ses accompagnements actifs face à cette capacité.
- `comparer(chiffres, precedents)` : une ligne par chiffre suivi (les pilotes, les territoires,
  puis les suivis) — valeur, cible (celle que portent les chiffres), valeur au semestre
  précédent, série sur ≤ 6 semestres, une phrase de lecture (« 68 % d'adhésion, au-dessus de la
  cible de 66 % ; 61 % au semestre précédent. ») et une courbe SVG titrée
  (`graphique_tendance`).
"""

from dataclasses import dataclass

from core.enums import IndicateurCible, Parcours
from core.models import CibleDispositif

from .classeur import unite_de
from .enums import StatutRapport
from .graphiques import ACCENT, GRILLE, PRINCIPALE, TEXTE, _n, _svg, _texte, nombre_fr
from .models import RapportSemestriel

SEMESTRES_DE_TENDANCE = 6

EFFECTIF, POURCENTAGE, EUROS = "effectif", "pourcentage", "euros"
JOURS, HEURES = "jours", "heures"


def _chemin(*cles):
    def lire(chiffres):
        valeur = chiffres
        for cle in cles:
            if not isinstance(valeur, dict) or cle not in valeur:
                return None
            valeur = valeur[cle]
        return valeur if isinstance(valeur, int | float) else None

    return lire


def _parcours(code):
    def lire(chiffres):
        lignes = (chiffres.get("file_active") or {}).get("par_parcours") or []
        for ligne in lignes:
            if ligne.get("code") == code and isinstance(ligne.get("nombre"), int):
                return ligne["nombre"]
        return None

    return lire


def _territoire(nom):
    def lire(chiffres):
        lignes = (chiffres.get("file_active") or {}).get("par_territoire") or []
        for ligne in lignes:
            if ligne.get("libelle") == nom and isinstance(ligne.get("nombre"), int):
                return ligne["nombre"]
        return None

    return lire


@dataclass(frozen=True)
class Pilote:
    indicateur: IndicateurCible | None  # None : un chiffre suivi sans cible possible
    cle: str  # la clé du chiffre dans le rapport (« adhesion.taux »)
    titre: str  # le titre de sa courbe
    phrase: str  # « {} d'adhésion »
    unite: str
    lire: object

    @property
    def code(self):
        return self.indicateur.value if self.indicateur else self.cle


PILOTES = [
    Pilote(
        IndicateurCible.MENAGES_ACCOMPAGNES,
        "file_active.menages_actifs",
        "Ménages accompagnés",
        "{} ménages accompagnés",
        EFFECTIF,
        _chemin("file_active", "menages_actifs"),
    ),
    Pilote(
        IndicateurCible.MENAGES_ACCES,
        "file_active.par_parcours.acces",
        "Parcours accès (actifs)",
        "{} accompagnements actifs en parcours accès",
        EFFECTIF,
        _parcours(Parcours.ACCES),
    ),
    Pilote(
        IndicateurCible.MENAGES_MAINTIEN,
        "file_active.par_parcours.maintien",
        "Parcours maintien (actifs)",
        "{} accompagnements actifs en parcours maintien",
        EFFECTIF,
        _parcours(Parcours.MAINTIEN),
    ),
    Pilote(
        IndicateurCible.TAUX_ADHESION,
        "adhesion.taux",
        "Taux d'adhésion",
        "{} d'adhésion",
        POURCENTAGE,
        _chemin("adhesion", "taux"),
    ),
    Pilote(
        IndicateurCible.PART_RELOGES,
        "resultats.part_relogement_ou_reorientation",
        "Relogés ou réorientés à la clôture",
        "{} des sortants relogés ou réorientés",
        POURCENTAGE,
        _chemin("resultats", "part_relogement_ou_reorientation"),
    ),
    Pilote(
        IndicateurCible.REPRISE_PAIEMENT,
        "resultats.taux_reprise_paiement",
        "Reprise du paiement du loyer",
        "{} des ménages ont repris le paiement du loyer",
        POURCENTAGE,
        _chemin("resultats", "taux_reprise_paiement"),
    ),
    Pilote(
        IndicateurCible.MAINTIEN_APRES,
        "resultats.part_toujours_dans_le_logement",
        "Dans le logement 3 mois après la fin",
        "{} toujours dans leur logement 3 mois après la fin",
        POURCENTAGE,
        _chemin("resultats", "part_toujours_dans_le_logement"),
    ),
    Pilote(
        IndicateurCible.EXPULSIONS_EVITEES,
        "dette_et_expulsions.expulsions_evitees",
        "Expulsions évitées",
        "{} expulsions évitées",
        EFFECTIF,
        _chemin("dette_et_expulsions", "expulsions_evitees"),
    ),
    Pilote(
        IndicateurCible.COUT_PAR_MENAGE,
        "cout.cout_par_menage",
        "Coût par ménage et par an",
        "{} par ménage et par an",
        EUROS,
        _chemin("cout", "cout_par_menage"),
    ),
    Pilote(
        IndicateurCible.BILANS_A_L_HEURE,
        "bilans.taux_a_temps",
        "Bilans faits à temps",
        "{} des bilans faits à temps",
        POURCENTAGE,
        _chemin("bilans", "taux_a_temps"),
    ),
]

PILOTE_DE = {pilote.indicateur: pilote for pilote in PILOTES}


def _suivi(cle, titre, phrase, unite=EFFECTIF):
    return Pilote(None, cle, titre, phrase, unite, _chemin(*cle.split(".")))


# Les autres chiffres du tableau de bord et du rapport, sans cible : chacun a aussi sa tendance
# sur les semestres précédents et sa phrase de lecture.
SUIVIS = [
    _suivi("file_active.episodes_actifs", "Accompagnements actifs", "{} accompagnements actifs"),
    _suivi(
        "file_active.nouveaux_episodes", "Nouveaux accompagnements", "{} nouveaux accompagnements"
    ),
    _suivi("file_active.episodes_clos", "Accompagnements clos", "{} accompagnements clos"),
    _suivi("orientations.recues", "Orientations reçues", "{} orientations reçues"),
    _suivi(
        "orientations.delai_premier_contact.mediane_jours",
        "Délai médian jusqu'au premier contact",
        "{} de délai médian jusqu'au premier contact",
        JOURS,
    ),
    _suivi("interventions.total", "Interventions", "{} interventions"),
    _suivi("interventions.visites_domicile", "Visites à domicile", "{} visites à domicile"),
    _suivi(
        "interventions.visites_sans_reponse",
        "Visites à domicile sans réponse",
        "{} visites à domicile sans réponse",
    ),
    _suivi(
        "interventions.heures_total",
        "Heures d'accompagnement",
        "{} d'accompagnement",
        HEURES,
    ),
    _suivi("objectifs.fixes", "Objectifs fixés", "{} objectifs fixés"),
    _suivi(
        "objectifs.taux_atteints",
        "Objectifs atteints",
        "{} des objectifs atteints",
        POURCENTAGE,
    ),
    _suivi("bilans.prevus", "Bilans prévus", "{} bilans prévus"),
    _suivi("bilans.manquants", "Bilans manquants", "{} bilans manquants"),
    _suivi(
        "dette_et_expulsions.entree_total",
        "Dette locative à l'entrée",
        "{} de dette locative à l'entrée",
        EUROS,
    ),
    _suivi(
        "dette_et_expulsions.derniere_total",
        "Dette locative dernière connue",
        "{} de dette locative dernière connue",
        EUROS,
    ),
    _suivi(
        "dette_et_expulsions.menages_dette_en_baisse",
        "Ménages dont la dette a baissé",
        "{} ménages dont la dette a baissé",
    ),
    _suivi(
        "dette_et_expulsions.plans_apurement_en_place",
        "Plans d'apurement en place",
        "{} plans d'apurement en place",
    ),
    _suivi(
        "dette_et_expulsions.procedures_a_l_entree",
        "Procédures engagées à l'entrée",
        "{} procédures d'expulsion engagées à l'entrée",
    ),
    _suivi("dette_et_expulsions.expulsions", "Expulsions", "{} expulsions"),
    _suivi("sorties.total", "Sorties (clôtures)", "{} sorties"),
    _suivi(
        "sorties.part_maintien",
        "Restés dans leur logement à la sortie",
        "{} des sortants restés dans leur logement",
        POURCENTAGE,
    ),
    _suivi("sorties.relogements", "Relogements", "{} relogements"),
    _suivi(
        "sorties.duree_mediane_jours",
        "Durée médiane d'accompagnement",
        "{} de durée médiane d'accompagnement",
        JOURS,
    ),
    _suivi("cout.cout_total", "Coût total de l'année", "{} de coût total sur l'année", EUROS),
    _suivi("gouvernance.seances_total", "Séances de comité", "{} séances de comité"),
    _suivi("gouvernance.decisions_total", "Décisions de comité", "{} décisions de comité"),
]


def pilote_de_territoire(nom):
    """Les accompagnements actifs d'un territoire, comparés à sa capacité cible."""
    return Pilote(
        None,
        f"file_active.par_territoire.{nom}",
        f"Actifs – {nom}",
        f"{{}} accompagnements actifs sur le territoire {nom}",
        EFFECTIF,
        _territoire(nom),
    )


# --- Les cibles, gardées dans les chiffres ---------------------------------------------------


def cibles_en_vigueur(dispositif):
    """[{indicateur, cle, libelle, valeur, unite}] des cibles du dispositif, dans l'ordre."""
    valeurs = dict(
        CibleDispositif.objects.filter(dispositif=dispositif).values_list("indicateur", "valeur")
    )
    return [
        {
            "indicateur": pilote.indicateur.value,
            "cle": pilote.cle,
            "libelle": pilote.titre,
            "valeur": float(valeurs[pilote.indicateur]),
            "unite": pilote.unite,
        }
        for pilote in PILOTES
        if pilote.indicateur in valeurs
    ]


def capacites_des_territoires(dispositif):
    """[{territoire, valeur}] des territoires du dispositif qui ont une capacité cible."""
    return [
        {"territoire": nom, "valeur": capacite}
        for nom, capacite in dispositif.territoires.filter(capacite__gt=0)
        .order_by("nom")
        .values_list("nom", "capacite")
    ]


def avec_cibles(chiffres, dispositif):
    """Les chiffres et les cibles en vigueur aujourd'hui (`chiffres["cibles"]`), avec la
    capacité cible de chaque territoire (`chiffres["capacites_territoires"]`)."""
    return {
        **chiffres,
        "cibles": cibles_en_vigueur(dispositif),
        "capacites_territoires": capacites_des_territoires(dispositif),
    }


def semestres_precedents(dispositif, annee, semestre, nombre=SEMESTRES_DE_TENDANCE - 1):
    """[(« 2025-S2 », chiffres stockés)] des rapports prêts d'avant, du plus ancien au plus
    récent : au plus `nombre`."""
    rapports = (
        RapportSemestriel.objects.filter(dispositif=dispositif, statut=StatutRapport.PRET)
        .exclude(annee__gt=annee)
        .exclude(annee=annee, semestre__gte=semestre)
        .order_by("-annee", "-semestre")
        .values_list("annee", "semestre", "chiffres")[:nombre]
    )
    return [(f"{a}-S{s}", chiffres or {}) for a, s, chiffres in reversed(rapports)]


# --- La comparaison --------------------------------------------------------------------------


def formater(valeur, unite, decimales=0):
    if valeur is None:
        return "—"
    if unite == POURCENTAGE:
        return f"{nombre_fr(valeur, decimales)}\xa0%"
    if unite == EUROS:
        return f"{nombre_fr(valeur, decimales)}\xa0€"
    if unite == JOURS:
        return f"{nombre_fr(valeur, decimales)}\xa0j"
    if unite == HEURES:
        return f"{nombre_fr(valeur, decimales)}\xa0h"
    return nombre_fr(valeur, decimales)


def _deux(valeur, autre, unite):
    """Les deux nombres écrits pour qu'une différence réelle se voie (une décimale au besoin)."""
    a, b = formater(valeur, unite), formater(autre, unite)
    if a == b and valeur != autre:
        return formater(valeur, unite, 1), formater(autre, unite, 1)
    return a, b


def lecture(pilote, valeur, cible, precedent, a_un_precedent):
    """La phrase de lecture d'un chiffre, en français simple."""
    if valeur is None:
        debut = f"{pilote.titre} : pas de chiffre ce semestre (aucun cas à compter)"
    else:
        debut = pilote.phrase.format(formater(valeur, pilote.unite))
    if (
        cible is None
        and pilote.indicateur is None
        and not pilote.cle.startswith("file_active.par_territoire.")
    ):
        position = None  # un chiffre qui ne se donne pas de cible
    elif cible is None:
        position = "pas de cible fixée"
    elif valeur is None:
        position = f"cible : {formater(cible, pilote.unite)}"
    else:
        ecrit, ecrite = _deux(valeur, cible, pilote.unite)
        if valeur > cible:
            position = f"au-dessus de la cible de {ecrite}"
        elif valeur < cible:
            position = f"en dessous de la cible de {ecrite}"
        else:
            position = f"égal à la cible de {ecrite}"
        if ecrit != formater(valeur, pilote.unite):
            debut = pilote.phrase.format(ecrit)
    if not a_un_precedent:
        avant = "premier semestre mesuré"
    elif precedent is None:
        avant = "pas de chiffre au semestre précédent"
    else:
        avant = f"{formater(precedent, pilote.unite)} au semestre précédent"
    if position is None:
        return f"{debut} ; {avant}."
    return f"{debut}, {position} ; {avant}."


def comparer(chiffres, precedents):
    """Une ligne par chiffre suivi : valeur, cible, précédent, série, lecture, courbe SVG.

    `chiffres` : ceux du semestre (avec `chiffres["cibles"]`) ; `precedents` : la liste de
    `semestres_precedents`.
    """
    cibles = {c["indicateur"]: c["valeur"] for c in chiffres.get("cibles") or []}
    territoires = [
        (pilote_de_territoire(c["territoire"]), c["valeur"])
        for c in chiffres.get("capacites_territoires") or []
    ]
    suivis = [
        *((pilote, cibles.get(pilote.code)) for pilote in PILOTES),
        *territoires,
        *((pilote, None) for pilote in SUIVIS),
    ]
    libelle = (chiffres.get("periode") or {}).get("libelle", "ce semestre")
    lignes = []
    for pilote, cible in suivis:
        valeur = pilote.lire(chiffres)
        serie = [(nom, pilote.lire(anciens)) for nom, anciens in precedents]
        serie.append((libelle, valeur))
        parcours = pilote.indicateur in (
            IndicateurCible.MENAGES_ACCES,
            IndicateurCible.MENAGES_MAINTIEN,
        )
        if parcours and cible is None and not any(v for _, v in serie):
            continue  # un parcours que le dispositif n'offre pas
        precedent = serie[-2][1] if len(serie) > 1 else None
        lignes.append(
            {
                "indicateur": pilote.code,
                "cle": pilote.cle,
                "avec_cible_possible": pilote.indicateur is not None,
                # Les chiffres qui ont (ou peuvent avoir) une cible viennent en premier ; les
                # autres courbes se replient sur le tableau de bord.
                "principal": pilote.indicateur is not None or cible is not None,
                "titre": pilote.titre,
                "unite": pilote.unite,
                "valeur": valeur,
                "valeur_texte": formater(valeur, pilote.unite),
                "cible": cible,
                "cible_texte": formater(cible, pilote.unite),
                "precedent": precedent,
                "precedent_texte": formater(precedent, pilote.unite),
                "serie": [
                    {"semestre": nom, "valeur": v, "texte": formater(v, pilote.unite)}
                    for nom, v in serie
                ],
                "lecture": lecture(pilote, valeur, cible, precedent, len(serie) > 1),
                "graphique": graphique_tendance(pilote, serie, cible),
            }
        )
    return lignes


# --- La courbe de tendance ------------------------------------------------------------------

LARGEUR_TENDANCE = 320  # 80 mm à 4 unités par millimètre
HAUTEUR_TENDANCE = 146
CORPS = 13  # 13 unités = 3,25 mm ≈ 9,2 pt à l'impression


def _semestre_court(nom, nombre):
    """« 2025-S2 » ; « S2 25 » quand six points se partagent 80 mm."""
    if nombre <= 4 or len(nom) != 7:
        return nom
    return f"{nom[5:]} {nom[2:4]}"


def graphique_tendance(pilote, serie, cible):
    """Courbe du chiffre sur ≤ 6 semestres, cible en tirets : SVG titré, texte alternatif."""
    alternative = (
        f"{pilote.titre} par semestre : "
        + ", ".join(f"{nom} {formater(v, pilote.unite)}" for nom, v in serie)
        + (f" ; cible {formater(cible, pilote.unite)}" if cible is not None else "")
    )
    valeurs = [v for _, v in serie if v is not None]
    haut = max([*valeurs, cible or 0, 1]) * 1.15
    # Marges : la moitié d'un libellé de semestre (« 2025-S1 ») de chaque côté.
    gauche, droite, y_haut, y_bas = 40, LARGEUR_TENDANCE - 40, 58, 118
    pas = (droite - gauche) / max(len(serie) - 1, 1)

    def x(rang):
        return (gauche + droite) / 2 if len(serie) == 1 else gauche + rang * pas

    def y(valeur):
        return y_bas - (float(valeur) / float(haut)) * (y_bas - y_haut)

    contenu = [
        _texte(0, 15, pilote.titre, taille=CORPS, couleur=PRINCIPALE, gras=True),
        _texte(
            0,
            32,
            f"cible {formater(cible, pilote.unite)} (tirets)"
            if cible is not None
            else "sans cible",
            taille=CORPS,
            couleur=ACCENT if cible is not None else TEXTE,
        ),
        f'<line x1="{gauche}" y1="{y_bas}" x2="{droite}" y2="{y_bas}" stroke="{GRILLE}"/>',
    ]
    if cible is not None:
        contenu.append(
            f'<line x1="{gauche}" y1="{_n(y(cible))}" x2="{droite}" y2="{_n(y(cible))}" '
            f'stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    points = [(x(rang), y(v)) for rang, (_, v) in enumerate(serie) if v is not None]
    if len(points) > 1:
        trace = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        contenu.append(
            f'<polyline points="{trace}" fill="none" stroke="{PRINCIPALE}" stroke-width="2"/>'
        )
    for rang, (nom, v) in enumerate(serie):
        dernier = rang == len(serie) - 1
        if v is not None:
            contenu.append(
                f'<circle cx="{_n(x(rang))}" cy="{_n(y(v))}" r="{4 if dernier else 3}" '
                f'fill="{PRINCIPALE}"/>'
            )
        contenu.append(
            _texte(
                x(rang),
                (y(v) if v is not None else y_bas) - 8,
                formater(v, pilote.unite),
                ancre="middle",
                taille=CORPS,
                couleur=PRINCIPALE if dernier else TEXTE,
                gras=dernier,
            )
        )
        contenu.append(
            _texte(
                x(rang),
                y_bas + 20,
                _semestre_court(nom, len(serie)),
                ancre="middle",
                taille=CORPS,
                couleur=TEXTE,
            )
        )
    return _svg(alternative, HAUTEUR_TENDANCE, contenu, largeur=LARGEUR_TENDANCE)


# --- Le semestre précédent de chaque chiffre ----------------------------------------------------


class _Precedents(dict):
    """{"section__cle": texte} ; une clé absente (un chiffre que l'ancien rapport n'avait pas)
    se lit « — »."""

    def __missing__(self, cle):
        return "—"


def _unite_affichee(cle, valeur):
    # L'unité lue sur la clé, comme le classeur.
    unite = unite_de(cle, valeur)
    return unite if unite in (POURCENTAGE, EUROS, JOURS, HEURES) else EFFECTIF


def _texte_precedent(cle, valeur):
    if valeur is None:
        return "—"
    if isinstance(valeur, str):  # « < 5 », « s », une date
        return valeur
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    unite = _unite_affichee(cle, valeur)
    return formater(valeur, unite, 1 if unite in (JOURS, HEURES) else 0)


def precedents_a_plat(precedents):
    """Chaque chiffre simple du semestre précédent (le dernier de `precedents`), écrit pour
    l'affichage, sous une clé lisible par un gabarit : `avant.file_active__episodes_actifs`."""
    anciens = precedents[-1][1] if precedents else {}
    resultat = _Precedents()

    def parcourir(valeurs, prefixe):
        for cle, valeur in valeurs.items():
            complete = f"{prefixe}.{cle}"
            if isinstance(valeur, dict):
                parcourir(valeur, complete)
            elif not isinstance(valeur, list):
                resultat[complete.replace(".", "__")] = _texte_precedent(complete, valeur)

    for section, valeurs in anciens.items():
        if isinstance(valeurs, dict) and section != "periode":
            parcourir(valeurs, section)
    return resultat


def avec_precedents(chiffres, precedents):
    """Une copie des chiffres où chaque ligne d'une répartition (`par_source`, `par_motif`…)
    porte `precedent_texte` : la même catégorie au semestre précédent (« — » sans elle)."""
    anciens = precedents[-1][1] if precedents else {}

    def categories(liste):
        return {
            str(element.get("code", element.get("libelle"))): element
            for element in liste
            if isinstance(element, dict)
        }

    def enrichir(valeurs, vieilles, prefixe):
        copie = {}
        for cle, valeur in valeurs.items():
            ancienne = vieilles.get(cle) if isinstance(vieilles, dict) else None
            complete = f"{prefixe}.{cle}"
            if isinstance(valeur, dict):
                copie[cle] = enrichir(valeur, ancienne, complete)
            elif isinstance(valeur, list) and all(isinstance(e, dict) for e in valeur):
                connues = categories(ancienne) if isinstance(ancienne, list) else {}
                lignes = []
                for element in valeur:
                    trouvee = connues.get(str(element.get("code", element.get("libelle"))))
                    nom = "heures" if "heures" in element else "nombre"
                    lignes.append(
                        {
                            **element,
                            "precedent_texte": _texte_precedent(
                                f"{complete}.{nom}", trouvee.get(nom) if trouvee else None
                            ),
                        }
                    )
                copie[cle] = lignes
            else:
                copie[cle] = valeur
        return copie

    return {
        section: enrichir(valeurs, anciens.get(section), section)
        if isinstance(valeurs, dict)
        and section not in ("periode", "croisement_problematique_territoire")
        else valeurs
        for section, valeurs in chiffres.items()
    }


def _avec_capacites(chiffres):
    """Chaque territoire de `file_active.par_territoire` porte `capacite_texte` (« — » sans
    capacité cible)."""
    file_active = chiffres.get("file_active")
    if not isinstance(file_active, dict):
        return chiffres
    capacites = {c["territoire"]: c["valeur"] for c in chiffres.get("capacites_territoires") or []}
    return {
        **chiffres,
        "file_active": {
            **file_active,
            "par_territoire": [
                {**ligne, "capacite_texte": formater(capacites.get(ligne.get("libelle")), EFFECTIF)}
                for ligne in file_active.get("par_territoire") or []
            ],
        },
    }


def contexte(chiffres, precedents):
    """Ce que le tableau de bord et le PDF montrent de chaque chiffre : `chiffres` (chaque
    catégorie avec son semestre précédent, chaque territoire avec sa capacité), `pilotage` (les
    lignes de `comparer`), `repere` (ces lignes par clé : `repere.adhesion__taux`) et `avant`
    (chaque chiffre simple du semestre précédent : `avant.bilans__prevus`)."""
    lignes = comparer(chiffres, precedents)
    return {
        "chiffres": _avec_capacites(avec_precedents(chiffres, precedents)),
        "pilotage": lignes,
        "repere": _Precedents({ligne["cle"].replace(".", "__"): ligne for ligne in lignes}),
        "avant": precedents_a_plat(precedents),
    }
