"""Chaque export nominatif passe par `core.exports` : une ligne `EXPORT` au journal d'audit, avec
ce qui est sorti et pour quel dispositif, jamais les données ; les fiches PDF comme les listes."""

import pytest
from dateutil.relativedelta import relativedelta
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import DecisionBilan, MotifCloture, TypeBilan
from core.enums import Role
from core.exports import exporter
from core.factories import DispositifFactory, MembreFactory
from core.models import JournalAudit
from menages.factories import MenageFactory, OrientationFactory
from tests.accompagnement.situations import equipe_avec_interventions

pytestmark = pytest.mark.django_db


def exports():
    return list(
        JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).values_list(
            "dispositif_id", "objet_id", "detail"
        )
    )


@pytest.fixture
def suivi_clos():
    dispositif = DispositifFactory()
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    menage = MenageFactory(dispositif=dispositif)
    orientation = OrientationFactory(menage=menage)
    accompagnement = services.ouvrir_accompagnement(
        coordinateur,
        menage,
        referent=coordinateur,
        date_debut=timezone.localdate() - relativedelta(months=2),
    )
    bilan = accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    services.realiser_bilan(
        coordinateur,
        bilan,
        date_realisation=timezone.localdate(),
        synthese="Premier point.",
        decision=DecisionBilan.POURSUITE,
    )
    services.cloturer_accompagnement(
        coordinateur,
        accompagnement,
        date=timezone.localdate(),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )
    return coordinateur, orientation, accompagnement, bilan


@pytest.mark.parametrize(
    "url, objet, detail",
    [
        ("menages:fiche_orientation", "orientation", "fiche d'orientation (PDF)"),
        ("accompagnement:fiche_suivi", "accompagnement", "fiche de suivi social (PDF)"),
        ("accompagnement:fiche_bilan", "bilan", "diagnostic (PDF)"),
        ("accompagnement:fiche_cloture", "accompagnement", "fiche de clôture (PDF)"),
    ],
)
def test_chaque_fiche_pdf_editee_est_un_export_journalise(client, suivi_clos, url, objet, detail):
    coordinateur, orientation, accompagnement, bilan = suivi_clos
    objet = {"orientation": orientation, "accompagnement": accompagnement, "bilan": bilan}[objet]
    client.force_login(coordinateur)

    reponse = client.get(reverse(url, args=[objet.public_id]))

    assert reponse.status_code == 200
    assert reponse.content.startswith(b"%PDF")
    assert exports() == [(accompagnement.dispositif_id, str(objet.public_id), detail)]


def test_une_liste_exportee_s_ecrit_une_fois_par_dispositif():
    premier, second = DispositifFactory(), DispositifFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.7")
    request.user = MembreFactory(dispositif=premier, role=Role.COORDINATEUR).user

    reponse = exporter(
        request,
        "csv",
        ["Ménage"],
        [["Zorglub"], ["Vandamme"]],
        nom="liste",
        titre="Liste",
        quoi="liste de test",
        dispositifs=[premier, second],
        precisions="filtres : aucun",
    )

    assert reponse["Content-Disposition"].startswith('attachment; filename="liste-')
    assert sorted(exports()) == sorted(
        (dispositif.pk, "", "liste de test CSV, 2 lignes, filtres : aucun")
        for dispositif in (premier, second)
    )
    assert set(JournalAudit.objects.values_list("adresse_ip", flat=True)) == {"10.0.0.7"}


def test_une_liste_sans_dispositif_s_ecrit_quand_meme():
    request = RequestFactory().get("/")
    request.user = MembreFactory(role=Role.COORDINATEUR).user

    exporter(
        request,
        "xlsx",
        ["Ménage"],
        [],
        nom="liste",
        titre="Liste",
        quoi="liste vide",
        dispositifs=[],
    )

    assert exports() == [(None, "", "liste vide XLSX, 0 lignes")]


@pytest.mark.parametrize("nombre", [2, 8])
def test_la_fiche_de_suivi_fait_le_meme_nombre_de_requetes_quel_que_soit_le_suivi(
    client, django_assert_num_queries, nombre
):
    """Ce que la fiche montre de chaque intervention (auteur, épisode, orientations vers des
    partenaires) se lit avec la liste : aucune requête par intervention."""
    equipe = equipe_avec_interventions(nombre)
    client.force_login(equipe.infirmier)
    # session, utilisateur, adhésions, accompagnement et ses droits, équipe, logement, objectifs,
    # bilans, interventions, leurs orientations vers les partenaires, journal des notes
    # soignants (une écriture pour toutes), journal de l'export, dispositif, ressources
    with django_assert_num_queries(14):
        reponse = client.get(equipe.url("fiche_suivi"))
    assert reponse.status_code == 200
    assert reponse.content.startswith(b"%PDF")
