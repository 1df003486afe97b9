"""Le droit d'accès (RGPD art. 15) : la coordination produit le dossier PDF de tout ce qui est
détenu sur un ménage, notes comprises, journalisé ; tout autre rôle est refusé."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from acces import services as acces
from acces.enums import ReponseMenage, TypeBail
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory, UserFactory
from core.models import JournalAudit
from tests.outils import texte
from tests.parcours_acces.situations import Parcours_, il_y_a

from .situations import MARQUE, marque, menage_suivi

pytestmark = pytest.mark.django_db


def url_page(menage):
    return reverse("rgpd:droit_d_acces", args=[menage.public_id])


def url_pdf(menage):
    return reverse("rgpd:droit_d_acces_pdf", args=[menage.public_id])


def texte_du_pdf(reponse):
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


@pytest.fixture
def suivi():
    return menage_suivi(DispositifFactory())


def test_la_coordination_trouve_la_page_et_son_bouton(client, suivi):
    client.force_login(suivi.coordinateur)

    reponse = client.get(url_page(suivi.menage))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Droit d'accès du ménage (RGPD, article 15)" in contenu
    assert url_pdf(suivi.menage) in contenu
    assert "sans le lire" in contenu


def test_le_dossier_reprend_tout_ce_qui_est_detenu_notes_comprises(client, suivi):
    # Une édition antérieure (journalisée), qui doit figurer parmi les destinataires.
    client.force_login(suivi.ts)
    orientation = suivi.menage.orientations.get()
    assert (
        client.get(reverse("menages:fiche_orientation", args=[orientation.public_id])).status_code
        == 200
    )
    client.force_login(suivi.coordinateur)

    reponse = client.get(url_pdf(suivi.menage))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"].startswith("no-store")
    contenu = texte_du_pdf(reponse)
    for champ in (
        "nom",
        "prenom",
        "mandataire",
        "enfant",
        "adresse",
        "description",
        "motif",
        "contact",
        "aides",
        "structures",
        "objectif",
        "indicateur",
        "note-equipe",
        "note-soignants",
        "note-personnelle",
        "synthese",
        "cloture",
        "decision",
    ):
        # Sans les blancs : un texte long peut être coupé en fin de ligne.
        assert marque(champ) in "".join(contenu.split()), champ
    assert "Qui a consulté votre dossier" in contenu
    # L'édition de la fiche par la TS, par son rôle, jamais par son nom.
    assert "Travailleur·se social·e Export Orientation" in contenu
    assert suivi.ts.last_name not in contenu.split("Qui a consulté votre dossier")[1]
    assert "conservées 730 jours après le dernier contact" in contenu
    assert "Dernier contact enregistré : 08/03/2024" in contenu


def test_le_dossier_reprend_le_parcours_acces(client):
    parcours = Parcours_()
    coordinateur, menage = parcours.coordinateur, parcours.menage
    parcours.besoins(
        commentaire=marque("besoins"), typologie_min="T2", secteurs_souhaites=[parcours.arve]
    )
    refusee = acces.proposer_logement(
        coordinateur, menage, parcours.vacant(reference="LGT-REFUSE"), il_y_a(90)
    )
    acces.informer_prescripteur(coordinateur, refusee, il_y_a(89))
    acces.enregistrer_reponse(
        coordinateur,
        refusee,
        reponse=ReponseMenage.REFUSEE,
        date_reponse=il_y_a(88),
        motif=marque("refus"),
    )
    _proposition, bail = parcours.jusqu_au_bail(TypeBail.GLISSANT)
    acces.verser_aide_bail_glissant(
        coordinateur, bail, date_versement=il_y_a(10), montant=Decimal("321.50")
    )
    etape = bail.etapes.order_by("date_prevue", "pk").first()
    acces.faire_etape(coordinateur, etape, il_y_a(5))
    acces.ajouter_organisation(
        coordinateur, menage, organisation=parcours.siao, role=marque("autour")
    )
    client.force_login(coordinateur)

    reponse = client.get(url_pdf(menage))

    assert reponse.status_code == 200
    contenu = texte_du_pdf(reponse)
    compact = "".join(contenu.split())
    assert "Accès au logement" in contenu
    # Les besoins exprimés.
    assert marque("besoins") in compact
    assert "Typologie au moins T2" in contenu and "souhaités : Arve" in contenu
    # Les propositions : le refus du ménage et son motif, l'acceptation, le dossier CAL.
    assert "LGT-REFUSE" in contenu and "Refusée" in contenu
    assert marque("refus") in compact
    assert "Acceptée" in contenu
    assert "Pièce d'identité ou titre de séjour : reçue le" in contenu
    # La décision de la CAL et son explication.
    assert "Attribution · CAL du" in contenu
    assert "Logement attribué ; entrée prévue début du mois." in contenu
    # Le bail glissant, l'aide versée, le relais du lien.
    assert f"Bail glissant signé le {il_y_a(30):%d/%m/%Y}" in contenu
    assert parcours.association.nom in contenu
    assert parcours.referent_bailleur.last_name in contenu
    assert "321,50" in contenu
    assert f"{etape.libelle} : prévue le {etape.date_prevue:%d/%m/%Y}, faite le" in contenu
    # Les structures autour du ménage.
    assert marque("autour") in compact


def test_la_production_est_journalisee_comme_un_export_avec_les_notes_soignants(client, suivi):
    client.force_login(suivi.coordinateur)

    client.get(url_pdf(suivi.menage))

    export = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)  # une seule
    assert export.user == suivi.coordinateur
    assert export.menage_public_id == suivi.menage.public_id
    assert "dossier du droit d'accès" in export.detail
    assert "1 soignants" in export.detail
    assert MARQUE not in export.detail
    lectures = JournalAudit.objects.filter(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)
    assert lectures.count() == 1
    assert lectures.get().menage_public_id == suivi.menage.public_id


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.AGENT_BAILLEUR,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_tout_autre_role_est_refuse(client, suivi, role):
    personne = MembreFactory(dispositif=suivi.menage.dispositif, role=role).user
    if role in (Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE):
        suivi.accompagnement.equipe.create(user=personne, profession=role, depuis=date(2024, 1, 8))
    client.force_login(personne)

    for url in (url_page(suivi.menage), url_pdf(suivi.menage)):
        reponse = client.get(url)
        assert reponse.status_code in (403, 404), url
        assert MARQUE not in reponse.content.decode(errors="replace")
    page = texte(client.get(reverse("ecrans:menage", args=[suivi.menage.public_id])))
    assert url_page(suivi.menage) not in page
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


def test_la_coordination_d_un_autre_dispositif_est_refusee(client, suivi):
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)

    assert client.get(url_page(suivi.menage)).status_code == 404
    assert client.get(url_pdf(suivi.menage)).status_code == 404


def test_l_administration_technique_est_refusee(client, suivi):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(url_pdf(suivi.menage)).status_code in (403, 404)


def test_la_coordination_d_un_autre_territoire_est_refusee(client, suivi):
    territoire = TerritoireFactory(dispositif=suivi.menage.dispositif)
    coordination = MembreFactory(
        dispositif=suivi.menage.dispositif, role=Role.COORDINATEUR, territoire=territoire
    )
    client.force_login(coordination.user)

    assert client.get(url_page(suivi.menage)).status_code == 404
    assert client.get(url_pdf(suivi.menage)).status_code == 404
    assert client.get(reverse("rgpd:historique", args=[suivi.menage.public_id])).status_code == 404
