"""L'import CSV des logements vacants : tout ou rien, ligne et colonne dans chaque erreur."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from acces.importation import importer_logements
from acces.models import LogementVacant
from core.enums import Role
from core.models import JournalAudit
from menages.importation import ImportRefuse, Plafonds
from tests.outils import membre, texte

from .situations import Parcours_

pytestmark = pytest.mark.django_db

ENTETE = (
    "reference;adresse;code_postal;commune;secteur;typologie;etage;ascenseur;loyer;charges;"
    "apl_estimee;disponible_le\n"
)


def fichier(*lignes):
    return (ENTETE + "".join(ligne + "\n" for ligne in lignes)).encode()


BONNE = "L-1;3 rue du Lac;74600;Seynod;Annecy;T3;2;oui;450,00;90;280;15/01/2026"
AUTRE = "L-2;8 avenue de Genève;74100;Annemasse;Léman;T2;RDC;non;380;60;200;2026-02-01"


@pytest.fixture
def parcours():
    return Parcours_()


def test_un_fichier_juste_est_importe(parcours):
    rapport = importer_logements(fichier(BONNE, AUTRE), parcours.dispositif, parcours.coordinateur)
    assert str(rapport) == "2 lignes lues, 2 logements enregistrés."
    seynod = LogementVacant.objects.get(reference="L-1")
    assert seynod.territoire == parcours.annecy
    assert seynod.commune_du_dispositif == parcours.seynod
    assert seynod.ascenseur and seynod.etage == 2
    assert LogementVacant.objects.get(reference="L-2").etage == 0
    assert JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).count() == 1


def test_une_ligne_fausse_et_rien_n_est_ecrit(parcours):
    fausse = "L-3;1 rue;7460;Seynod;Chamonix;T9;2;peut-être;quatre cents;0;0;32/01/2026"
    with pytest.raises(ImportRefuse) as refus:
        importer_logements(fichier(BONNE, fausse), parcours.dispositif, parcours.coordinateur)
    erreurs = [str(e) for e in refus.value.erreurs]
    assert "ligne 3, colonne code_postal : 5 chiffres attendus" in erreurs
    assert any(
        e.startswith("ligne 3, colonne secteur : valeur inconnue : Chamonix") for e in erreurs
    )
    assert any(e.startswith("ligne 3, colonne typologie") for e in erreurs)
    assert any(e.startswith("ligne 3, colonne ascenseur") for e in erreurs)
    assert "ligne 3, colonne loyer : montant invalide" in erreurs
    assert any(e.startswith("ligne 3, colonne disponible_le : date invalide") for e in erreurs)
    assert not LogementVacant.objects.exists()


def test_colonne_obligatoire_absente(parcours):
    with pytest.raises(ImportRefuse) as refus:
        importer_logements(b"reference;adresse\nX;1 rue\n", parcours.dispositif)
    assert "ligne 1, colonne loyer : colonne obligatoire absente" in [
        str(e) for e in refus.value.erreurs
    ]


def test_reference_en_double_ou_deja_proposee(parcours):
    importer_logements(fichier(BONNE), parcours.dispositif)
    with pytest.raises(ImportRefuse) as refus:
        importer_logements(fichier(AUTRE, BONNE, AUTRE), parcours.dispositif)
    erreurs = [str(e) for e in refus.value.erreurs]
    assert "ligne 3, colonne reference : déjà proposé à ce dispositif" in erreurs
    assert "ligne 4, colonne reference : en double dans le fichier" in erreurs
    assert LogementVacant.objects.count() == 1


def test_disponibilite_trop_lointaine_refusee(parcours):
    with pytest.raises(ImportRefuse) as refus:
        importer_logements(fichier(BONNE.replace("15/01/2026", "01/01/2099")), parcours.dispositif)
    assert "date trop lointaine" in str(refus.value.erreurs[0])


def test_plafond_de_lignes(parcours):
    plafonds = Plafonds(
        taille_octets=10**6, colonnes=40, lignes=1, erreurs_rapportees=100, duree_secondes=30
    )
    with pytest.raises(ImportRefuse, match="1 erreur"):
        importer_logements(fichier(BONNE, AUTRE), parcours.dispositif, plafonds=plafonds)


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL])
def test_hors_gestion_des_logements_on_n_importe_pas(parcours, role):
    with pytest.raises(PermissionDenied):
        importer_logements(fichier(BONNE), parcours.dispositif, membre(parcours.dispositif, role))


def test_la_commande_import_logements(parcours, tmp_path):
    chemin = tmp_path / "logements.csv"
    chemin.write_bytes(fichier(BONNE))
    sortie = StringIO()
    call_command(
        "import_logements", str(chemin), dispositif=parcours.dispositif.slug, stdout=sortie
    )
    assert "1 logement enregistré" in sortie.getvalue()
    chemin.write_bytes(fichier(BONNE))
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command(
            "import_logements", str(chemin), dispositif=parcours.dispositif.slug, stderr=StringIO()
        )


def test_la_page_d_import_montre_les_erreurs_et_garde_rien(client, parcours):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(parcours.agent)
    reponse = client.post(
        reverse("acces:importer", args=[parcours.dispositif.slug]),
        {"fichier": SimpleUploadedFile("l.csv", fichier(BONNE.replace("450,00", "abc")))},
    )
    assert reponse.status_code == 200
    assert "ligne 2, colonne loyer : montant invalide" in texte(reponse)
    assert not LogementVacant.objects.exists()
