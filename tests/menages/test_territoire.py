"""Le coordinateur territorial (Nord : Lille, Bassin Sud…) voit « tous les ménages » de son
territoire seulement, plus ceux dont il est dans l'équipe ; le territoire d'un ménage est celui
de son logement actuel, ou, sans logement, celui enregistré avec son orientation."""

import html
import re
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as accompagnement
from core.enums import Parcours, Role
from core.factories import CommuneFactory, DispositifFactory, MembreFactory, TerritoireFactory
from menages import services
from menages.enums import Problematique, Source
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from menages.models import DetteLocative, Menage
from menages.services import FicheOrientation

pytestmark = pytest.mark.django_db

FILE_ACTIVE = reverse("ecrans:file_active")


def noms_affiches(reponse):
    contenu = reponse.content.decode()
    return sorted(nom.strip() for nom in re.findall(r'class="fw-semibold">([^<]*)</a>', contenu))


def fiche(**champs):
    return FicheOrientation(
        **{
            "date_orientation": timezone.localdate() - timedelta(days=2),
            "parcours": Parcours.ACCES,
            "source": Source.SIAO,
            "problematiques": [Problematique.SORTIE_HEBERGEMENT],
            "nom": "Sans-Logement",
            **champs,
        }
    )


class Nord:
    """Trois territoires, un coordinateur territorial à Lille, un autre sans territoire, un TS."""

    def __init__(self):
        self.dispositif = DispositifFactory(slug="nord-test", acces=True)
        self.lille = TerritoireFactory(dispositif=self.dispositif, nom="Lille")
        self.sud = TerritoireFactory(dispositif=self.dispositif, nom="Bassin Sud")
        self.coordinateur_lille = MembreFactory(
            dispositif=self.dispositif, role=Role.COORDINATEUR, territoire=self.lille
        ).user
        self.coordinateur = MembreFactory(dispositif=self.dispositif, role=Role.COORDINATEUR).user
        self.ts = MembreFactory(dispositif=self.dispositif, role=Role.TRAVAILLEUR_SOCIAL).user

    def menage(self, nom, territoire=None, dette=None):
        menage = MenageFactory(dispositif=self.dispositif, nom=nom, prenom="")
        OrientationFactory(menage=menage)
        if territoire is not None:
            LogementFactory(menage=menage, territoire=territoire)
        if dette is not None:
            DetteLocativeFactory(menage=menage, montant=dette)
        return menage


@pytest.fixture
def nord():
    return Nord()


def test_le_territoire_du_menage_est_celui_de_son_logement_actuel(nord):
    commune = CommuneFactory(territoire=nord.sud, nom="Cambrai", code_postal="59400")
    resultat = services.orienter_menage(
        nord.coordinateur,
        nord.dispositif,
        fiche(
            nom="Logé",
            reference_locataire="NRD-1",
            parcours=Parcours.MAINTIEN,
            adresse="1 rue Haute",
            code_postal="59400",
            commune="Cambrai",
            commune_du_dispositif=commune,
        ),
    )
    menage = Menage.objects.get(pk=resultat.orientation.menage_id)
    assert menage.territoire == nord.sud
    assert resultat.orientation.territoire == nord.sud


def test_sans_logement_le_menage_prend_le_territoire_de_son_orientation(nord):
    resultat = services.orienter_menage(
        nord.coordinateur, nord.dispositif, fiche(territoire=nord.lille)
    )
    menage = Menage.objects.get(pk=resultat.orientation.menage_id)
    assert not menage.logements.exists()
    assert resultat.orientation.territoire == nord.lille
    assert menage.territoire == nord.lille


def test_le_coordinateur_territorial_voit_son_territoire_et_ses_equipes(client, nord):
    nord.menage("Lillois", nord.lille)
    nord.menage("Sudiste", nord.sud)
    suivi = nord.menage("Suivi-Au-Sud", nord.sud)
    nord.menage("Sans-Territoire")
    services.orienter_menage(nord.coordinateur, nord.dispositif, fiche(territoire=nord.lille))
    # Référent d'un ménage du Bassin Sud : il le voit par son équipe.
    accompagnement.ouvrir_accompagnement(nord.coordinateur, suivi, referent=nord.coordinateur_lille)

    client.force_login(nord.coordinateur_lille)
    assert noms_affiches(client.get(FILE_ACTIVE)) == ["Lillois", "Sans-Logement", "Suivi-Au-Sud"]

    client.force_login(nord.coordinateur)
    assert noms_affiches(client.get(FILE_ACTIVE)) == [
        "Lillois",
        "Sans-Logement",
        "Sans-Territoire",
        "Sudiste",
        "Suivi-Au-Sud",
    ]


def test_un_menage_d_un_autre_territoire_est_introuvable_pour_le_coordinateur_territorial(
    client, nord
):
    sudiste = nord.menage("Sudiste", nord.sud, dette=Decimal("800"))
    client.force_login(nord.coordinateur_lille)
    assert client.get(reverse("ecrans:menage", args=[sudiste.public_id])).status_code == 404
    reponse = client.post(
        reverse("menages:relever_dette", args=[sudiste.public_id]),
        {"date": timezone.localdate().strftime("%d/%m/%Y"), "montant": "1", "stade_procedure": ""},
    )
    assert reponse.status_code == 404
    assert DetteLocative.objects.filter(menage=sudiste).count() == 1
    assert client.get(reverse("accompagnement:ouvrir", args=[sudiste.public_id])).status_code == 404


def test_le_coordinateur_territorial_ecrit_dans_son_territoire(client, nord):
    lillois = nord.menage("Lillois", nord.lille, dette=Decimal("800"))
    client.force_login(nord.coordinateur_lille)
    contenu = html.unescape(
        client.get(reverse("ecrans:menage", args=[lillois.public_id])).content.decode()
    )
    assert "800,00" in contenu
    reponse = client.post(
        reverse("menages:relever_dette", args=[lillois.public_id]),
        {
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "montant": "650",
            "stade_procedure": "",
        },
    )
    assert reponse.status_code == 302
    assert lillois.dettes.filter(montant=Decimal("650")).exists()


def test_le_ts_d_un_secteur_reste_limite_a_ses_equipes(client, nord):
    ts = MembreFactory(
        dispositif=nord.dispositif, role=Role.TRAVAILLEUR_SOCIAL, territoire=nord.lille
    ).user
    nord.menage("Lillois", nord.lille)
    suivi = nord.menage("Suivi", nord.sud)
    accompagnement.ouvrir_accompagnement(nord.coordinateur, suivi, referent=ts)
    client.force_login(ts)
    assert noms_affiches(client.get(FILE_ACTIVE)) == ["Suivi"]


def test_la_migration_remplit_le_territoire_depuis_le_logement_actuel_et_se_defait(nord):
    menage = nord.menage("Lillois", nord.lille)
    Menage.objects.update(territoire=None)
    migration = import_module("menages.migrations.0007_menage_territoire_donnees")

    migration.remplir(apps, None)
    menage.refresh_from_db()
    assert menage.territoire == nord.lille

    migration.vider(apps, None)
    menage.refresh_from_db()
    assert menage.territoire is None


def test_le_coordinateur_territorial_referent_hors_territoire_ecrit_sur_ce_menage(client, nord):
    """Coordinateur et référent : sur ce ménage du Bassin Sud, ses droits d'équipe s'ajoutent."""
    suivi = nord.menage("Suivi-Au-Sud", nord.sud, dette=Decimal("800"))
    autre = nord.menage("Sudiste", nord.sud, dette=Decimal("900"))
    accompagnement.ouvrir_accompagnement(nord.coordinateur, suivi, referent=nord.coordinateur_lille)
    client.force_login(nord.coordinateur_lille)
    for menage, attendu in ((suivi, 302), (autre, 404)):
        reponse = client.post(
            reverse("menages:relever_dette", args=[menage.public_id]),
            {
                "date": timezone.localdate().strftime("%d/%m/%Y"),
                "montant": "5",
                "stade_procedure": "",
            },
        )
        assert reponse.status_code == attendu
    assert suivi.dettes.filter(montant=Decimal("5")).exists()
    assert not autre.dettes.filter(montant=Decimal("5")).exists()
