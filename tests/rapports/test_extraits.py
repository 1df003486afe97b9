"""Les extraits pseudonymisés de l'évaluateur externe : ce qu'ils contiennent, ce qu'ils ne
contiennent jamais, le pseudonyme, le journal, et les refus pour chaque autre rôle."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accompagnement.enums import (
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
from accompagnement.models import Cloture
from comites.factories import DecisionFactory, PointOrdreDuJourFactory
from core.enums import Profession, Role
from core.exports import _texte
from core.factories import (
    DispositifFactory,
    HabilitationNationaleFactory,
    MembreFactory,
    TerritoireFactory,
    UserFactory,
)
from core.models import JournalAudit
from menages.enums import LienPersonne, Problematique
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
    RessourceFactory,
)
from menages.models import Personne, PlanApurement
from rapports.extraits import EXTRAITS, extraire
from tests.outils import texte
from tests.rapports import extraits_avant

pytestmark = pytest.mark.django_db

# Tout ce qui, du ménage, ne doit jamais sortir dans un extrait.
SECRETS = [
    "Zorglub",
    "Hermione",
    "REF-ZORGLUB",
    "hermione.zorglub@exemple.test",
    "06 12 34 56 78",
    "12 rue des Secrets",
    "Mandataire Secret",
    "DESCRIPTION-SECRETE",
    "MOTIF-STATUT-SECRET",
    "Contact Prescripteur Secret",
    "NOTE-SECRETE",
    "Participant Secret",
    "SYNTHESE-SECRETE",
    "OBJECTIF-SECRET",
    "INDICATEUR-SECRET",
    "COMMENTAIRE-SECRET",
    "MOTIFS-DECISION-SECRETS",
    "Junior",
    # Montants exacts (dette à l'orientation, relevé, bilan, clôture, ressources) et l'année.
    "2971,59",
    "2971.59",
    "4817,63",
    "4817.63",
    "1947,53",
    "1947.53",
    "8412,74",
    "8412.74",
    "1234,56",
    "1234.56",
    "1987",
]


@pytest.fixture
def monde():
    dispositif = DispositifFactory(slug="nord")
    territoire = TerritoireFactory(dispositif=dispositif, nom="Lille")
    menage = MenageFactory(
        dispositif=dispositif,
        nom="Zorglub",
        prenom="Hermione",
        reference_locataire="REF-ZORGLUB",
        email="hermione.zorglub@exemple.test",
        telephone="06 12 34 56 78",
        mandataire="Mandataire Secret",
        nb_adultes=1,
        nb_enfants=1,
    )
    Personne.objects.create(
        menage=menage,
        prenom="Junior",
        nom="Zorglub",
        annee_naissance=1987,
        lien=LienPersonne.values[0],
    )
    RessourceFactory(menage=menage, montant_mensuel=Decimal("1234.56"))
    LogementFactory(menage=menage, adresse="12 rue des Secrets", territoire=territoire)
    orientation = OrientationFactory(
        menage=menage,
        date_orientation=date(2026, 1, 10),
        description="DESCRIPTION-SECRETE",
        motif_statut="MOTIF-STATUT-SECRET",
        contact_prescripteur="Contact Prescripteur Secret",
        dette_locative=Decimal("2971.59"),
        territoire=territoire,
        problematiques=[Problematique.IMPAYES, Problematique.SOUFFRANCE_PSYCHIQUE],
    )
    DetteLocativeFactory(menage=menage, montant=Decimal("4817.63"))
    accompagnement = AccompagnementFactory(
        menage=menage,
        orientation=orientation,
        date_debut=date(2026, 1, 20),
        date_premier_contact=date(2026, 1, 25),
    )
    ObjectifFactory(
        accompagnement=accompagnement, libelle="OBJECTIF-SECRET", indicateur="INDICATEUR-SECRET"
    )
    for _ in range(2):
        InterventionFactory(
            accompagnement=accompagnement,
            note="NOTE-SECRETE",
            autres_participants="Participant Secret",
            duree_minutes=30,
        )
    InterventionFactory(
        accompagnement=accompagnement,
        type=TypeIntervention.ENTRETIEN_TELEPHONIQUE,
        note="NOTE-SECRETE",
        duree_minutes=15,
    )
    BilanFactory(
        accompagnement=accompagnement,
        type=TypeBilan.TROIS_MOIS,
        date_prevue=date(2026, 4, 20),
        date_realisation=date(2026, 4, 27),
        synthese="SYNTHESE-SECRETE",
        dette=Decimal("1947.53"),
    )
    Cloture.objects.create(
        accompagnement=accompagnement,
        date=date(2026, 6, 30),
        motif=MotifCloture.values[0],
        maintien_dans_logement=True,
        expulsion_evitee=False,
        dette=Decimal("8412.74"),
        commentaire="COMMENTAIRE-SECRET",
    )
    point = PointOrdreDuJourFactory(
        seance__comite__dispositif=dispositif, menage=menage, accompagnement=accompagnement
    )
    DecisionFactory(point=point, motifs="MOTIFS-DECISION-SECRETS")
    # Un ménage d'un autre dispositif : jamais dans les extraits de celui-ci.
    ailleurs = MenageFactory(nom="Ailleursnom")
    OrientationFactory(menage=ailleurs)
    AccompagnementFactory(menage=ailleurs)
    evaluateur = MembreFactory(dispositif=dispositif, role=Role.EVALUATEUR).user
    return {"dispositif": dispositif, "menage": menage, "evaluateur": evaluateur}


def url(cle, format="csv", slug="nord"):
    return reverse(f"rapports:extrait_{format}", args=[slug, cle])


def lignes_csv(reponse):
    assert reponse.status_code == 200, reponse.status_code
    return list(csv.DictReader(io.StringIO(reponse.getvalue().decode("utf-8-sig")), delimiter=";"))


def texte_xlsx(reponse):
    classeur = load_workbook(io.BytesIO(reponse.getvalue()), read_only=True)
    return "\n".join(
        ";".join("" if v is None else str(v) for v in ligne)
        for feuille in classeur.worksheets
        for ligne in feuille.iter_rows(values_only=True)
    )


# --- Ce que l'évaluateur reçoit ---------------------------------------------------------------


def test_la_page_liste_les_extraits_et_leur_dictionnaire(client, monde):
    client.force_login(monde["evaluateur"])
    reponse = client.get(reverse("rapports:extraits"))
    assert reponse.status_code == 200
    page = texte(reponse)
    for extrait in EXTRAITS.values():
        assert url(extrait.cle) in page and url(extrait.cle, "xlsx") in page
        for variable in extrait.variables:
            assert variable.nom in page


@pytest.mark.parametrize("cle", list(EXTRAITS))
@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_aucune_donnee_nominative_dans_les_extraits(client, monde, cle, format):
    client.force_login(monde["evaluateur"])
    reponse = client.get(url(cle, format))
    assert reponse.status_code == 200
    contenu = texte_xlsx(reponse) if format == "xlsx" else reponse.getvalue().decode("utf-8-sig")
    assert len(contenu.splitlines()) >= 2, "l'extrait doit avoir au moins une ligne"
    trouves = [secret for secret in SECRETS if secret in contenu]
    assert not trouves, trouves
    assert "Ailleursnom" not in contenu
    assert str(monde["menage"].public_id) not in contenu


def test_les_montants_et_les_annees_sont_en_tranches(client, monde):
    client.force_login(monde["evaluateur"])
    (orientation,) = lignes_csv(client.get(url("orientations")))
    assert orientation["dette_orientation"] == "1\u202f500 à 2\u202f999 €"
    assert orientation["ressources"] == "1\u202f000 à 1\u202f499 €"
    assert orientation["naissances"] == "1980-1989"
    assert orientation["mois_orientation"] == "2026-01"
    assert orientation["problematiques"] == "impayés | souffrance psychique"
    assert orientation["territoire"] == "Lille"
    (episode,) = lignes_csv(client.get(url("episodes")))
    assert episode["dette_entree"] == "1\u202f500 à 2\u202f999 €"
    assert episode["dette_derniere"] == "3\u202f000 à 5\u202f999 €"
    assert episode["delai_premier_contact_jours"] == "15"
    assert episode["interventions"] == "3" and episode["interventions_minutes"] == "75"
    assert episode["decisions_comite"] == "1"
    (bilan,) = lignes_csv(client.get(url("bilans")))
    assert bilan["dette"] == "1\u202f500 à 2\u202f999 €" and bilan["retard_jours"] == "7"
    (issue,) = lignes_csv(client.get(url("issues")))
    assert issue["dette_cloture"] == "6\u202f000 à 9\u202f999 €"
    assert issue["maintien_logement"] == "oui"


def test_les_interventions_sont_des_comptes_et_des_durees_par_type(client, monde):
    client.force_login(monde["evaluateur"])
    lignes = lignes_csv(client.get(url("interventions")))
    par_type = {ligne["type"]: (ligne["nombre"], ligne["minutes"]) for ligne in lignes}
    assert par_type == {"Visite à domicile": ("2", "60"), "Entretien téléphonique": ("1", "15")}
    assert set(lignes[0]) == {v.nom for v in EXTRAITS["interventions"].variables}


def test_le_pseudonyme_est_le_meme_dans_tous_les_extraits_d_un_evaluateur(client, monde):
    client.force_login(monde["evaluateur"])
    pseudonymes = {
        cle: {ligne["menage"] for ligne in lignes_csv(client.get(url(cle)))} for cle in EXTRAITS
    }
    (pseudonyme,) = pseudonymes["orientations"]
    assert all(valeurs == {pseudonyme} for valeurs in pseudonymes.values()), pseudonymes
    # Et d'un téléchargement à l'autre.
    assert lignes_csv(client.get(url("episodes")))[0]["menage"] == pseudonyme


def test_deux_evaluateurs_ne_voient_pas_le_meme_pseudonyme(client, monde):
    autre = MembreFactory(dispositif=monde["dispositif"], role=Role.EVALUATEUR).user
    client.force_login(monde["evaluateur"])
    premier = lignes_csv(client.get(url("episodes")))[0]["menage"]
    client.force_login(autre)
    second = lignes_csv(client.get(url("episodes")))[0]["menage"]
    assert premier != second


def test_chaque_extrait_est_ecrit_au_journal(client, monde):
    client.force_login(monde["evaluateur"])
    client.get(url("episodes", "xlsx"))
    ligne = JournalAudit.objects.get(user=monde["evaluateur"], action=JournalAudit.Action.EXPORT)
    assert ligne.dispositif == monde["dispositif"]
    assert "extrait pseudonymisé" in ligne.detail and "XLSX" in ligne.detail
    assert ligne.roles == Role.EVALUATEUR.value


def test_un_extrait_inconnu_est_introuvable(client, monde):
    client.force_login(monde["evaluateur"])
    assert client.get(url("notes")).status_code == 404


# --- Les refus ----------------------------------------------------------------------------------

AUTRES_ROLES = [role for role in Role if role != Role.EVALUATEUR]


@pytest.mark.parametrize("role", AUTRES_ROLES)
def test_les_autres_roles_n_ont_ni_la_page_ni_les_extraits(client, monde, role):
    client.force_login(MembreFactory(dispositif=monde["dispositif"], role=role).user)
    assert client.get(reverse("rapports:extraits")).status_code == 403
    for cle in EXTRAITS:
        assert client.get(url(cle)).status_code == 404
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


def test_l_evaluateur_d_un_autre_dispositif_n_a_pas_ces_extraits(client, monde):
    client.force_login(MembreFactory(role=Role.EVALUATEUR).user)
    assert client.get(reverse("rapports:extraits")).status_code == 200
    assert client.get(url("orientations")).status_code == 404


def test_une_adhesion_d_evaluateur_a_confirmer_n_ouvre_rien(client, monde):
    membre = MembreFactory(dispositif=monde["dispositif"], role=Role.EVALUATEUR, a_confirmer=True)
    client.force_login(membre.user)
    assert client.get(reverse("rapports:extraits")).status_code == 403
    assert client.get(url("orientations")).status_code == 404


def test_ni_le_financeur_ni_l_administration_n_ont_les_extraits(client, monde):
    for user in (HabilitationNationaleFactory().user, UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(reverse("rapports:extraits")).status_code == 403
        assert client.get(url("orientations")).status_code == 404


def test_l_evaluateur_ne_voit_aucune_ligne_nominative(client, monde):
    """Aucune page nominative : la file active, le ménage, l'accompagnement, l'orientation."""
    client.force_login(monde["evaluateur"])
    menage = monde["menage"]
    accompagnement = menage.accompagnements.get()
    orientation = menage.orientations.get()
    refusees = [
        reverse("ecrans:file_active"),
        reverse("ecrans:export_csv"),
        reverse("ecrans:menage", args=[menage.public_id]),
        reverse("accompagnement:detail", args=[accompagnement.public_id]),
        reverse("accompagnement:fiche_suivi", args=[accompagnement.public_id]),
        reverse("menages:fiche_orientation", args=[orientation.public_id]),
        reverse("menages:mes_orientations"),
        reverse("comites:accueil"),
        reverse("rapports:national"),
    ]
    for adresse in refusees:
        reponse = client.get(adresse)
        assert reponse.status_code in (403, 404) or "Zorglub" not in texte(reponse), adresse
    for adresse in refusees[:6]:
        assert client.get(adresse).status_code in (403, 404), adresse


def test_l_evaluateur_a_le_tableau_de_bord_et_les_rapports(client, monde):
    client.force_login(monde["evaluateur"])
    reponse = client.get(reverse("rapports:tableau_de_bord", args=["nord"]))
    assert reponse.status_code == 200 and "Zorglub" not in texte(reponse)
    assert client.get(reverse("rapports:liste")).status_code == 200
    accueil = texte(client.get(reverse("ecrans:accueil")))
    assert "Extraits pour l'évaluation" in accueil


# --- Lus en flux : mêmes lignes qu'avant, journal, requêtes ------------------------------------


def peupler_programme(dispositif, nombre, *, decalage=0):
    """`nombre` ménages variés : épisode clos puis rouvert (un sur deux), épisode sans
    intervention, objectifs de chaque statut, bilans faits ou non, dettes, plans actifs ou non,
    décisions de comité, interventions de plusieurs types, professions et semestres."""
    territoire = TerritoireFactory(dispositif=dispositif, nom=f"Territoire {decalage}")
    statuts = list(StatutObjectif)
    professions = [Profession.TRAVAILLEUR_SOCIAL, Profession.INFIRMIER, Profession.PSYCHOLOGUE]
    types = [
        TypeIntervention.VISITE_DOMICILE,
        TypeIntervention.ENTRETIEN_TELEPHONIQUE,
        TypeIntervention.COURRIER_SMS,
    ]
    for n in range(decalage, decalage + nombre):
        menage = MenageFactory(dispositif=dispositif, nb_adultes=1 + n % 2, nb_enfants=n % 3)
        Personne.objects.create(
            menage=menage,
            prenom="P",
            nom="N",
            annee_naissance=1950 + 7 * n,
            lien=LienPersonne.values[0],
        )
        if n % 3:
            RessourceFactory(menage=menage, montant_mensuel=Decimal(400 + 350 * n))
        if n % 4 != 3:
            LogementFactory(menage=menage, territoire=territoire if n % 2 else None)
        orientation = OrientationFactory(
            menage=menage,
            date_orientation=date(2025, 1 + n % 12, 3),
            dette_locative=Decimal(900 * n),
            problematiques=[Problematique.IMPAYES] if n % 2 else [],
        )
        for jour, montant in ((1, 700 * n), (20, 300 + 1100 * n), (20, 50 * n)):
            DetteLocativeFactory(menage=menage, date=date(2026, 2, jour), montant=montant)
        if n % 3 == 0:
            PlanApurement.objects.create(
                menage=menage,
                date_debut=date(2026, 1, 1),
                montant_mensuel=Decimal(50),
                actif=bool(n % 2),
            )
        episodes = []
        if n % 2:
            premier = AccompagnementFactory(
                menage=menage,
                orientation=orientation,
                date_debut=date(2025, 3, 1),
                date_fin=date(2025, 9, 30),
                statut=StatutAccompagnement.CLOS,
            )
            Cloture.objects.create(
                accompagnement=premier,
                date=date(2025, 9, 30),
                motif=MotifCloture.values[n % len(MotifCloture.values)],
                maintien_dans_logement=bool(n % 3),
                expulsion_evitee=n % 5 == 1,
                dette=Decimal(120 * n),
            )
            episodes.append(premier)
        episodes.append(
            AccompagnementFactory(
                menage=menage,
                orientation=orientation,
                date_debut=date(2025, 11, 1 + n % 20),
                date_premier_contact=date(2025, 11, 25) if n % 2 else None,
            )
        )
        for rang, episode in enumerate(episodes):
            if n % 5 == 4 and rang == len(episodes) - 1:
                continue  # un épisode sans objectif, bilan ni intervention
            for k in range(n % 4 + 1):
                ObjectifFactory(accompagnement=episode, statut=statuts[(n + k) % len(statuts)])
            BilanFactory(
                accompagnement=episode,
                type=TypeBilan.TROIS_MOIS,
                date_prevue=date(2025, 12, 1 + n % 20),
                date_realisation=date(2026, 1, 2) if n % 2 else None,
            )
            for k in range(2 * (n % 3) + 1):
                InterventionFactory(
                    accompagnement=episode,
                    date_heure=a_paris(2025 + k % 2, 1 + (5 * k + n) % 12, 1 + k, 9),
                    type=types[(n + k) % len(types)],
                    profession_auteur=professions[k % len(professions)],
                    duree_minutes=0 if k == 3 else 10 + 5 * k,
                )
        if n % 2:
            point = PointOrdreDuJourFactory(
                seance__comite__dispositif=dispositif, menage=menage, accompagnement=episodes[-1]
            )
            DecisionFactory(point=point)
    # Un ménage provisoire : jamais dans un extrait.
    provisoire = MenageFactory(dispositif=dispositif, provisoire=True, doublon_possible_de=menage)
    OrientationFactory(menage=provisoire)
    AccompagnementFactory(menage=provisoire)


def a_paris(annee, mois, jour, heure):
    return timezone.make_aware(datetime(annee, mois, jour, heure))


@pytest.fixture
def programme():
    dispositif = DispositifFactory(slug="programme")
    peupler_programme(dispositif, 12)
    peupler_programme(DispositifFactory(), 3, decalage=50)
    evaluateur = MembreFactory(dispositif=dispositif, role=Role.EVALUATEUR).user
    return dispositif, evaluateur


@pytest.mark.parametrize("cle", list(EXTRAITS))
def test_les_lignes_lues_par_lots_sont_celles_d_avant(programme, cle):
    """La réécriture (une requête lue par lots, comptes en sous-requêtes) rend exactement les
    lignes de l'ancien calcul (listes entières, comptes assemblés en Python)."""
    dispositif, evaluateur = programme
    jour = date(2026, 6, 15)

    nombre, flux = extraire(EXTRAITS[cle], evaluateur, dispositif, aujourd_hui=jour)
    nouvelles = list(flux)

    anciennes = extraits_avant.lignes(EXTRAITS[cle], evaluateur, dispositif, aujourd_hui=jour)
    assert nouvelles == anciennes
    assert nombre == len(anciennes) >= 6


def test_un_extrait_sans_intervention_compte_zero_ligne():
    dispositif = DispositifFactory(slug="programme")
    evaluateur = MembreFactory(dispositif=dispositif, role=Role.EVALUATEUR).user
    peupler_programme(DispositifFactory(), 3, decalage=50)  # celles d'un autre dispositif

    nombre, flux = extraire(EXTRAITS["interventions"], evaluateur, dispositif)

    assert (nombre, list(flux)) == (0, [])


@pytest.mark.parametrize("cle", list(EXTRAITS))
def test_un_lot_plus_petit_ne_change_pas_les_lignes(programme, cle, monkeypatch):
    dispositif, evaluateur = programme
    jour = date(2026, 6, 15)
    entieres = list(extraire(EXTRAITS[cle], evaluateur, dispositif, aujourd_hui=jour)[1])
    monkeypatch.setattr("rapports.extraits.LIGNES_PAR_LOT", 3)
    nombre, flux = extraire(EXTRAITS[cle], evaluateur, dispositif, aujourd_hui=jour)
    assert list(flux) == entieres and nombre == len(entieres)


@pytest.mark.parametrize("cle", list(EXTRAITS))
def test_l_extrait_part_en_flux_et_le_journal_a_son_nombre_de_lignes(client, programme, cle):
    dispositif, evaluateur = programme
    client.force_login(evaluateur)

    reponse = client.get(url(cle, slug=dispositif.slug))

    assert reponse.streaming
    # Le journal est écrit avant le premier octet.
    ligne = JournalAudit.objects.get(user=evaluateur, action=JournalAudit.Action.EXPORT)
    contenu = lignes_csv(reponse)
    assert contenu and list(contenu[0]) == EXTRAITS[cle].entetes
    titre = EXTRAITS[cle].titre
    assert ligne.detail == f"extrait pseudonymisé « {titre} » CSV, {len(contenu)} lignes"
    assert ligne.dispositif == dispositif


@pytest.mark.parametrize("cle", list(EXTRAITS))
def test_le_classeur_a_les_memes_lignes_que_le_csv(client, programme, cle):
    dispositif, evaluateur = programme
    client.force_login(evaluateur)

    csv_ = lignes_csv(client.get(url(cle, slug=dispositif.slug)))
    reponse = client.get(url(cle, "xlsx", slug=dispositif.slug))

    assert "spreadsheetml" in reponse["Content-Type"]
    disposition = reponse["Content-Disposition"]
    assert f"evaluation-programme-{cle}-" in disposition and disposition.endswith('.xlsx"')
    feuille = load_workbook(io.BytesIO(reponse.getvalue())).active
    assert feuille.title == EXTRAITS[cle].titre[:31]
    entetes, *rangees = feuille.iter_rows(values_only=True)
    assert list(entetes) == EXTRAITS[cle].entetes
    assert feuille["A1"].font.b and feuille.freeze_panes == "A2"
    # Relues comme le CSV les écrit (`_texte` : vide, nombres négatifs neutralisés…).
    relues = [dict(zip(entetes, map(_texte, rangee), strict=True)) for rangee in rangees]
    assert relues == csv_
    if cle != "orientations":  # le rang de l'épisode reste un nombre dans le tableur
        assert all(isinstance(rangee[1], int) for rangee in rangees)
    ligne = JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).latest("pk")
    assert f"XLSX, {len(csv_)} lignes" in ligne.detail


# Requêtes d'un extrait téléchargé et lu jusqu'au bout : session, utilisateur, adhésions,
# dispositif, le décompte, le journal, puis l'extrait (orientations : la requête et trois par
# lot ; épisodes : quatre comptes groupés et la requête ; les autres : les rangs et la requête).
# Les interventions n'ont pas de décompte à part : leur requête porte le nombre de groupes.
# Le même nombre pour 2 ménages et pour 12.
REQUETES = {"orientations": 10, "episodes": 11, "interventions": 7, "bilans": 8, "issues": 8}


@pytest.mark.parametrize("cle", list(EXTRAITS))
@pytest.mark.parametrize("menages", [2, 12])
def test_le_nombre_de_requetes_ne_suit_pas_la_taille(
    client, cle, menages, django_assert_num_queries
):
    dispositif = DispositifFactory(slug="programme")
    peupler_programme(dispositif, menages, decalage=1)
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.EVALUATEUR).user)

    with django_assert_num_queries(REQUETES[cle]):
        reponse = client.get(url(cle, slug=dispositif.slug))
        contenu = lignes_csv(reponse)

    assert contenu


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.MEMBRE_COPIL, Role.TRAVAILLEUR_SOCIAL])
def test_un_role_sans_le_droit_n_a_aucun_extrait_en_flux(client, programme, role, format):
    dispositif, _ = programme
    client.force_login(MembreFactory(dispositif=dispositif, role=role).user)
    for cle in EXTRAITS:
        assert client.get(url(cle, format, slug=dispositif.slug)).status_code == 404
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()
