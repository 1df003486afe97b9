"""La file active et ses exports, comme les voit chaque rôle : filtres, tri, pages, refus ; et ce
qu'y voient les équipes d'accompagnement."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accompagnement.factories import AccompagnementFactory, BilanFactory
from core.enums import Parcours, Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory, UserFactory
from core.models import JournalAudit
from ecrans import selectors
from ecrans.views import PAR_PAGE
from menages.enums import Problematique, StadeProcedure, StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from tests.accompagnement.situations import Equipe, equipe_ouverte
from tests.outils import connecte, noms_affiches, texte

pytestmark = pytest.mark.django_db

URL = reverse("ecrans:file_active")


def oriente(dispositif, nom, prenom="", **orientation):
    """Un ménage du dispositif avec une orientation (reçue, maintien, impayés, sauf mention)."""
    menage = MenageFactory(dispositif=dispositif, nom=nom, prenom=prenom)
    OrientationFactory(menage=menage, **orientation)
    return menage


def resume(reponse):
    """Le compte au-dessus de la liste : « 26 ménages · page 1 sur 2 »."""
    contenu = reponse.content.decode()
    paragraphe = re.search(r'id="nombre-resultats"[^>]*>(.*?)</p>', contenu, re.S).group(1)
    return " ".join(paragraphe.split())


def liste(client, **parametres):
    reponse = client.get(URL, parametres)
    assert reponse.status_code == 200
    return noms_affiches(reponse)


# --- Qui voit quoi --------------------------------------------------------------------------


def test_le_coordinateur_voit_les_menages_de_son_dispositif_et_pas_des_autres(client):
    membre = connecte(client, Role.COORDINATEUR)
    oriente(membre.dispositif, "Martin", "Hélène")
    oriente(membre.dispositif, "Durand", "Paul")
    oriente(DispositifFactory(), "Étranger", "Ailleurs")

    reponse = client.get(URL)

    assert reponse.status_code == 200
    assert noms_affiches(reponse) == ["Durand Paul", "Martin Hélène"]
    assert "Étranger" not in reponse.content.decode()
    assert resume(reponse) == "2 ménages"


def test_le_coordinateur_voit_les_colonnes_dette_et_procedure(client):
    membre = connecte(client, Role.COORDINATEUR)
    menage = oriente(membre.dispositif, "Martin", avec_dette=True)
    DetteLocativeFactory(menage=menage, montant=Decimal("2450.00"))

    contenu = client.get(URL).content.decode()

    assert "Procédure" in contenu
    assert "Assignation" in contenu
    assert "2\xa0450\xa0€" in contenu


@pytest.mark.parametrize(
    "role",
    [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE, Role.MEMBRE_COTECH],
)
def test_equipes_et_cotech_ne_voient_encore_aucun_menage(client, role):
    """L'équipe et l'ordre du jour arrivent avec leurs modèles : d'ici là, rien n'est ouvert."""
    membre = connecte(client, role)
    oriente(membre.dispositif, "Martin", avec_dette=True)

    reponse = client.get(URL)

    assert reponse.status_code == 200
    assert noms_affiches(reponse) == []
    assert "Martin" not in reponse.content.decode()
    assert "Aucun ménage ne correspond" in reponse.content.decode()


def test_l_agent_bailleur_ne_voit_pas_la_file_active_meme_ses_orientations(client):
    membre = connecte(client, Role.AGENT_BAILLEUR)
    oriente(membre.dispositif, "Martin", orientee_par=membre.user)
    oriente(membre.dispositif, "Durand")

    reponse = client.get(URL)

    assert reponse.status_code == 200
    assert noms_affiches(reponse) == []
    assert "Martin" not in reponse.content.decode()
    assert "Durand" not in reponse.content.decode()


def test_le_membre_du_copil_est_refuse(client):
    membre = connecte(client, Role.MEMBRE_COPIL)
    oriente(membre.dispositif, "Martin")
    assert client.get(URL).status_code == 403


def test_l_admin_technique_est_refuse(client):
    oriente(DispositifFactory(), "Martin")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(URL).status_code == 403


def test_la_file_active_demande_une_connexion(client):
    reponse = client.get(URL)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))


def test_coordinateur_ici_infirmier_la_bas_ne_voit_que_son_dispositif_de_coordination(client):
    membre = connecte(client, Role.COORDINATEUR)
    soins = MembreFactory(user=membre.user, role=Role.INFIRMIER).dispositif
    oriente(membre.dispositif, "Martin", avec_dette=True)
    oriente(soins, "Durand", avec_dette=True)

    contenu = client.get(URL).content.decode()
    assert noms_affiches(client.get(URL)) == ["Martin"]
    assert "Durand" not in contenu
    assert "Assignation" in contenu


def test_coordinateur_de_deux_dispositifs_filtre_par_dispositif(client):
    membre = connecte(client, Role.COORDINATEUR)
    autre = MembreFactory(user=membre.user, role=Role.COORDINATEUR).dispositif
    oriente(membre.dispositif, "Martin")
    oriente(autre, "Durand")

    assert liste(client) == ["Durand", "Martin"]
    assert liste(client, dispositif=autre.pk) == ["Durand"]


def test_a_deux_dispositifs_chaque_ligne_dit_le_sien_a_un_seul_aucune(client):
    membre = connecte(client, Role.COORDINATEUR)
    oriente(membre.dispositif, "Martin")
    assert f"· {membre.dispositif.slug}" not in texte(client.get(URL))
    autre = MembreFactory(user=membre.user, role=Role.COORDINATEUR).dispositif
    oriente(autre, "Durand")
    contenu = texte(client.get(URL))
    assert f"· {membre.dispositif.slug}" in contenu
    assert f"· {autre.slug}" in contenu


# --- Filtres ---------------------------------------------------------------------------------


def test_recherche_par_nom_prenom_ou_reference_locataire(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    martin = MenageFactory(dispositif=dispositif, nom="Martin", prenom="Hélène")
    OrientationFactory(menage=martin)
    durand = MenageFactory(
        dispositif=dispositif, nom="Durand", prenom="Paul", reference_locataire="AUR-4521"
    )
    OrientationFactory(menage=durand)

    assert liste(client, q="mart") == ["Martin Hélène"]
    assert liste(client, q="hélène") == ["Martin Hélène"]
    assert liste(client, q="aur-45") == ["Durand Paul"]
    assert liste(client, q="Durand Paul") == ["Durand Paul"]
    assert liste(client, q="personne") == []


def test_une_recherche_trop_longue_est_refusee_avec_un_message_et_sans_erreur(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    OrientationFactory(menage=MenageFactory(dispositif=dispositif, nom="Martin"))
    # SQLite refuse un motif LIKE de plus de 50 000 octets : la recherche est bornée avant.
    for adresse in ("ecrans:file_active", "ecrans:export_csv"):
        reponse = client.get(reverse(adresse), {"q": "x" * 100_000})
        assert reponse.status_code == 200, adresse
    page = texte(client.get(reverse("ecrans:file_active"), {"q": "x" * 101}))
    assert "La recherche compte au plus 100 caractères : raccourcissez-la." in page
    assert liste(client, q="x" * 100) == []


def test_filtre_par_territoire(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    nord = TerritoireFactory(dispositif=dispositif, nom="Nord")
    sud = TerritoireFactory(dispositif=dispositif, nom="Sud")
    LogementFactory(menage=oriente(dispositif, "Martin"), territoire=nord)
    LogementFactory(menage=oriente(dispositif, "Durand"), territoire=sud)
    oriente(dispositif, "Sans-Logement")

    assert liste(client, territoire=nord.pk) == ["Martin"]
    assert liste(client, territoire=sud.pk) == ["Durand"]


def test_la_commune_du_logement_sous_le_territoire_et_rien_sans_logement(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    LogementFactory(
        menage=oriente(dispositif, "Martin"),
        territoire=TerritoireFactory(dispositif=dispositif, nom="Nord"),
        commune="Ytrac",
    )
    oriente(dispositif, "Sans-Logement")

    contenu = client.get(URL).content.decode()

    assert '<div class="small text-muted">Ytrac</div>' in contenu
    assert "None" not in contenu


def test_filtre_par_territoire_d_un_autre_dispositif_ignore(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    ailleurs = TerritoireFactory(nom="Ailleurs")
    LogementFactory(menage=oriente(ailleurs.dispositif, "Étranger"), territoire=ailleurs)
    oriente(dispositif, "Martin")

    reponse = client.get(URL, {"territoire": ailleurs.pk})

    assert reponse.status_code == 200
    assert "Étranger" not in reponse.content.decode()


def test_filtre_par_parcours(client):
    dispositif = connecte(client, Role.COORDINATEUR, dispositif__acces=True).dispositif
    oriente(dispositif, "Martin", parcours=Parcours.MAINTIEN)
    oriente(dispositif, "Durand", parcours=Parcours.ACCES)

    assert liste(client, parcours="maintien") == ["Martin"]
    assert liste(client, parcours="acces") == ["Durand"]


def test_filtre_par_statut_de_la_derniere_orientation(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, "Martin", statut=StatutOrientation.ADMISE)
    oriente(dispositif, "Durand", statut=StatutOrientation.RECUE)
    # Une ancienne orientation refusée ne compte plus : la dernière est admise.
    petit = oriente(dispositif, "Petit", statut=StatutOrientation.ADMISE)
    OrientationFactory(
        menage=petit,
        statut=StatutOrientation.REFUSEE,
        date_orientation=petit.orientations.get().date_orientation - timedelta(days=90),
    )

    assert liste(client, statut="admise") == ["Martin", "Petit"]
    assert liste(client, statut="recue") == ["Durand"]
    assert liste(client, statut="refusee") == []


def test_filtre_par_problematique(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, "Martin", problematiques=[Problematique.ADDICTIONS])
    oriente(
        dispositif,
        "Durand",
        problematiques=[Problematique.IMPAYES, Problematique.TROUBLES_VOISINAGE],
    )

    assert liste(client, problematique="addictions") == ["Martin"]
    assert liste(client, problematique="troubles_voisinage") == ["Durand"]
    assert liste(client, problematique="handicap") == []


def test_filtre_par_procedure(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, "Martin", stade_procedure=StadeProcedure.ASSIGNATION)
    oriente(dispositif, "Durand", stade_procedure=StadeProcedure.COMMANDEMENT_DE_PAYER)
    oriente(dispositif, "Petit")

    assert liste(client, procedure="assignation") == ["Martin"]
    assert liste(client, procedure="commandement_de_payer") == ["Durand"]
    assert liste(client, procedure="aucune") == ["Petit"]


def test_filtre_par_echeance(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    aujourd_hui = timezone.localdate()
    oriente(dispositif, "Recent", date_orientation=aujourd_hui - timedelta(days=5))
    oriente(
        dispositif,
        "Ancien",
        date_orientation=aujourd_hui - timedelta(days=45),
        statut=StatutOrientation.A_EXAMINER,
    )
    oriente(
        dispositif,
        "Attente",
        date_orientation=aujourd_hui - timedelta(days=31),
        statut=StatutOrientation.EN_ATTENTE,
    )
    oriente(
        dispositif,
        "Admis",
        date_orientation=aujourd_hui - timedelta(days=60),
        statut=StatutOrientation.ADMISE,
    )

    assert liste(client, echeance="a_examiner") == ["Ancien", "Attente", "Recent"]
    assert liste(client, echeance="en_retard") == ["Ancien", "Attente"]
    assert liste(client) == ["Admis", "Ancien", "Attente", "Recent"]


def test_filtre_par_referent_des_accompagnements_ouverts(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    dispositif = coordinateur.dispositif
    referente = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    autre = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    suivi = oriente(dispositif, "SUIVI")
    AccompagnementFactory(menage=suivi, referent=referente)
    AccompagnementFactory(menage=oriente(dispositif, "AUTRE"), referent=autre)
    clos = oriente(dispositif, "CLOS")
    AccompagnementFactory(menage=clos, referent=referente, statut="clos")
    assert liste(client, referent=referente.pk) == ["SUIVI"]


def test_filtre_par_bilan_en_retard_ou_a_venir(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    dispositif = coordinateur.dispositif
    aujourd_hui = timezone.localdate()
    en_retard = AccompagnementFactory(menage=oriente(dispositif, "RETARD"))
    BilanFactory(accompagnement=en_retard, date_prevue=aujourd_hui - timedelta(days=3))
    a_venir = AccompagnementFactory(menage=oriente(dispositif, "BIENTOT"))
    BilanFactory(accompagnement=a_venir, date_prevue=aujourd_hui + timedelta(days=10))
    fait = AccompagnementFactory(menage=oriente(dispositif, "FAIT"))
    BilanFactory(
        accompagnement=fait,
        date_prevue=aujourd_hui - timedelta(days=3),
        date_realisation=aujourd_hui - timedelta(days=4),
    )
    lointain = AccompagnementFactory(menage=oriente(dispositif, "LOINTAIN"))
    BilanFactory(accompagnement=lointain, date_prevue=aujourd_hui + timedelta(days=40))
    assert liste(client, echeance="bilan_en_retard") == ["RETARD"]
    assert liste(client, echeance="bilan_a_venir") == ["BIENTOT"]


def test_filtres_combines(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, "Martin", statut=StatutOrientation.ADMISE, avec_dette=True)
    oriente(dispositif, "Martineau", statut=StatutOrientation.RECUE, avec_dette=True)
    oriente(dispositif, "Durand", statut=StatutOrientation.ADMISE, avec_dette=True)

    assert liste(client, q="martin", statut="admise", procedure="assignation") == ["Martin"]


# --- Tri et pages ----------------------------------------------------------------------------


def test_tri_par_nom_par_date_et_par_dette(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    aujourd_hui = timezone.localdate()
    for nom, jours, dette in [("Bernard", 10, 300), ("Abadie", 40, 5000), ("Colin", 20, 50)]:
        menage = oriente(dispositif, nom, date_orientation=aujourd_hui - timedelta(days=jours))
        DetteLocativeFactory(menage=menage, montant=Decimal(dette))

    assert liste(client) == ["Abadie", "Bernard", "Colin"]
    assert liste(client, tri="nom") == ["Abadie", "Bernard", "Colin"]
    assert liste(client, tri="-nom") == ["Colin", "Bernard", "Abadie"]
    assert liste(client, tri="-date") == ["Bernard", "Colin", "Abadie"]
    assert liste(client, tri="date") == ["Abadie", "Colin", "Bernard"]
    assert liste(client, tri="dette") == ["Colin", "Bernard", "Abadie"]
    assert liste(client, tri="-dette") == ["Abadie", "Bernard", "Colin"]


def test_le_tri_par_dette_suit_le_dernier_releve(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    martin = oriente(dispositif, "Martin")
    DetteLocativeFactory(menage=martin, date=martin.orientations.get().date_orientation)
    DetteLocativeFactory(
        menage=martin,
        montant=Decimal("10"),
        date=martin.orientations.get().date_orientation + timedelta(days=30),
    )
    durand = oriente(dispositif, "Durand")
    DetteLocativeFactory(menage=durand, montant=Decimal("500"))

    assert liste(client, tri="dette") == ["Martin", "Durand"]


def test_vingt_six_menages_font_deux_pages(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    for rang in range(26):
        oriente(dispositif, f"Menage{rang:02d}")

    premiere = client.get(URL)
    seconde = client.get(URL, {"page": 2})

    assert len(noms_affiches(premiere)) == 25
    assert noms_affiches(seconde) == ["Menage25"]
    assert resume(premiere) == "26 ménages · page 1 sur 2"
    assert resume(seconde) == "26 ménages · page 2 sur 2"
    assert 'href="?page=2"' in premiere.content.decode()


def test_la_page_garde_les_filtres(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    for rang in range(26):
        oriente(dispositif, f"Admis{rang:02d}", statut=StatutOrientation.ADMISE)
    oriente(dispositif, "Recu")

    premiere = client.get(URL, {"statut": "admise"})
    assert 'href="?statut=admise&page=2"' in premiere.content.decode()
    assert noms_affiches(client.get(URL, {"statut": "admise", "page": 2})) == ["Admis25"]


def test_une_requete_htmx_ne_rend_que_les_resultats(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, "Martin")
    oriente(dispositif, "Durand")

    reponse = client.get(URL, {"q": "mart"}, headers={"HX-Request": "true"})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "<html" not in contenu
    assert "<form" not in contenu
    assert noms_affiches(reponse) == ["Martin"]
    assert "<html" in client.get(URL).content.decode()


@pytest.mark.parametrize("nombre", [3, 30, 4 * PAR_PAGE + 1])
def test_la_file_active_fait_un_nombre_fixe_de_requetes(client, django_assert_num_queries, nombre):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    territoire = TerritoireFactory(dispositif=dispositif)
    for rang in range(nombre):
        menage = oriente(
            dispositif,
            f"Menage{rang:02d}",
            avec_dette=True,
            problematiques=[Problematique.IMPAYES, Problematique.ADDICTIONS],
        )
        LogementFactory(menage=menage, territoire=territoire)
        DetteLocativeFactory(menage=menage)
    # session, utilisateur, adhésions (l'accès à la file active, le nombre de dispositifs du
    # filtre et ceux où la dette est visible s'y lisent), clés de la page, nombre de ménages,
    # ménages de la page (leur dernière orientation en jointure, leurs problématiques sur la
    # ligne), territoires du filtre, référent·es du filtre. Une file de quatre pages au plus se
    # compte par les clés lues d'avance, sans le nombre de ménages.
    with django_assert_num_queries(8 if nombre > 4 * PAR_PAGE else 7):
        assert client.get(URL, {"tri": "dette"}).status_code == 200


# --- Exports ---------------------------------------------------------------------------------


def lignes_csv(reponse):
    # Le CSV de la file active part en flux : `getvalue()` le lit entier.
    assert reponse.streaming
    contenu = reponse.getvalue()
    assert contenu.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))


def lignes_xlsx(reponse):
    feuille = load_workbook(io.BytesIO(reponse.getvalue())).active
    return [list(ligne) for ligne in feuille.iter_rows(values_only=True)]


def test_export_csv_de_la_liste_filtree(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    martin = oriente(
        dispositif,
        "Martin",
        "Hélène",
        statut=StatutOrientation.ADMISE,
        avec_dette=True,
        problematiques=[Problematique.IMPAYES, Problematique.HYGIENE_INCURIE],
    )
    DetteLocativeFactory(menage=martin, montant=Decimal("2450.00"))
    oriente(dispositif, "Durand", statut=StatutOrientation.RECUE)
    oriente(DispositifFactory(), "Étranger", statut=StatutOrientation.ADMISE)

    reponse = client.get(reverse("ecrans:export_csv"), {"statut": "admise"})

    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/csv")
    assert "attachment" in reponse["Content-Disposition"]
    entetes, *lignes = lignes_csv(reponse)
    assert entetes[2:4] == ["Nom", "Prénom"]
    assert len(lignes) == 1
    ligne = dict(zip(entetes, lignes[0], strict=True))
    assert ligne["Nom"] == "Martin"
    assert ligne["Prénom"] == "Hélène"
    assert ligne["Référence locataire"] == martin.reference_locataire
    assert ligne["Statut de l'orientation"] == "Admise"
    assert ligne["Parcours"] == "Maintien dans le logement"
    assert ligne["Date d'orientation"] == "02/03/2026"
    assert ligne["Problématiques"] == "hygiène / incurie | impayés"
    assert ligne["Procédure d'expulsion"] == "Assignation"
    assert ligne["Dette locative (€)"] == "2450,00"


@pytest.mark.parametrize("tri", [None, "-nom", "-date"])
def test_l_export_suit_l_ordre_de_la_page_homonymes_compris(client, tri):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    aujourd_hui = timezone.localdate()
    for nom, prenom, jours in [
        ("Martin", "Léa", 10),
        ("Abadie", "Jean", 40),
        ("Martin", "Léa", 20),
        ("Colin", "Paul", 10),
    ]:
        oriente(dispositif, nom, prenom, date_orientation=aujourd_hui - timedelta(days=jours))
    parametres = {"tri": tri} if tri else {}

    page = client.get(URL, parametres)
    export = client.get(reverse("ecrans:export_csv"), parametres)

    entetes, *lignes = lignes_csv(export)
    reference = entetes.index("Référence locataire")
    references_de_la_page = re.findall(r"LOC\d{6}", page.content.decode())
    assert len(references_de_la_page) == 4
    assert [ligne[reference] for ligne in lignes] == references_de_la_page


def test_export_xlsx_de_la_liste_filtree(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    martin = oriente(dispositif, "Martin", "Hélène", avec_dette=True)
    DetteLocativeFactory(menage=martin, montant=Decimal("2450.00"))
    oriente(dispositif, "Durand", "Paul")

    reponse = client.get(reverse("ecrans:export_xlsx"), {"q": "martin"})

    assert reponse.status_code == 200
    assert "spreadsheetml" in reponse["Content-Type"]
    entetes, *lignes = lignes_xlsx(reponse)
    assert len(lignes) == 1
    ligne = dict(zip(entetes, lignes[0], strict=True))
    assert (ligne["Nom"], ligne["Prénom"]) == ("Martin", "Hélène")
    assert ligne["Dette locative (€)"] == 2450
    assert ligne["Procédure d'expulsion"] == "Assignation"


@pytest.mark.parametrize("nom_url", ["ecrans:export_csv", "ecrans:export_xlsx"])
def test_chaque_export_est_journalise_sans_nom_de_menage(client, nom_url):
    membre = connecte(client, Role.COORDINATEUR)
    martin = oriente(membre.dispositif, "Martin", "Hélène")
    oriente(membre.dispositif, "Durand", "Paul")

    client.get(reverse(nom_url), {"statut": "recue"})
    client.get(reverse(nom_url), {"q": "Martin"})
    client.get(reverse(nom_url), {"q": martin.reference_locataire})

    journal = JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT)
    assert journal.count() == 3
    for ligne in journal:
        assert ligne.user == membre.user
        assert ligne.dispositif == membre.dispositif
        assert ligne.roles == Role.COORDINATEUR
        for donnee in ("Martin", "Hélène", "Durand", "Paul", martin.reference_locataire):
            assert donnee.casefold() not in ligne.detail.casefold()
    details = sorted(ligne.detail for ligne in journal)
    assert any("statut=recue" in detail for detail in details)
    assert sum("recherche par nom ou référence" in detail for detail in details) == 2


def test_export_d_une_liste_vide_est_journalise(client):
    connecte(client, Role.COORDINATEUR)
    reponse = client.get(reverse("ecrans:export_csv"))
    assert lignes_csv(reponse)[1:] == []
    assert JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).count() == 1


@pytest.mark.parametrize("nom_url", ["ecrans:export_csv", "ecrans:export_xlsx"])
@pytest.mark.parametrize("role", [Role.MEMBRE_COPIL, Role.AGENT_BAILLEUR])
def test_export_refuse_au_copil_et_a_l_agent_bailleur(client, nom_url, role):
    membre = connecte(client, role)
    oriente(membre.dispositif, "Martin", orientee_par=membre.user)

    assert client.get(reverse(nom_url)).status_code == 403
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


def test_export_refuse_a_l_admin_technique(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("ecrans:export_csv")).status_code == 403


def test_export_n_a_pas_de_bouton_pour_l_agent_bailleur(client):
    connecte(client, Role.AGENT_BAILLEUR)
    assert "export-csv" not in client.get(URL).content.decode()


def test_un_nom_qui_ressemble_a_une_formule_est_neutralise(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    oriente(dispositif, '=HYPERLINK("http://x")', "+Jean")

    _, ligne_csv = lignes_csv(client.get(reverse("ecrans:export_csv")))
    _, ligne_xlsx = lignes_xlsx(client.get(reverse("ecrans:export_xlsx")))

    assert ligne_csv[2] == '\'=HYPERLINK("http://x")'
    assert ligne_csv[3] == "'+Jean"
    assert ligne_xlsx[2] == '\'=HYPERLINK("http://x")'
    assert ligne_xlsx[3] == "'+Jean"


# --- Les équipes d'accompagnement ----------------------------------------------------------


def test_le_ts_voit_dans_la_file_active_exactement_les_menages_de_ses_equipes(client):
    equipe = equipe_ouverte(nom="Zorglub")
    autre = Equipe(nom="Voisin", dispositif=equipe.dispositif, reference="AUR-7788")
    autre.ouvrir()
    OrientationFactory(menage=MenageFactory(dispositif=equipe.dispositif, nom="Attente"))
    OrientationFactory(menage=MenageFactory(nom="Lointain"))
    client.force_login(equipe.ts)

    reponse = client.get(reverse("ecrans:file_active"))

    assert reponse.status_code == 200
    assert noms_affiches(reponse) == ["Zorglub Hortense"]
    client.force_login(autre.ts)
    assert noms_affiches(client.get(reverse("ecrans:file_active"))) == ["Voisin Hortense"]


def test_l_infirmier_de_l_equipe_voit_le_menage_sans_dette_ni_procedure(client):
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage, montant=Decimal("2450.00"))
    client.force_login(equipe.infirmier)

    reponse = client.get(reverse("ecrans:file_active"))

    contenu = texte(reponse)
    assert noms_affiches(reponse) == ["Zorglub Hortense"]
    assert "Assignation" not in contenu
    assert "2\xa0450" not in contenu
    fiche = texte(client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])))
    assert "Zorglub Hortense" in fiche
    assert "2\xa0450" not in fiche
    assert "Assignation" not in fiche


def test_le_coordinateur_voit_dette_et_procedure_dans_la_file_active(client):
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage, montant=Decimal("2450.00"))
    client.force_login(equipe.coordinateur)

    contenu = texte(client.get(reverse("ecrans:file_active")))

    assert "Zorglub Hortense" in contenu
    assert "Assignation" in contenu
    assert "2\xa0450\xa0€" in contenu


def test_le_ts_de_l_equipe_voit_dette_et_procedure_dans_la_file_active(client):
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage, montant=Decimal("2450.00"))
    client.force_login(equipe.ts)

    contenu = texte(client.get(reverse("ecrans:file_active")))

    assert "Assignation" in contenu
    assert "2\xa0450\xa0€" in contenu


def test_le_tri_par_dette_n_est_pas_offert_a_qui_ne_voit_la_dette_nulle_part(client):
    """Le tri par dette lit la colonne que porte le ménage : il reste réservé à qui voit la
    dette quelque part, et ne range jamais une dette masquée."""
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage, montant=Decimal("2450.00"))
    client.force_login(equipe.infirmier)

    reponse = client.get(URL, {"tri": "-dette"})

    assert reponse.status_code == 200
    assert 'value="-dette"' not in reponse.content.decode()
    assert "2\xa0450" not in texte(reponse)
    [ligne] = selectors.file_active(equipe.infirmier)
    assert (ligne.voit_dette, ligne.dette) == (False, None)


def referents_proposes(reponse):
    liste_ = re.search(r'<select name="referent".*?</select>', reponse.content.decode(), re.S)
    return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', liste_.group(0))


def test_la_liste_des_referents_est_celle_des_accompagnements_que_la_personne_voit(client):
    equipe = Equipe(nom="Suivi")
    equipe.ouvrir()
    ailleurs = Equipe(nom="Ailleurs", dispositif=equipe.dispositif, reference="AIL-1")
    ailleurs.ouvrir()
    for personne, nom in ((equipe.ts, "Aline Suivi"), (ailleurs.ts, "Basile Ailleurs")):
        personne.first_name, personne.last_name = nom.split()
        personne.save()

    client.force_login(equipe.autre_ts)
    # Une équipe : la référente des seuls ménages qu'elle suit, pas l'annuaire du programme.
    assert referents_proposes(client.get(URL)) == ["Aline Suivi"]
    client.force_login(equipe.coordinateur)
    assert referents_proposes(client.get(URL)) == ["Basile Ailleurs", "Aline Suivi"]
