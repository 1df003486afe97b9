"""Une personne à deux rôles dans un même dispositif voit, sur chaque ligne, exactement l'union de
ce que chacun de ses rôles seul y voit (DESIGN.md §3) : l'infirmière qui siège au COTECH, l'agent
du bailleur membre du COTECH. Dans la file active (affichage, tri, filtre, export), la page du
ménage, la page de l'accompagnement et ses fiches PDF."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accompagnement import services as accompagnement
from accompagnement.factories import ObjectifFactory
from accompagnement.selectors import CHEMINS_ACCOMPAGNEMENT
from comites.factories import ComiteFactory, PointOrdreDuJourFactory, SeanceFactory
from core import permissions
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, OrganisationFactory
from core.permissions import Donnee
from ecrans import exports
from ecrans.selectors import file_active
from menages.enums import StadeProcedure
from menages.factories import DetteLocativeFactory, MenageFactory, OrientationFactory
from menages.models import DetteLocative, PlanApurement
from menages.selectors import CHEMINS_MENAGE
from tests.outils import noms_affiches, texte

pytestmark = pytest.mark.django_db

FILE_ACTIVE = reverse("ecrans:file_active")


def texte_pdf(reponse):
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


def bloc_equipe(reponse):
    """L'équipe telle que la page de l'accompagnement la montre."""
    return re.search(r'<ul[^>]*id="equipe">(.*?)</ul>', texte(reponse), re.S).group(1)


class Programme:
    """Un dispositif, un comité technique, et des ménages qui tiennent chacun à un seul chemin :

    - « Equipe » : accompagné par le TS (référent) et l'infirmière ; jamais inscrit ;
    - « Oriente » : orienté par l'agent du bailleur, accompagné par le TS seul ; jamais inscrit ;
    - « Agenda » et « Agenda2 » : inscrits à une séance récente du comité ;
    - « Aucun » : ni équipe, ni orientation, ni ordre du jour.

    Chacun a sa dette (et la procédure « assignation ») et un objectif au libellé reconnaissable.
    Les personnes à deux rôles ont chacune leurs jumelles à un seul rôle, posées sur les mêmes
    lignes, pour comparer.
    """

    def __init__(self):
        self.dispositif = DispositifFactory()
        self.structure = OrganisationFactory(nom="Association Le Relais")
        self.coordinateur = self.membre(Role.COORDINATEUR)
        self.ts = self.membre(Role.TRAVAILLEUR_SOCIAL, organisation=self.structure)
        # Deux rôles
        self.infirmiere = self.membre(Role.INFIRMIER, Role.MEMBRE_COTECH)
        self.agent = self.membre(Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH)
        # Un rôle chacun, sur les mêmes lignes
        self.infirmiere_seule = self.membre(Role.INFIRMIER)
        self.agent_seul = self.membre(Role.AGENT_BAILLEUR)
        self.cotech_seul = self.membre(Role.MEMBRE_COTECH)
        self.comite = ComiteFactory(
            dispositif=self.dispositif,
            membres=[self.coordinateur, self.infirmiere, self.agent, self.cotech_seul],
        )
        self.seance = SeanceFactory(comite=self.comite, date=timezone.now() - timedelta(days=3))

        self.equipe = self.menage("Equipe", Decimal("1023"), equipe=[self.infirmiere])
        self.accompagnement_equipe = self.equipe.accompagnement
        self.equipe.accompagnement.equipe.create(user=self.infirmiere_seule, profession="infirmier")
        self.oriente = self.menage(
            "Oriente", Decimal("7654"), orientee_par=(self.agent, self.agent_seul)
        )
        self.agenda = self.menage("Agenda", Decimal("512"), inscrit=True)
        self.agenda2 = self.menage("Agenda2", Decimal("1534"), inscrit=True)
        self.aucun = self.menage("Aucun", Decimal("4321"))
        self.menages = [self.equipe, self.oriente, self.agenda, self.agenda2, self.aucun]

    def membre(self, *roles, **kwargs):
        user = MembreFactory(dispositif=self.dispositif, role=roles[0], **kwargs).user
        for role in roles[1:]:
            MembreFactory(user=user, dispositif=self.dispositif, role=role)
        return user

    def menage(self, nom, dette, *, equipe=(), orientee_par=(None,), inscrit=False):
        menage = MenageFactory(dispositif=self.dispositif, nom=nom, prenom="")
        for rang, auteur in enumerate(orientee_par):
            OrientationFactory(
                menage=menage,
                orientee_par=auteur,
                date_orientation=timezone.localdate() - timedelta(days=30 + rang),
                avec_dette=True,
            )
        DetteLocativeFactory(
            menage=menage, montant=dette, stade_procedure=StadeProcedure.ASSIGNATION
        )
        menage.accompagnement = accompagnement.ouvrir_accompagnement(
            self.coordinateur, menage, referent=self.ts, equipe=list(equipe)
        )
        ObjectifFactory(accompagnement=menage.accompagnement, libelle=f"Objectif secret {nom}")
        if inscrit:
            PointOrdreDuJourFactory(seance=self.seance, menage=menage)
        return menage


@pytest.fixture
def programme():
    return Programme()


# --- Sur chaque ligne, l'union exacte -------------------------------------------------------

DONNEES_D_UNE_LIGNE = [
    Donnee.IDENTITE,
    Donnee.ORIENTATION,
    Donnee.DETTE,
    Donnee.PLAN,
    Donnee.PLAN_RESUME,
    Donnee.DECISIONS,
]


def ce_que_voit(user, menage):
    return {
        donnee
        for donnee in DONNEES_D_UNE_LIGNE
        if permissions.peut_voir_ligne(user, donnee, menage, CHEMINS_MENAGE)
    }


@pytest.mark.parametrize(
    ("double", "seuls"),
    [
        ("infirmiere", ("infirmiere_seule", "cotech_seul")),
        ("agent", ("agent_seul", "cotech_seul")),
    ],
)
def test_sur_chaque_ligne_deux_roles_voient_l_union_de_chaque_role_seul(programme, double, seuls):
    for menage in programme.menages:
        union = set().union(*(ce_que_voit(getattr(programme, seul), menage) for seul in seuls))
        assert ce_que_voit(getattr(programme, double), menage) == union, menage.nom


def test_ce_que_chaque_role_ouvre_sur_chaque_ligne(programme):
    """Les lignes de référence : rien n'est ouvert par le rôle seul, tout par un chemin."""
    p = programme
    D = Donnee
    sans_dette = {D.IDENTITE, D.ORIENTATION, D.PLAN, D.PLAN_RESUME, D.DECISIONS}
    tout = set(DONNEES_D_UNE_LIGNE)
    attendu = {
        "infirmiere": {"Equipe": sans_dette, "Agenda": tout, "Agenda2": tout},
        "agent": {
            "Oriente": {D.IDENTITE, D.ORIENTATION, D.DETTE, D.PLAN_RESUME, D.DECISIONS},
            "Agenda": tout,
            "Agenda2": tout,
        },
    }
    for qui, par_menage in attendu.items():
        for menage in p.menages:
            assert ce_que_voit(getattr(p, qui), menage) == par_menage.get(menage.nom, set()), (
                qui,
                menage.nom,
            )


# --- La file active --------------------------------------------------------------------------


def test_l_infirmiere_du_cotech_ne_voit_pas_la_dette_de_son_equipe_dans_la_file_active(
    client, programme
):
    client.force_login(programme.infirmiere)
    reponse = client.get(FILE_ACTIVE)
    contenu = texte(reponse)
    assert sorted(noms_affiches(reponse)) == ["Agenda", "Agenda2", "Equipe"]
    assert "1\xa0023" not in contenu  # la dette de son équipe : masquée
    assert "512" in contenu and "1\xa0534" in contenu  # celle des ménages inscrits : visible


@pytest.mark.parametrize("tri", ["dette", "-dette"])
def test_le_tri_par_dette_ne_classe_pas_une_dette_masquee(client, programme, tri):
    """La dette masquée (1 023 €) trie comme une valeur inconnue : aux extrémités, jamais
    entre les deux dettes visibles (512 € et 1 534 €) où sa valeur la placerait ; la
    coordination, qui la voit, la classe à sa place."""
    client.force_login(programme.infirmiere)
    noms = noms_affiches(client.get(FILE_ACTIVE, {"tri": tri}))
    assert noms.index("Equipe") in (0, len(noms) - 1)
    visibles = [nom for nom in noms if nom != "Equipe"]
    assert visibles == (["Agenda", "Agenda2"] if tri == "dette" else ["Agenda2", "Agenda"])

    client.force_login(programme.coordinateur)
    noms = noms_affiches(client.get(FILE_ACTIVE, {"tri": tri}))
    valeurs = {"Agenda": 512, "Agenda2": 1534, "Aucun": 4321, "Oriente": 7654, "Equipe": 1023}
    connus = [valeurs[nom] for nom in noms]
    assert connus == sorted(connus, reverse=tri.startswith("-"))


def test_le_filtre_par_procedure_ne_retient_que_les_lignes_ou_elle_se_voit(client, programme):
    client.force_login(programme.infirmiere)
    noms = noms_affiches(client.get(FILE_ACTIVE, {"procedure": StadeProcedure.ASSIGNATION}))
    assert sorted(noms) == ["Agenda", "Agenda2"]


def test_l_export_de_l_infirmiere_du_cotech_masque_la_dette_ligne_par_ligne(client, programme):
    client.force_login(programme.infirmiere)
    reponse = client.get(reverse("ecrans:export_csv"))
    contenu = reponse.getvalue().decode("utf-8-sig")
    lignes = list(csv.DictReader(io.StringIO(contenu), delimiter=";"))
    par_nom = {ligne["Nom"]: ligne for ligne in lignes}
    assert set(par_nom) == {"Equipe", "Agenda", "Agenda2"}
    assert par_nom["Equipe"]["Dette locative (€)"] == ""
    assert par_nom["Equipe"]["Procédure d'expulsion"] == ""
    assert par_nom["Agenda"]["Dette locative (€)"] == "512,00"
    assert par_nom["Agenda"]["Procédure d'expulsion"] == "Assignation"


def test_les_orientations_de_l_agent_du_cotech_n_entrent_pas_dans_la_file_active(client, programme):
    client.force_login(programme.agent)
    assert sorted(noms_affiches(client.get(FILE_ACTIVE))) == ["Agenda", "Agenda2"]


PERSONNES = [
    "coordinateur",
    "ts",
    "infirmiere",
    "agent",
    "infirmiere_seule",
    "agent_seul",
    "cotech_seul",
]


@pytest.mark.parametrize("qui", PERSONNES)
def test_la_file_active_ne_montre_des_problematiques_que_la_ou_les_orientations_se_voient(
    programme, qui
):
    """Les problématiques que porte le ménage (celles de toutes ses orientations) ne sortent,
    dans la file active et son export, que sur une ligne où la personne lit les orientations du
    ménage (DESIGN.md §3, « referral, problématiques »)."""
    user = getattr(programme, qui)
    lignes = {ligne[2]: ligne[9] for ligne in exports.lignes_file_active(file_active(user))}
    for menage in programme.menages:
        if menage.nom in lignes:
            assert lignes[menage.nom] == "impayés", (qui, menage.nom)
            assert permissions.peut_voir_ligne(user, Donnee.ORIENTATION, menage, CHEMINS_MENAGE)
    attendues = {
        "coordinateur": 5,
        "ts": 5,
        "infirmiere": 3,  # son équipe et l'ordre du jour
        "agent": 2,  # l'ordre du jour ; ses orientations n'entrent pas dans la file
        "infirmiere_seule": 1,
        "agent_seul": 0,
        "cotech_seul": 2,
    }
    assert len(lignes) == attendues[qui], qui


# --- La page du ménage ----------------------------------------------------------------------


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


def test_la_page_du_menage_suit_la_ligne(client, programme):
    client.force_login(programme.infirmiere)
    equipe = texte(client.get(url_menage(programme.equipe)))
    assert "Dette locative" not in equipe and "1\xa0023" not in equipe
    agenda = texte(client.get(url_menage(programme.agenda)))
    assert "Dette locative" in agenda and "512,00" in agenda
    # Lire la dette d'un ménage inscrit ne donne pas le droit de l'écrire.
    assert reverse("menages:relever_dette", args=[programme.agenda.public_id]) not in agenda
    assert client.get(url_menage(programme.oriente)).status_code == 404
    assert client.get(url_menage(programme.aucun)).status_code == 404


def test_l_agent_du_cotech_lit_le_referent_et_sa_structure_pas_les_professions(client, programme):
    client.force_login(programme.agent)
    contenu = texte(client.get(url_menage(programme.oriente)))
    assert programme.ts.get_full_name() in contenu
    assert "Association Le Relais" in contenu
    assert "Travailleur·se social·e".lower() not in contenu.lower()
    # Sur un ménage inscrit (le plan lui est ouvert par le comité), l'équipe complète.
    contenu = texte(client.get(url_menage(programme.agenda)))
    assert "travailleur·se social·e" in contenu


# --- La page de l'accompagnement et ses fiches -----------------------------------------------


def url_suivi(menage, nom="detail"):
    return reverse(f"accompagnement:{nom}", args=[menage.accompagnement.public_id])


def test_l_agent_du_cotech_lit_le_resume_du_plan_d_un_menage_oriente_hors_ordre_du_jour(
    client, programme
):
    client.force_login(programme.agent)
    reponse = client.get(url_suivi(programme.oriente))
    contenu = texte(reponse)
    assert "Plan d'action (résumé)" in contenu
    assert "Objectif secret Oriente" not in contenu
    equipe = bloc_equipe(reponse)
    assert programme.ts.get_full_name() in equipe and "Association Le Relais" in equipe
    assert "Travailleur·se social·e" not in equipe

    reponse = client.get(url_suivi(programme.agenda))
    assert "Objectif secret Agenda" in texte(reponse)
    assert "Plan d'action (résumé)" not in texte(reponse)
    assert "Travailleur·se social·e" in bloc_equipe(reponse)


def test_l_agent_seul_lit_le_meme_resume_que_l_agent_du_cotech(client, programme):
    client.force_login(programme.agent_seul)
    contenu = texte(client.get(url_suivi(programme.oriente)))
    assert "Plan d'action (résumé)" in contenu
    assert "Objectif secret Oriente" not in contenu
    assert client.get(url_suivi(programme.agenda)).status_code == 404


def test_la_fiche_de_suivi_pdf_de_l_agent_du_cotech_suit_la_ligne(client, programme):
    client.force_login(programme.agent)
    oriente = texte_pdf(client.get(url_suivi(programme.oriente, "fiche_suivi")))
    assert "Plan d'action (résumé)" in oriente
    assert "Objectif secret Oriente" not in oriente
    assert "Infirmier" not in oriente and "Travailleur" not in oriente
    assert programme.ts.get_full_name() in oriente
    assert "7 654,00" in oriente  # ses orientations : la dette
    agenda = texte_pdf(client.get(url_suivi(programme.agenda, "fiche_suivi")))
    assert "Objectif secret Agenda" in agenda
    assert "Travailleur" in agenda


def test_la_fiche_de_suivi_pdf_de_l_infirmiere_du_cotech_suit_la_ligne(client, programme):
    client.force_login(programme.infirmiere)
    equipe = texte_pdf(client.get(url_suivi(programme.equipe, "fiche_suivi")))
    assert "Objectif secret Equipe" in equipe
    assert "Dette locative" not in equipe and "1 023" not in equipe
    agenda = texte_pdf(client.get(url_suivi(programme.agenda, "fiche_suivi")))
    assert "Dette locative" in agenda and "512,00" in agenda


def test_la_page_de_l_accompagnement_de_l_infirmiere_du_cotech(client, programme):
    client.force_login(programme.infirmiere)
    reponse = client.get(url_suivi(programme.equipe))
    contenu = texte(reponse)
    assert "Objectif secret Equipe" in contenu
    assert "Infirmier·ère" in bloc_equipe(reponse)  # l'équipe complète : elle voit le plan
    # Elle note dans son équipe ; pas dans un ménage qu'elle ne voit que par le comité.
    assert "Noter une intervention" in contenu
    contenu = texte(client.get(url_suivi(programme.agenda)))
    assert "Objectif secret Agenda" in contenu
    assert "Noter une intervention" not in contenu
    assert "Ajouter un objectif" not in contenu


# --- Écrire n'est pas lire -------------------------------------------------------------------


def test_le_membre_du_cotech_ne_releve_pas_la_dette_d_un_menage_inscrit(client, programme):
    client.force_login(programme.cotech_seul)
    avant = DetteLocative.objects.count()
    reponse = client.post(
        reverse("menages:relever_dette", args=[programme.agenda.public_id]),
        {"date": timezone.localdate().strftime("%d/%m/%Y"), "montant": "1", "stade_procedure": ""},
    )
    assert reponse.status_code == 403
    assert DetteLocative.objects.count() == avant


def test_le_membre_du_cotech_ne_remplace_pas_le_plan_d_apurement(client, programme):
    client.force_login(programme.agent)  # agent du bailleur, mais pas de ce ménage-ci
    reponse = client.post(
        reverse("menages:plan_apurement", args=[programme.agenda.public_id]),
        {"date_debut": timezone.localdate().strftime("%d/%m/%Y"), "montant_mensuel": "50"},
    )
    assert reponse.status_code == 403
    assert not PlanApurement.objects.exists()


def test_l_agent_du_cotech_releve_la_dette_de_ses_orientations(client, programme):
    client.force_login(programme.agent)
    reponse = client.post(
        reverse("menages:relever_dette", args=[programme.oriente.public_id]),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "montant": "100",
            "stade_procedure": "",
        },
    )
    assert reponse.status_code == 302
    assert programme.oriente.dettes.filter(
        montant=Decimal("100"), saisie_par=programme.agent
    ).exists()


def test_le_cotech_n_ecrit_rien_sur_l_accompagnement_d_un_menage_inscrit(client, programme):
    client.force_login(programme.cotech_seul)
    suivi = programme.agenda.accompagnement
    assert permissions.peut_voir_ligne(
        programme.cotech_seul, Donnee.PLAN, suivi, CHEMINS_ACCOMPAGNEMENT
    )
    for nom in ("objectif", "sans_reponse", "adhesion"):
        reponse = client.post(reverse(f"accompagnement:{nom}", args=[suivi.public_id]), {})
        assert reponse.status_code == 403, nom
    assert client.get(reverse("accompagnement:cloture", args=[suivi.public_id])).status_code == 403
    assert suivi.objectifs.count() == 1
    assert not suivi.interventions.exists()
