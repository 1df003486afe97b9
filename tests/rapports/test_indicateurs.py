"""Les chiffres du rapport semestriel (DESIGN.md §4), chacun vérifié sur un petit jeu fait main.

Chaque test construit juste ce qu'il lui faut ; les réponses attendues sont calculées à la main
dans les commentaires. Période par défaut : 2026-S1, du 01/01/2026 au 30/06/2026.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accompagnement.enums import (
    Adhesion,
    DestinationPartenaire,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.factories import (
    AccompagnementFactory,
    BilanFactory,
    InterventionFactory,
    ObjectifFactory,
)
from accompagnement.models import Cloture, OrientationPartenaire
from comites.enums import NaturePoint, TypeComite, TypeDecision
from comites.models import Comite, Decision, PointOrdreDuJour, Seance
from core.enums import Parcours, Profession
from core.factories import (
    DispositifFactory,
    LigneBudgetaireFactory,
    TerritoireFactory,
    UserFactory,
)
from menages.enums import Problematique, Source, StadeProcedure, StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from menages.models import PlanApurement
from rapports import indicateurs
from rapports.indicateurs import (
    DEFINITIONS,
    MASQUE,
    MASQUE_COMPLEMENTAIRE,
    NOMBRE_DE_REQUETES,
    bornes_semestre,
    calculer,
    parse_semestre,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
APRES_S1 = date(2026, 11, 24)  # un jour de calcul postérieur au semestre 2026-S1


# --- Petites fabriques locales -------------------------------------------------------------


def a_paris(annee, mois, jour, heure=10, minute=0):
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def episode(dispositif, debut, fin=None, *, menage=None, territoire=None, **champs):
    """Un épisode d'un nouveau ménage (ou de `menage`), clos s'il a une date de fin."""
    menage = menage or MenageFactory(dispositif=dispositif)
    if territoire is not None:
        LogementFactory(menage=menage, territoire=territoire)
    champs.setdefault("statut", StatutAccompagnement.CLOS if fin else StatutAccompagnement.EN_COURS)
    return AccompagnementFactory(menage=menage, date_debut=debut, date_fin=fin, **champs)


def cloture(accompagnement, jour, motif, *, maintien=True, evitee=False, **champs):
    return Cloture.objects.create(
        accompagnement=accompagnement,
        date=jour,
        motif=motif,
        maintien_dans_logement=maintien,
        expulsion_evitee=evitee,
        **champs,
    )


def seance(dispositif, type_comite, moment, comite=None, **champs):
    comite = comite or Comite.objects.create(
        dispositif=dispositif, type=type_comite, nom=f"Comité {type_comite}"
    )
    return Seance.objects.create(comite=comite, date=moment, **champs)


def decision(seance_, menage, type_decision, orientation=None, **champs):
    nature = (
        NaturePoint.NOUVELLE_ORIENTATION
        if type_decision in (TypeDecision.ADMISSION, TypeDecision.REFUS, TypeDecision.REORIENTATION)
        else NaturePoint.BILAN_A_VENIR
    )
    point = PointOrdreDuJour.objects.create(
        seance=seance_, menage=menage, nature=nature, orientation=orientation
    )
    return Decision.objects.create(
        seance=seance_, point=point, menage=menage, type=type_decision, **champs
    )


def chiffres_s1(dispositif, **kwargs):
    kwargs.setdefault("aujourd_hui", APRES_S1)
    return calculer(dispositif, 2026, 1, **kwargs)


def nombres(repartition):
    """{code: nombre} d'une répartition, sans les zéros."""
    return {ligne["code"]: ligne["nombre"] for ligne in repartition if ligne["nombre"]}


# --- Période --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [("2026-S1", (2026, 1)), ("2026-S2", (2026, 2)), (" 2027-s2 ", (2027, 2))],
)
def test_parse_semestre_lit_annee_et_semestre(texte, attendu):
    assert parse_semestre(texte) == attendu


@pytest.mark.parametrize(
    "texte", ["2026-S3", "2026-S0", "2026S1", "26-S1", "2026-1", "S1-2026", "", "2026-S1x", None]
)
def test_parse_semestre_refuse_le_reste_avec_un_message_en_francais(texte):
    with pytest.raises(ValueError, match="Semestre invalide.*2026-S1"):
        parse_semestre(texte)


def test_bornes_des_semestres():
    assert bornes_semestre(2026, 1) == (date(2026, 1, 1), date(2026, 6, 30))
    assert bornes_semestre(2026, 2) == (date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ValueError, match="Semestre invalide"):
        bornes_semestre(2026, 3)


def test_la_periode_est_dans_les_chiffres():
    chiffres = chiffres_s1(DispositifFactory())

    assert chiffres["periode"] == {
        "annee": 2026,
        "semestre": 1,
        "libelle": "2026-S1",
        "debut": "01/01/2026",
        "fin": "30/06/2026",
    }


def test_chaque_chiffre_a_sa_definition_et_chaque_definition_son_chiffre():
    chiffres = chiffres_s1(DispositifFactory())

    cles = {f"{section}.{cle}" for section, contenu in chiffres.items() for cle in contenu}
    assert cles == set(DEFINITIONS)
    assert all(isinstance(phrase, str) and phrase.endswith(".") for phrase in DEFINITIONS.values())


# --- File active ----------------------------------------------------------------------------


def test_file_active_aux_bornes_de_la_periode():
    dispositif = DispositifFactory()
    episode(dispositif, date(2025, 3, 1), date(2025, 12, 31))  # fini la veille : pas actif
    episode(dispositif, date(2025, 6, 1), date(2026, 1, 1))  # fini le 1er jour : actif, clos
    episode(dispositif, date(2026, 6, 30))  # commencé le dernier jour : actif, nouveau
    episode(dispositif, date(2026, 7, 1))  # commencé le lendemain : pas actif
    episode(dispositif, date(2025, 1, 1))  # ouvert depuis 2025 : actif
    episode(dispositif, date(2026, 2, 10), date(2026, 5, 20))  # actif, nouveau, clos
    episode(DispositifFactory(), date(2026, 3, 1))  # autre dispositif : ignoré

    file_active = chiffres_s1(dispositif)["file_active"]

    # Actifs : 01/06/2025→01/01/2026, 30/06/2026→, 01/01/2025→, 10/02→20/05/2026 = 4.
    assert file_active["episodes_actifs"] == 4
    assert file_active["menages_actifs"] == 4
    # Nouveaux : début le 30/06/2026 et le 10/02/2026 = 2.
    assert file_active["nouveaux_episodes"] == 2
    # Clos : fin le 01/01/2026 et le 20/05/2026 = 2.
    assert file_active["episodes_clos"] == 2


def test_un_menage_rouvert_compte_deux_episodes_mais_un_menage():
    dispositif = DispositifFactory()
    premier = episode(dispositif, date(2025, 9, 1), date(2026, 2, 1))
    episode(dispositif, date(2026, 4, 1), menage=premier.menage)

    file_active = chiffres_s1(dispositif)["file_active"]

    assert file_active["episodes_actifs"] == 2
    assert file_active["menages_actifs"] == 1


def test_courbe_mensuelle_compte_les_episodes_actifs_un_jour_du_mois():
    dispositif = DispositifFactory()
    episode(dispositif, date(2026, 1, 15), date(2026, 2, 10))  # janvier, février
    episode(dispositif, date(2026, 3, 31))  # mars à juin
    episode(dispositif, date(2025, 12, 1), date(2026, 1, 1))  # janvier seulement

    courbe = chiffres_s1(dispositif)["file_active"]["courbe_mensuelle"]

    # janv. : 2 (15/01→10/02, 01/12→01/01) ; févr. : 1 ; mars à juin : 1 (31/03→).
    assert courbe == [
        {"mois": "2026-01", "libelle": "janv. 2026", "nombre": 2},
        {"mois": "2026-02", "libelle": "févr. 2026", "nombre": 1},
        {"mois": "2026-03", "libelle": "mars 2026", "nombre": 1},
        {"mois": "2026-04", "libelle": "avr. 2026", "nombre": 1},
        {"mois": "2026-05", "libelle": "mai 2026", "nombre": 1},
        {"mois": "2026-06", "libelle": "juin 2026", "nombre": 1},
    ]


def test_courbe_du_second_semestre_de_juillet_a_decembre():
    courbe = calculer(DispositifFactory(), 2026, 2, aujourd_hui=APRES_S1)["file_active"][
        "courbe_mensuelle"
    ]

    assert [point["libelle"] for point in courbe] == [
        "juil. 2026",
        "août 2026",
        "sept. 2026",
        "oct. 2026",
        "nov. 2026",
        "déc. 2026",
    ]
    assert {point["nombre"] for point in courbe} == {0}


def test_file_active_par_parcours_et_par_territoire():
    dispositif = DispositifFactory()
    lille = TerritoireFactory(dispositif=dispositif, nom="Lille")
    sud = TerritoireFactory(dispositif=dispositif, nom="Bassin Sud")
    TerritoireFactory(dispositif=dispositif, nom="Flandres")  # aucun ménage : 0
    TerritoireFactory(dispositif=dispositif, nom="Écully")  # accent : trié comme un « E »
    # 6. Logement rattaché par erreur au territoire d'un autre dispositif : après les nôtres.
    episode(dispositif, date(2026, 3, 1), territoire=TerritoireFactory(nom="Ailleurs"))

    # 1. Parcours de l'orientation de l'épisode (accès), logement à Lille.
    avec_orientation = MenageFactory(dispositif=dispositif)
    orientation = OrientationFactory(
        menage=avec_orientation, parcours=Parcours.ACCES, date_orientation=date(2025, 11, 2)
    )
    episode(
        dispositif,
        date(2026, 1, 5),
        menage=avec_orientation,
        territoire=lille,
        orientation=orientation,
    )

    # 2. Sans orientation d'épisode : la dernière orientation du ménage datée ≤ 30/06/2026
    # (maintien, 2026-02-01), pas celle d'après la période (accès, 2026-08-01). Lille.
    sans_lien = MenageFactory(dispositif=dispositif)
    OrientationFactory(
        menage=sans_lien, parcours=Parcours.MAINTIEN, date_orientation=date(2026, 2, 1)
    )
    OrientationFactory(menage=sans_lien, parcours=Parcours.ACCES, date_orientation=date(2026, 8, 1))
    episode(dispositif, date(2026, 2, 10), menage=sans_lien, territoire=lille)

    # 3. Aucune orientation : parcours non renseigné ; logement du Bassin Sud.
    episode(dispositif, date(2026, 3, 1), territoire=sud)
    # 4. Logement actuel sans territoire : non renseigné.
    sans_territoire = episode(dispositif, date(2026, 3, 1))
    LogementFactory(menage=sans_territoire.menage, territoire=None)
    # 5. Ancien logement à Lille (plus actuel) et pas de logement actuel : non renseigné.
    ancien = episode(dispositif, date(2026, 3, 1))
    LogementFactory(menage=ancien.menage, territoire=lille, actuel=False)

    file_active = chiffres_s1(dispositif)["file_active"]

    assert file_active["par_parcours"] == [
        {"code": "acces", "libelle": "Accès au logement", "nombre": 1},
        {"code": "maintien", "libelle": "Maintien dans le logement", "nombre": 1},
        {"code": "non_renseigne", "libelle": "non renseigné", "nombre": 4},
    ]
    # Territoires du dispositif par ordre alphabétique, puis les autres (épisode 6), puis
    # « non renseigné » (épisodes 4 et 5).
    assert file_active["par_territoire"] == [
        {"libelle": "Bassin Sud", "nombre": 1},
        {"libelle": "Écully", "nombre": 0},
        {"libelle": "Flandres", "nombre": 0},
        {"libelle": "Lille", "nombre": 2},
        {"libelle": "Ailleurs", "nombre": 1},
        {"libelle": "non renseigné", "nombre": 2},
    ]


# --- Orientations ---------------------------------------------------------------------------


def test_orientations_recues_par_source_et_par_problematique():
    dispositif = DispositifFactory()

    def oriente(jour, source, problematiques):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif),
            date_orientation=jour,
            source=source,
            problematiques=problematiques,
        )

    oriente(date(2025, 12, 31), Source.SIAO, [Problematique.IMPAYES])  # la veille : non
    oriente(
        date(2026, 1, 1),
        Source.RECOUVREMENT,
        [Problematique.IMPAYES, Problematique.TROUBLES_VOISINAGE],
    )
    oriente(date(2026, 3, 15), Source.SIAO, [Problematique.IMPAYES])
    oriente(date(2026, 6, 30), Source.RECOUVREMENT, [Problematique.SOUFFRANCE_PSYCHIQUE])
    oriente(date(2026, 7, 1), Source.CCAS, [Problematique.ADDICTIONS])  # le lendemain : non
    OrientationFactory(date_orientation=date(2026, 3, 1))  # autre dispositif

    orientations = chiffres_s1(dispositif)["orientations"]

    assert orientations["recues"] == 3
    assert [ligne["code"] for ligne in orientations["par_source"]] == Source.values
    assert nombres(orientations["par_source"]) == {"recouvrement": 2, "siao": 1}
    # Les effectifs bruts de la section, avant le secret statistique : impayés : 01/01 et
    # 15/03 = 2 ; troubles : 01/01 ; souffrance : 30/06.
    brute, _ = indicateurs.orientations.calculer(dispositif, [], *bornes_semestre(2026, 1), [])
    assert [ligne["code"] for ligne in brute["par_problematique"]] == Problematique.values
    assert nombres(brute["par_problematique"]) == {
        "impayes": 2,
        "troubles_voisinage": 1,
        "souffrance_psychique": 1,
    }
    # Publiés : ce sont les totaux de ligne du croisement problématique × territoire. Sans
    # territoire, chaque problématique n'y a qu'une case (« non renseigné »), de 1 à 4 : son
    # total la redonnerait, il est masqué (« s »).
    assert [ligne["code"] for ligne in orientations["par_problematique"]] == Problematique.values
    assert nombres(orientations["par_problematique"]) == {
        "impayes": MASQUE_COMPLEMENTAIRE,
        "troubles_voisinage": MASQUE_COMPLEMENTAIRE,
        "souffrance_psychique": MASQUE_COMPLEMENTAIRE,
    }


def test_decisions_sur_les_orientations_par_date_du_statut():
    dispositif = DispositifFactory()

    def statue(statut, jour):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif),
            date_orientation=date(2025, 11, 3),
            statut=statut,
            date_statut=jour,
        )

    statue(StatutOrientation.ADMISE, date(2026, 2, 1))  # orientée en 2025, admise en S1 : oui
    statue(StatutOrientation.REFUSEE, date(2026, 6, 30))
    statue(StatutOrientation.REORIENTEE, date(2026, 7, 2))  # après la période : non
    statue(StatutOrientation.A_EXAMINER, date(2026, 3, 1))  # pas une décision : non

    decisions = chiffres_s1(dispositif)["orientations"]["decisions"]

    assert decisions == {
        "total": 2,
        "par_statut": [
            {"code": "admise", "libelle": "Admise", "nombre": 1},
            {"code": "refusee", "libelle": "Refusée", "nombre": 1},
            {"code": "reorientee", "libelle": "Réorientée", "nombre": 0},
        ],
    }


def episode_oriente(dispositif, jour_orientation, debut, premier_contact):
    menage = MenageFactory(dispositif=dispositif)
    orientation = OrientationFactory(menage=menage, date_orientation=jour_orientation)
    return episode(
        dispositif,
        debut,
        menage=menage,
        orientation=orientation,
        date_premier_contact=premier_contact,
    )


def test_delai_mediane_jusqu_au_premier_contact_nombre_impair():
    dispositif = DispositifFactory()
    episode_oriente(dispositif, date(2026, 1, 2), date(2026, 1, 4), date(2026, 1, 5))  # 3 j
    episode_oriente(dispositif, date(2026, 2, 1), date(2026, 2, 5), date(2026, 2, 11))  # 10 j
    episode_oriente(dispositif, date(2026, 3, 1), date(2026, 3, 20), date(2026, 4, 10))  # 40 j
    # Commencé avant la période (100 j) et sans premier contact : hors calcul.
    episode_oriente(dispositif, date(2025, 9, 1), date(2025, 9, 2), date(2025, 12, 10))
    episode_oriente(dispositif, date(2026, 3, 1), date(2026, 3, 2), None)

    delai = chiffres_s1(dispositif)["orientations"]["delai_premier_contact"]

    # Tri : 3, 10, 40 → médiane 10.
    assert delai == {"mediane_jours": 10.0, "nombre": 3}


def test_delai_mediane_jusqu_au_premier_contact_nombre_pair():
    dispositif = DispositifFactory()
    episode_oriente(dispositif, date(2026, 1, 2), date(2026, 1, 4), date(2026, 1, 6))  # 4 j
    episode_oriente(dispositif, date(2026, 2, 1), date(2026, 2, 5), date(2026, 2, 10))  # 9 j

    delai = chiffres_s1(dispositif)["orientations"]["delai_premier_contact"]

    # (4 + 9) / 2 = 6,5.
    assert delai == {"mediane_jours": 6.5, "nombre": 2}


def test_delai_mediane_jusqu_a_la_decision_du_cotech():
    dispositif = DispositifFactory()
    cotech = Comite.objects.create(dispositif=dispositif, type=TypeComite.TECHNIQUE, nom="COTECH")

    def decide(jour_orientation, moment, type_decision=TypeDecision.ADMISSION):
        menage = MenageFactory(dispositif=dispositif)
        orientation = OrientationFactory(menage=menage, date_orientation=jour_orientation)
        decision(
            seance(dispositif, None, moment, comite=cotech), menage, type_decision, orientation
        )

    decide(date(2026, 1, 10), a_paris(2026, 2, 5))  # 26 j
    decide(date(2026, 2, 1), a_paris(2026, 3, 5), TypeDecision.REFUS)  # 32 j
    decide(date(2026, 3, 1), a_paris(2026, 3, 5), TypeDecision.REORIENTATION)  # 4 j
    decide(date(2026, 3, 1), a_paris(2026, 4, 2), TypeDecision.STRATEGIE)  # pas une admission
    decide(date(2025, 11, 1), a_paris(2025, 12, 3))  # séance avant la période
    # Séance le 30/06 à 23 h 30 à Paris (21 h 30 UTC) : dans la période ; 30/06 − 31/05 = 30 j.
    decide(date(2026, 5, 31), a_paris(2026, 6, 30, 23, 30))

    delai = chiffres_s1(dispositif)["orientations"]["delai_decision_cotech"]

    # Tri : 4, 26, 30, 32 → (26 + 30) / 2 = 28.
    assert delai == {"mediane_jours": 28.0, "nombre": 4}


def test_delais_vides_sans_donnees():
    orientations = chiffres_s1(DispositifFactory())["orientations"]

    assert orientations["delai_premier_contact"] == {"mediane_jours": None, "nombre": 0}
    assert orientations["delai_decision_cotech"] == {"mediane_jours": None, "nombre": 0}


# --- Adhésion -------------------------------------------------------------------------------


def test_taux_d_adhesion_sur_les_episodes_avec_premier_contact():
    dispositif = DispositifFactory()
    contact = date(2026, 1, 20)
    episode(dispositif, date(2026, 1, 5), adhesion=Adhesion.ACCEPTEE, date_premier_contact=contact)
    episode(dispositif, date(2025, 6, 1), adhesion=Adhesion.ACCEPTEE, date_premier_contact=contact)
    episode(dispositif, date(2026, 1, 5), adhesion=Adhesion.REFUSEE, date_premier_contact=contact)
    # Sans premier contact : ni au numérateur ni au dénominateur.
    episode(dispositif, date(2026, 1, 5), adhesion=Adhesion.ACCEPTEE)
    episode(dispositif, date(2026, 1, 5), adhesion=Adhesion.INJOIGNABLE)
    # Hors période.
    episode(
        dispositif,
        date(2025, 1, 5),
        date(2025, 6, 1),
        adhesion=Adhesion.ACCEPTEE,
        date_premier_contact=date(2025, 1, 20),
    )

    adhesion = chiffres_s1(dispositif)["adhesion"]

    # 2 acceptées / 3 avec premier contact = 66,66… → 66,7 %.
    assert adhesion["episodes_avec_premier_contact"] == 3
    assert adhesion["acceptee"] == 2
    assert adhesion["taux"] == 66.7
    assert nombres(adhesion["par_adhesion"]) == {"acceptee": 3, "refusee": 1, "injoignable": 1}


def test_taux_d_adhesion_vide_sans_premier_contact():
    dispositif = DispositifFactory()
    episode(dispositif, date(2026, 1, 5), adhesion=Adhesion.ACCEPTEE)

    adhesion = chiffres_s1(dispositif)["adhesion"]

    assert adhesion["episodes_avec_premier_contact"] == 0
    assert adhesion["acceptee"] == 0
    assert adhesion["taux"] is None


# --- Interventions --------------------------------------------------------------------------


def test_interventions_par_type_profession_heures_et_orientations_partenaires():
    dispositif = DispositifFactory()
    suivi = episode(dispositif, date(2025, 10, 1))

    def intervient(moment, type_, profession, minutes, destinations=()):
        intervention = InterventionFactory(
            accompagnement=suivi,
            date_heure=moment,
            type=type_,
            profession_auteur=profession,
            duree_minutes=minutes,
        )
        for destination in destinations:
            OrientationPartenaire.objects.create(intervention=intervention, destination=destination)

    TS, INF, PSY = Profession.TRAVAILLEUR_SOCIAL, Profession.INFIRMIER, Profession.PSYCHOLOGUE
    VAD = TypeIntervention.VISITE_DOMICILE
    # 1er janvier 0 h 30 à Paris (31/12 23 h 30 UTC) : dans la période.
    intervient(
        a_paris(2026, 1, 1, 0, 30),
        VAD,
        TS,
        60,
        [DestinationPartenaire.CMP, DestinationPartenaire.FSL],
    )
    intervient(a_paris(2026, 3, 10), VAD, INF, 45, [DestinationPartenaire.CMP])
    intervient(a_paris(2026, 4, 1), TypeIntervention.VISITE_SANS_REPONSE, TS, 15)
    # 30 juin 23 h 30 à Paris : dans la période.
    intervient(a_paris(2026, 6, 30, 23, 30), TypeIntervention.ENTRETIEN_TELEPHONIQUE, PSY, 30)
    # Hors période : 31/12 23 h 30 et 01/07 0 h 10, heure de Paris.
    intervient(a_paris(2025, 12, 31, 23, 30), VAD, TS, 90, [DestinationPartenaire.CAF])
    intervient(a_paris(2026, 7, 1, 0, 10), VAD, TS, 60)
    InterventionFactory(
        accompagnement=episode(DispositifFactory(), date(2026, 1, 1)),
        date_heure=a_paris(2026, 2, 2),
    )

    interventions = chiffres_s1(dispositif)["interventions"]

    assert interventions["total"] == 4
    assert nombres(interventions["par_type"]) == {
        "visite_domicile": 2,
        "visite_sans_reponse": 1,
        "entretien_telephonique": 1,
    }
    assert nombres(interventions["par_profession"]) == {
        "travailleur_social": 2,
        "infirmier": 1,
        "psychologue": 1,
    }
    assert interventions["visites_domicile"] == 2
    assert interventions["visites_sans_reponse"] == 1
    # TS : (60 + 15) / 60 = 1,25 → 1,3 ; infirmier 45/60 = 0,75 → 0,8 ; psy 30/60 = 0,5.
    heures = {ligne["code"]: ligne["heures"] for ligne in interventions["heures_par_profession"]}
    assert heures["travailleur_social"] == 1.3
    assert heures["infirmier"] == 0.8
    assert heures["psychologue"] == 0.5
    assert heures["cesf"] == 0.0
    # 150 minutes = 2,5 h.
    assert interventions["heures_total"] == 2.5
    partenaires = interventions["orientations_partenaires"]
    assert partenaires["total"] == 3
    assert nombres(partenaires["par_destination"]) == {"cmp": 2, "fsl": 1}


# --- Objectifs ------------------------------------------------------------------------------


def test_objectifs_fixes_atteints_partiels_abandonnes():
    dispositif = DispositifFactory()
    actif = episode(dispositif, date(2026, 2, 1))
    autre_actif = episode(dispositif, date(2025, 2, 1), date(2026, 1, 31))
    statuts = [
        (actif, StatutObjectif.ATTEINT),
        (autre_actif, StatutObjectif.ATTEINT),
        (actif, StatutObjectif.PARTIELLEMENT_ATTEINT),
        (actif, StatutObjectif.ABANDONNE),
        (actif, StatutObjectif.EN_COURS),
        (actif, StatutObjectif.EN_COURS),
        (autre_actif, StatutObjectif.EN_COURS),
        (actif, StatutObjectif.A_ENGAGER),
    ]
    for suivi, statut in statuts:
        ObjectifFactory(accompagnement=suivi, statut=statut)
    inactif = episode(dispositif, date(2025, 1, 1), date(2025, 12, 31))
    ObjectifFactory(accompagnement=inactif, statut=StatutObjectif.ATTEINT)

    objectifs = chiffres_s1(dispositif)["objectifs"]

    # 8 fixés ; 2/8 = 25 % ; 1/8 = 12,5 % ; 1/8 = 12,5 %.
    assert objectifs["fixes"] == 8
    assert objectifs["atteints"] == 2
    assert objectifs["partiellement_atteints"] == 1
    assert objectifs["abandonnes"] == 1
    assert objectifs["taux_atteints"] == 25.0
    assert objectifs["taux_partiellement_atteints"] == 12.5
    assert objectifs["taux_abandonnes"] == 12.5
    assert nombres(objectifs["par_statut"]) == {
        "a_engager": 1,
        "en_cours": 3,
        "atteint": 2,
        "partiel": 1,
        "abandonne": 1,
    }


def test_objectifs_sans_objectif_taux_vides():
    objectifs = chiffres_s1(DispositifFactory())["objectifs"]

    assert objectifs["fixes"] == 0
    assert objectifs["taux_atteints"] is None


# --- Bilans ---------------------------------------------------------------------------------


def bilan(dispositif, prevue, realisation=None):
    return BilanFactory(
        accompagnement=episode(dispositif, date(2025, 9, 1)),
        type=TypeBilan.TROIS_MOIS,
        date_prevue=prevue,
        date_realisation=realisation,
    )


def test_bilans_a_temps_en_retard_manquants_semestre_termine():
    dispositif = DispositifFactory()
    bilan(dispositif, date(2026, 1, 10), date(2026, 1, 25))  # +15 j : à temps
    bilan(dispositif, date(2026, 2, 1), date(2026, 2, 17))  # +16 j : en retard
    bilan(dispositif, date(2026, 3, 1), date(2026, 2, 20))  # en avance : à temps
    bilan(dispositif, date(2026, 4, 1))  # pas fait, prévu avant le 30/06 : manquant
    bilan(dispositif, date(2026, 6, 30))  # pas fait, prévu le 30/06 : pas encore échu
    bilan(dispositif, date(2026, 6, 25), date(2026, 7, 8))  # +13 j, après la période : à temps
    bilan(dispositif, date(2025, 12, 31))  # hors période
    bilan(dispositif, date(2026, 7, 1))  # hors période

    bilans = chiffres_s1(dispositif, aujourd_hui=date(2026, 11, 24))["bilans"]

    # 6 prévus : 3 à temps (50 %), 1 en retard (16,66… → 16,7 %), 1 manquant (16,7 %).
    assert bilans == {
        "prevus": 6,
        "realises_a_temps": 3,
        "realises_en_retard": 1,
        "manquants": 1,
        "non_echus": 1,
        "date_reference": "30/06/2026",
        "taux_a_temps": 50.0,
        "taux_en_retard": 16.7,
        "taux_manquants": 16.7,
    }


def test_bilans_du_semestre_en_cours_manquants_au_jour_du_calcul():
    dispositif = DispositifFactory()
    bilan(dispositif, date(2026, 11, 23))  # prévu hier : manquant
    bilan(dispositif, date(2026, 11, 24))  # prévu aujourd'hui : pas encore échu
    bilan(dispositif, date(2026, 12, 15))  # à venir

    bilans = calculer(dispositif, 2026, 2, aujourd_hui=date(2026, 11, 24))["bilans"]

    assert bilans["prevus"] == 3
    assert bilans["manquants"] == 1
    assert bilans["non_echus"] == 2
    assert bilans["date_reference"] == "24/11/2026"
    # 1/3 = 33,33… → 33,3 %.
    assert bilans["taux_manquants"] == 33.3


# --- Dette et expulsions --------------------------------------------------------------------


def dettes(menage, *releves):
    for jour, montant in releves:
        DetteLocativeFactory(menage=menage, date=jour, montant=Decimal(montant))


def test_dette_a_l_entree_et_derniere_connue_menages_en_baisse():
    dispositif = DispositifFactory()
    h1 = episode(dispositif, date(2026, 2, 1), stade_procedure_entree=StadeProcedure.ASSIGNATION)
    # Entrée : dernier relevé ≤ 01/02/2026 = 2 800 ; dernière ≤ 30/06 = 2 000 (baisse).
    dettes(
        h1.menage,
        (date(2025, 12, 1), "3000"),
        (date(2026, 1, 15), "2800"),
        (date(2026, 3, 1), "2000"),
        (date(2026, 7, 15), "500"),  # après la période : ignoré
    )
    h2 = episode(dispositif, date(2026, 1, 10), stade_procedure_entree=StadeProcedure.AUCUNE)
    # Aucun relevé avant l'entrée : le premier (1 500) ; dernière 1 800 (hausse).
    dettes(h2.menage, (date(2026, 2, 1), "1500"), (date(2026, 5, 1), "1800"))
    h3 = episode(dispositif, date(2025, 6, 1))
    dettes(h3.menage, (date(2025, 5, 1), "1000"))  # un seul relevé : 1 000 et 1 000
    h7 = episode(
        dispositif,
        date(2025, 10, 1),
        date(2026, 5, 31),
        stade_procedure_entree=StadeProcedure.COMMANDEMENT_DE_PAYER,
    )
    # Entrée 600 ; dernière 0 (baisse).
    dettes(h7.menage, (date(2025, 9, 20), "600"), (date(2026, 5, 30), "0"))
    h8 = episode(dispositif, date(2026, 1, 1))
    dettes(h8.menage, (date(2026, 1, 1), "1000"))  # 1 000 et 1 000
    h4 = episode(dispositif, date(2026, 1, 1))  # actif, sans dette : pas compté
    inactif = episode(dispositif, date(2025, 1, 1), date(2025, 12, 31))
    dettes(inactif.menage, (date(2025, 3, 1), "9000"))  # épisode hors période
    h6 = episode(dispositif, date(2026, 1, 1))
    dettes(h6.menage, (date(2026, 7, 2), "700"))  # seul relevé après la période

    # Plans : h1 (deux plans, un ménage) et h4 oui ; h2 commencé après la période, h3 inactif.
    for menage, debut, actif in [
        (h1.menage, date(2026, 3, 1), True),
        (h1.menage, date(2026, 4, 1), True),
        (h4.menage, date(2026, 1, 1), True),
        (h2.menage, date(2026, 7, 10), True),
        (h3.menage, date(2026, 1, 1), False),
        (inactif.menage, date(2025, 6, 1), True),
    ]:
        PlanApurement.objects.create(
            menage=menage, date_debut=debut, montant_mensuel=Decimal("50"), actif=actif
        )
    cloture(h7, date(2026, 5, 31), MotifCloture.STABILISEE, evitee=True)
    expulse = episode(dispositif, date(2025, 5, 1), date(2026, 4, 1))
    cloture(expulse, date(2026, 4, 1), MotifCloture.EXPULSION, maintien=False)
    ancien = episode(dispositif, date(2025, 1, 1), date(2025, 12, 31))
    cloture(ancien, date(2025, 12, 31), MotifCloture.STABILISEE, evitee=True)  # hors période

    dette = chiffres_s1(dispositif)["dette_et_expulsions"]

    # Ménages avec dette : h1, h2, h3, h7, h8 = 5.
    assert dette["menages_avec_dette"] == 5
    # Entrée : 2 800 + 1 500 + 1 000 + 600 + 1 000 = 6 900 ; tri 600, 1 000, 1 000, 1 500,
    # 2 800 → 1 000.
    assert dette["entree_total"] == 6900.0
    assert dette["entree_mediane"] == 1000.0
    # Dernière : 2 000 + 1 800 + 1 000 + 0 + 1 000 = 5 800 ; tri 0, 1 000, 1 000, 1 800,
    # 2 000 → 1 000.
    assert dette["derniere_total"] == 5800.0
    assert dette["derniere_mediane"] == 1000.0
    # En baisse : h1 (2 800 → 2 000) et h7 (600 → 0).
    assert dette["menages_dette_en_baisse"] == 2
    assert dette["plans_apurement_en_place"] == 2
    # Procédure à l'entrée : h1 (assignation), h7 (commandement de payer).
    assert dette["procedures_a_l_entree"] == 2
    assert nombres(dette["procedures_par_stade"]) == {
        "commandement_de_payer": 1,
        "assignation": 1,
    }
    assert "aucune" not in [ligne["code"] for ligne in dette["procedures_par_stade"]]
    assert dette["expulsions_evitees"] == 1
    assert dette["expulsions"] == 1


def test_dette_mediane_impaire_et_au_centime():
    dispositif = DispositifFactory()
    for montant in ("100.10", "250.35", "999.99", "300.01", "50.00"):
        dettes(episode(dispositif, date(2026, 1, 1)).menage, (date(2026, 1, 1), montant))

    dette = chiffres_s1(dispositif)["dette_et_expulsions"]

    # 100,10 + 250,35 + 999,99 + 300,01 + 50,00 = 1 700,45 ; médiane 250,35.
    assert dette["entree_total"] == 1700.45
    assert dette["entree_mediane"] == 250.35
    assert dette["menages_dette_en_baisse"] == 0


def test_les_montants_de_moins_de_5_menages_sont_masques():
    """Un total ou une médiane sur 1 à 4 ménages redonnerait la dette de l'un d'eux."""
    dispositif = DispositifFactory()
    for montant in ("4817.63", "120.00"):
        dettes(episode(dispositif, date(2026, 1, 1)).menage, (date(2026, 1, 1), montant))

    dette = chiffres_s1(dispositif)["dette_et_expulsions"]

    assert dette["menages_avec_dette"] == 2
    for cle in ("entree_total", "entree_mediane", "derniere_total", "derniere_mediane"):
        assert dette[cle] == "s"


def test_dette_sans_menage_endette():
    dette = chiffres_s1(DispositifFactory())["dette_et_expulsions"]

    assert dette["menages_avec_dette"] == 0
    assert dette["entree_total"] == 0.0
    assert dette["entree_mediane"] is None
    assert dette["derniere_mediane"] is None


# --- Sorties --------------------------------------------------------------------------------


def test_sorties_par_motif_maintien_relogement_et_duree_mediane():
    dispositif = DispositifFactory()
    for debut, fin, motif, maintien in [
        (date(2025, 1, 1), date(2026, 1, 1), MotifCloture.STABILISEE, True),  # 365 j
        (date(2026, 1, 1), date(2026, 3, 2), MotifCloture.STABILISEE, True),  # 60 j
        (date(2025, 10, 1), date(2026, 4, 1), MotifCloture.RELOGEMENT, False),  # 182 j
        (date(2026, 2, 1), date(2026, 6, 30), MotifCloture.EXPULSION, False),  # 149 j
        (date(2025, 6, 30), date(2026, 5, 1), MotifCloture.DEMANDE_MENAGE, True),  # 305 j
    ]:
        cloture(episode(dispositif, debut, fin), fin, motif, maintien=maintien)
    hors = episode(dispositif, date(2026, 1, 1), date(2026, 7, 1))
    cloture(hors, date(2026, 7, 1), MotifCloture.DECES, maintien=False)

    sorties = chiffres_s1(dispositif)["sorties"]

    assert sorties["total"] == 5
    assert [ligne["code"] for ligne in sorties["par_motif"]] == MotifCloture.values
    assert nombres(sorties["par_motif"]) == {
        "stabilisee": 2,
        "demande_menage": 1,
        "relogement": 1,
        "expulsion": 1,
    }
    # Restés : 3 sur 5 = 60 %.
    assert sorties["maintien_dans_logement"] == 3
    assert sorties["part_maintien"] == 60.0
    assert sorties["relogements"] == 1
    # Tri : 60, 149, 182, 305, 365 → 182.
    assert sorties["duree_mediane_jours"] == 182.0
    assert sorties["episodes_mesures"] == 5


def test_sorties_duree_mediane_nombre_pair():
    dispositif = DispositifFactory()
    episode(dispositif, date(2026, 1, 1), date(2026, 1, 11))  # 10 j
    episode(dispositif, date(2026, 1, 1), date(2026, 1, 22))  # 21 j

    sorties = chiffres_s1(dispositif)["sorties"]

    # (10 + 21) / 2 = 15,5 ; aucune fiche de clôture : part vide.
    assert sorties["duree_mediane_jours"] == 15.5
    assert sorties["total"] == 0
    assert sorties["part_maintien"] is None


# --- Coût -----------------------------------------------------------------------------------


def test_cout_par_menage_sur_l_annee_civile():
    dispositif = DispositifFactory(cout_menage_prevu=Decimal("4833.00"))
    LigneBudgetaireFactory(dispositif=dispositif, montant_annuel=Decimal("30000"))
    LigneBudgetaireFactory(
        dispositif=dispositif, libelle="charges", montant_annuel=Decimal("12000")
    )
    LigneBudgetaireFactory(
        dispositif=dispositif, libelle="fonctionnement", montant_annuel=Decimal("4000.50")
    )
    episode(dispositif, date(2025, 1, 1))  # ouvert : suivi en 2026
    episode(dispositif, date(2026, 11, 1))  # commencé au second semestre : suivi en 2026
    episode(dispositif, date(2025, 3, 1), date(2026, 1, 1))  # fini le 01/01/2026 : suivi
    episode(dispositif, date(2025, 3, 1), date(2025, 12, 31))  # fini en 2025 : non
    rouvert = episode(dispositif, date(2025, 3, 1), date(2026, 2, 1))
    episode(dispositif, date(2026, 5, 1), menage=rouvert.menage)  # même ménage : une fois

    cout = chiffres_s1(dispositif)["cout"]

    # 30 000 + 12 000 + 4 000,50 = 46 000,50 ; 4 ménages ; 11 500,125 → 11 500,13.
    # Diagnostics : les épisodes commencés en 2026 (novembre et mai) = 2, à 0 € ici.
    assert cout == {
        "annee": 2026,
        "budget_annuel": 46000.5,
        "menages_suivis_annee": 4,
        "diagnostics": 2,
        "cout_diagnostics": 0.0,
        "menages_gestion_locative": 0,
        "cout_gestion_locative": 0.0,
        "cout_total": 46000.5,
        "cout_par_menage": 11500.13,
        "cout_menage_prevu": 4833.0,
        "financement_demande": 0.0,
        "cofinancement": 0.0,
    }


def test_cout_compte_les_diagnostics_et_la_gestion_locative_adaptee():
    dispositif = DispositifFactory(
        cout_diagnostic=Decimal("350"),
        cout_gestion_locative_adaptee=Decimal("600"),
        financement_demande=Decimal("520000"),
        cofinancement=Decimal("160000"),
    )
    LigneBudgetaireFactory(dispositif=dispositif, montant_annuel=Decimal("10000"))
    acces = OrientationFactory(menage__dispositif=dispositif, parcours=Parcours.ACCES)
    episode(dispositif, date(2026, 2, 1), menage=acces.menage, orientation=acces)  # diag + GLA
    maintien = OrientationFactory(menage__dispositif=dispositif, parcours=Parcours.MAINTIEN)
    episode(dispositif, date(2026, 3, 1), menage=maintien.menage, orientation=maintien)  # diag
    ancien = OrientationFactory(menage__dispositif=dispositif, parcours=Parcours.ACCES)
    episode(dispositif, date(2025, 6, 1), menage=ancien.menage, orientation=ancien)  # GLA

    cout = chiffres_s1(dispositif)["cout"]

    # 10 000 + 2 × 350 + 2 × 600 = 11 900 ; 3 ménages → 3 966,67.
    assert cout["diagnostics"] == 2
    assert cout["cout_diagnostics"] == 700.0
    assert cout["menages_gestion_locative"] == 2
    assert cout["cout_gestion_locative"] == 1200.0
    assert cout["cout_total"] == 11900.0
    assert cout["cout_par_menage"] == 3966.67
    assert cout["financement_demande"] == 520000.0
    assert cout["cofinancement"] == 160000.0


def test_cout_par_menage_vide_sans_menage_suivi():
    cout = chiffres_s1(DispositifFactory())["cout"]

    assert cout["menages_suivis_annee"] == 0
    assert cout["cout_par_menage"] is None


# --- Gouvernance ----------------------------------------------------------------------------


def test_seances_par_type_de_comite_et_decisions_par_nature():
    dispositif = DispositifFactory()
    menage = MenageFactory(dispositif=dispositif)
    premiere = seance(dispositif, TypeComite.TECHNIQUE, a_paris(2026, 1, 1, 0, 30))
    seconde = seance(dispositif, TypeComite.TECHNIQUE, a_paris(2026, 3, 5), comite=premiere.comite)
    seance(dispositif, TypeComite.PILOTAGE, a_paris(2026, 6, 30, 23, 30))
    avant = seance(dispositif, TypeComite.PILOTAGE, a_paris(2025, 12, 31, 23, 30))
    seance(dispositif, TypeComite.EQUIPE, a_paris(2026, 7, 1, 0, 0))
    seance(DispositifFactory(), TypeComite.TECHNIQUE, a_paris(2026, 3, 5))
    decision(premiere, menage, TypeDecision.ADMISSION)
    decision(premiere, MenageFactory(dispositif=dispositif), TypeDecision.REFUS)
    decision(seconde, menage, TypeDecision.STRATEGIE)
    decision(avant, menage, TypeDecision.ADMISSION)

    gouvernance = chiffres_s1(dispositif)["gouvernance"]

    # Séances : 2 COTECH (01/01 0 h 30, 05/03) + 1 COPIL (30/06 23 h 30) = 3.
    assert gouvernance["seances_total"] == 3
    assert gouvernance["seances_par_type"] == [
        {"code": "technique", "libelle": "Comité technique (COTECH)", "nombre": 2},
        {"code": "pilotage", "libelle": "Comité de pilotage (COPIL)", "nombre": 1},
        {"code": "equipe", "libelle": "Réunion d'équipe", "nombre": 0},
    ]
    assert gouvernance["decisions_total"] == 3
    assert [ligne["code"] for ligne in gouvernance["decisions_par_type"]] == TypeDecision.values
    assert nombres(gouvernance["decisions_par_type"]) == {
        "admission": 1,
        "refus": 1,
        "strategie": 1,
    }


# --- Croisement problématique × territoire --------------------------------------------------


def test_croisement_problematique_territoire_masque_les_cases_de_1_a_4():
    dispositif = DispositifFactory()
    lille = TerritoireFactory(dispositif=dispositif, nom="Lille")
    sud = TerritoireFactory(dispositif=dispositif, nom="Bassin Sud")

    def oriente(territoire, problematiques, jour=date(2026, 3, 2)):
        menage = MenageFactory(dispositif=dispositif)
        LogementFactory(menage=menage, territoire=territoire)
        OrientationFactory(menage=menage, date_orientation=jour, problematiques=problematiques)

    for _ in range(4):
        oriente(lille, [Problematique.IMPAYES])
    for _ in range(4):
        oriente(sud, [Problematique.IMPAYES])
    oriente(sud, [Problematique.IMPAYES, Problematique.ADDICTIONS])
    oriente(lille, [Problematique.IMPAYES], jour=date(2025, 12, 1))  # hors période

    croisement = chiffres_s1(dispositif)["croisement_problematique_territoire"]

    assert croisement["colonnes"] == ["Bassin Sud", "Lille", "non renseigné"]
    lignes = {ligne["code"]: ligne["cellules"] for ligne in croisement["lignes"]}
    totaux = {ligne["code"]: ligne["total"] for ligne in croisement["lignes"]}
    assert [ligne["code"] for ligne in croisement["lignes"]] == Problematique.values
    assert (MASQUE, MASQUE_COMPLEMENTAIRE) == ("< 5", "s")
    # Effectifs : impayés Bassin Sud 5, Lille 4 (total 9) ; addictions Bassin Sud 1 (total 1) ;
    # colonnes Bassin Sud 6, Lille 4, non renseigné 0 ; total 10.
    # Masquage primaire : Lille 4 et addictions 1 → « < 5 ». Il ne suffit plus : 9 − 5 redonnait
    # Lille 4, et le total d'addictions (1, aussi dans la section Orientations) redonnait sa
    # seule case. En complément (« s ») : Bassin Sud 5 (seule autre case non nulle de la ligne
    # impayés), le total d'addictions (aucune autre case non nulle), puis les totaux des
    # colonnes Bassin Sud et Lille (Lille 4 est la seule case de sa colonne) et le total
    # général (sinon total − total impayés redonnait le total d'addictions).
    assert lignes["impayes"] == [MASQUE_COMPLEMENTAIRE, MASQUE, 0]
    assert totaux["impayes"] == 9
    assert lignes["addictions"] == [MASQUE, 0, 0]
    assert totaux["addictions"] == MASQUE_COMPLEMENTAIRE
    assert lignes["handicap"] == [0, 0, 0]
    assert totaux["handicap"] == 0
    assert croisement["totaux_colonnes"] == [MASQUE_COMPLEMENTAIRE, MASQUE_COMPLEMENTAIRE, 0]
    assert croisement["total"] == MASQUE_COMPLEMENTAIRE
    # Les totaux par problématique de la section Orientations sont les mêmes, masqués de même.
    orientations = chiffres_s1(dispositif)["orientations"]
    assert nombres(orientations["par_problematique"]) == {
        "impayes": 9,
        "addictions": MASQUE_COMPLEMENTAIRE,
    }


# --- Reproductibilité, anonymat, requêtes ---------------------------------------------------


def jeu_complet(dispositif, nombre_de_menages, *, territoire=None, marque=""):
    """Des ménages avec de tout : orientation, épisode, interventions, dette, bilans, clôture."""
    territoire = territoire or TerritoireFactory(dispositif=dispositif)
    cotech = Comite.objects.create(
        dispositif=dispositif, type=TypeComite.TECHNIQUE, nom=f"COTECH {marque}"
    )
    une_seance = seance(
        dispositif, None, a_paris(2026, 3, 12), comite=cotech, lieu=f"Salle {marque}"
    )
    referent = UserFactory(first_name=f"Prénom{marque}", last_name=f"Référent{marque}")
    for rang in range(nombre_de_menages):
        menage = MenageFactory(
            dispositif=dispositif,
            nom=f"Nom{marque}{rang}",
            prenom=f"Prénom{marque}",
            reference_locataire=f"REF{marque}{rang}",
            telephone="0611223344",
        )
        LogementFactory(
            menage=menage,
            territoire=territoire,
            adresse=f"{rang} rue {marque}",
            commune=f"Ville{marque}",
        )
        orientation = OrientationFactory(
            menage=menage,
            date_orientation=date(2026, 1, 1 + rang % 28),
            description=f"Situation {marque}",
            motif_statut=f"Motif {marque}",
            contact_prescripteur=f"Contact {marque}",
            problematiques=[Problematique.IMPAYES, Problematique.SOUFFRANCE_PSYCHIQUE],
        )
        clos = rang % 3 == 0
        suivi = episode(
            dispositif,
            date(2026, 2, 1),
            date(2026, 5, 1) if clos else None,
            menage=menage,
            orientation=orientation,
            referent=referent,
            adhesion=Adhesion.ACCEPTEE,
            date_premier_contact=date(2026, 2, 3),
            stade_procedure_entree=StadeProcedure.ASSIGNATION,
        )
        intervention = InterventionFactory(
            accompagnement=suivi,
            date_heure=a_paris(2026, 3, 3),
            note=f"Note {marque}",
            autres_participants=f"Voisin {marque}",
            auteur=referent,
        )
        OrientationPartenaire.objects.create(
            intervention=intervention, destination=DestinationPartenaire.CMP
        )
        ObjectifFactory(accompagnement=suivi, libelle=f"Objectif {marque}", indicateur=marque)
        BilanFactory(
            accompagnement=suivi,
            date_prevue=date(2026, 5, 1),
            date_realisation=date(2026, 5, 3),
            synthese=f"Synthèse {marque}",
        )
        dettes(menage, (date(2026, 1, 15), "1200.50"), (date(2026, 4, 1), "800"))
        PlanApurement.objects.create(
            menage=menage,
            date_debut=date(2026, 3, 1),
            montant_mensuel=Decimal("40"),
            autres_aides=f"Aide {marque}",
        )
        decision(une_seance, menage, TypeDecision.ADMISSION, orientation, motifs=f"Motifs {marque}")
        if clos:
            cloture(
                suivi,
                date(2026, 5, 1),
                MotifCloture.STABILISEE,
                evitee=True,
                commentaire=f"Clôture {marque}",
            )
    LigneBudgetaireFactory(dispositif=dispositif, libelle=f"Poste {marque}")


def test_deux_calculs_donnent_le_meme_json():
    dispositif = DispositifFactory()
    jeu_complet(dispositif, 7)

    premier = json.dumps(chiffres_s1(dispositif), ensure_ascii=False)
    second = json.dumps(chiffres_s1(dispositif), ensure_ascii=False)

    assert premier == second
    chiffres = json.loads(premier)
    assert chiffres["file_active"]["episodes_actifs"] == 7
    # Rang 0, 3, 6 clos le 01/05 avec « expulsion évitée ».
    assert chiffres["dette_et_expulsions"]["expulsions_evitees"] == 3
    assert chiffres["bilans"]["realises_a_temps"] == 7


def test_rien_ne_nomme_un_menage_ni_ne_reprend_un_texte_saisi():
    dispositif = DispositifFactory(nom="Programme Zéphyrin")
    marque = "Zorglubovitch"
    jeu_complet(
        dispositif,
        6,
        territoire=TerritoireFactory(dispositif=dispositif, nom="Nord"),
        marque=marque,
    )

    texte = json.dumps(chiffres_s1(dispositif), ensure_ascii=False)

    for interdit in (marque, "Zéphyrin", "REF", "0611223344", "rue", "@exemple.test"):
        assert interdit not in texte
    # Le seul libellé venu des données : le nom du territoire.
    assert "Nord" in texte


@pytest.mark.parametrize("nombre_de_menages", [3, 20])
def test_nombre_de_requetes_fixe(django_assert_num_queries, nombre_de_menages):
    dispositif = DispositifFactory()
    jeu_complet(dispositif, nombre_de_menages)

    with django_assert_num_queries(NOMBRE_DE_REQUETES):
        chiffres = chiffres_s1(dispositif)

    assert chiffres["file_active"]["episodes_actifs"] == nombre_de_menages
    assert NOMBRE_DE_REQUETES == 24  # 16 + le parcours accès (5) + les résultats (3)


def test_un_dispositif_sans_donnees_donne_des_zeros_serialisables():
    chiffres = chiffres_s1(DispositifFactory())

    assert json.loads(json.dumps(chiffres)) == chiffres
    assert chiffres["file_active"]["episodes_actifs"] == 0
    assert chiffres["interventions"]["total"] == 0
    assert chiffres["croisement_problematique_territoire"]["colonnes"] == ["non renseigné"]
    assert indicateurs.TITRES_SECTIONS.keys() == chiffres.keys()


@pytest.mark.parametrize("texte", ["0001-S1", "1999-S2", "9999-S2"])
def test_un_semestre_hors_des_annees_possibles_est_refuse(texte):
    with pytest.raises(ValueError, match="Année invalide"):
        parse_semestre(texte)
