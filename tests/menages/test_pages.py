"""Les pages des ménages comme les utilise chaque rôle : fiche d'orientation,
suivi de l'agent bailleur, statut, dette, import, navigation ; et chaque refus."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.enums import Parcours, Role, RolePartenaire
from core.factories import (
    CommuneFactory,
    DispositifFactory,
    MembreFactory,
    OrganisationFactory,
    TerritoireFactory,
    UserFactory,
)
from core.models import JournalAudit, Partenariat
from menages.enums import (
    OrigineDette,
    Problematique,
    Source,
    StadeProcedure,
    StatutOrientation,
)
from menages.factories import (
    MenageFactory,
    OrientationFactory,
)
from menages.models import (
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    ProblematiqueOrientation,
    Ressource,
)
from tests.outils import connecte, lue_avec_son_sql, texte

from .situations import menage_complet

pytestmark = pytest.mark.django_db


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


# --- La fiche d'orientation ------------------------------------------------------------------


def fiche(**valeurs):
    """Une fiche juste, où seules les valeurs données changent."""
    donnees = {
        "date_orientation": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "parcours": Parcours.MAINTIEN,
        "source": Source.RECOUVREMENT,
        "prescripteur": "",
        "contact_prescripteur": "",
        "reference_locataire": "AUR-4521",
        "nom": "Martin",
        "prenom": "Hélène",
        "composition": "monoparentale",
        "nb_adultes": "1",
        "nb_enfants": "2",
        "telephone": "06 12 34 56 78",
        "mesure_protection": "curatelle",
        "ressources_mensuelles": "1000",
        "adresse": "3 rue des Lilas",
        "code_postal": "15000",
        "commune": "Aurillac",
        "territoire": "",
        "typologie": "T3",
        "statut_occupation": "locataire_en_titre",
        "loyer": "420",
        "charges": "80",
        "apl": "250",
        "problematiques": [Problematique.IMPAYES, Problematique.TROUBLES_VOISINAGE],
        "description": "Courriers sans réponse depuis janvier.",
        "dette_locative": "1234,56",
        "stade_procedure": StadeProcedure.ASSIGNATION,
        "lien_rompu": "on",
    }
    donnees.update(valeurs)
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def url_fiche(dispositif):
    return reverse("menages:nouvelle_orientation_dans", args=[dispositif.slug])


def test_l_agent_envoie_une_fiche_et_tout_est_cree(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    dispositif = agent.dispositif

    reponse = client.post(url_fiche(dispositif), fiche())

    menage = Menage.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == url_menage(menage)
    assert menage.dispositif == dispositif
    assert (menage.nom, menage.prenom, menage.reference_locataire) == (
        "Martin",
        "Hélène",
        "AUR-4521",
    )
    assert (menage.nb_adultes, menage.nb_enfants) == (1, 2)
    assert menage.mesure_protection == "curatelle"
    assert menage.cree_par == agent.user
    assert menage.ressources.get().montant_mensuel == Decimal("1000")
    logement = Logement.objects.get(menage=menage)
    assert (logement.adresse, logement.code_postal, logement.commune) == (
        "3 rue des Lilas",
        "15000",
        "Aurillac",
    )
    assert (logement.loyer, logement.charges, logement.apl) == (
        Decimal("420"),
        Decimal("80"),
        Decimal("250"),
    )
    orientation = Orientation.objects.get()
    assert orientation.menage == menage
    assert orientation.statut == StatutOrientation.RECUE
    assert orientation.orientee_par == agent.user
    assert orientation.parcours == Parcours.MAINTIEN
    assert orientation.source == Source.RECOUVREMENT
    assert orientation.dette_locative == Decimal("1234.56")
    assert orientation.stade_procedure == StadeProcedure.ASSIGNATION
    assert orientation.lien_rompu is True
    assert orientation.importee is False
    assert sorted(p.code for p in orientation.problematiques.all()) == [
        Problematique.IMPAYES,
        Problematique.TROUBLES_VOISINAGE,
    ]
    dette = DetteLocative.objects.get()
    assert (dette.menage, dette.montant, dette.origine) == (
        menage,
        Decimal("1234.56"),
        OrigineDette.ORIENTATION,
    )
    assert dette.date == orientation.date_orientation
    assert dette.saisie_par == agent.user

    page = client.get(reponse.url)
    assert "Orientation envoyée à la coordination." in texte(page)
    assert re.search(r'id="taux-effort">25,0\xa0%<', texte(page))


def test_les_montants_s_ecrivent_a_la_francaise(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)

    reponse = client.post(
        url_fiche(agent.dispositif),
        fiche(loyer="1 020,50", charges="80 €", apl="250.00", dette_locative="12\u00a0345,67"),
    )

    assert reponse.status_code == 302
    logement = Logement.objects.get()
    assert (logement.loyer, logement.charges, logement.apl) == (
        Decimal("1020.50"),
        Decimal("80"),
        Decimal("250.00"),
    )
    assert Orientation.objects.get().dette_locative == Decimal("12345.67")


def test_un_montant_negatif_est_refuse(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    reponse = client.post(url_fiche(agent.dispositif), fiche(loyer="-420"))
    assert reponse.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in texte(reponse)
    assert not Orientation.objects.exists()


def test_la_meme_fiche_envoyee_deux_fois_ne_cree_rien_de_plus(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    client.post(url_fiche(agent.dispositif), fiche())

    reponse = client.post(url_fiche(agent.dispositif), fiche(), follow=True)

    assert reponse.status_code == 200
    assert "Cette orientation était déjà enregistrée." in texte(reponse)
    assert Menage.objects.count() == 1
    assert Logement.objects.count() == 1
    assert Ressource.objects.count() == 1
    assert Orientation.objects.count() == 1
    assert ProblematiqueOrientation.objects.count() == 2
    assert DetteLocative.objects.count() == 1


def test_le_coordinateur_oriente_aussi_et_arrive_sur_la_fiche_du_menage(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    reponse = client.post(url_fiche(coordinateur.dispositif), fiche(), follow=True)
    assert reponse.redirect_chain[-1][0] == url_menage(Menage.objects.get())
    assert "Orientation envoyée à la coordination." in texte(reponse)


def test_fiche_fausse_messages_en_francais_et_saisie_conservee(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    demain = (timezone.localdate() + timedelta(days=1)).isoformat()

    reponse = client.post(
        url_fiche(agent.dispositif),
        fiche(
            date_orientation=demain,
            problematiques=None,
            reference_locataire="",
            source=Source.SIAO,
            telephone="04 71 00 00 00",
            dette_locative="1234,56",
        ),
    )

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "La fiche n'est pas envoyée" in contenu
    assert "La date d'orientation ne peut pas être dans le futur." in contenu
    assert "Cochez au moins une problématique." in contenu
    assert "Pour un maintien dans le logement, indiquez la référence du locataire." in contenu
    assert "Indiquez la structure qui oriente, ou au moins la personne à contacter." in contenu
    # Rien de ce qui a été saisi n'est perdu.
    for nom, valeur in [
        ("date_orientation", demain),
        ("nom", "Martin"),
        ("prenom", "Hélène"),
        ("telephone", "04 71 00 00 00"),
        ("nb_adultes", "1"),
        ("nb_enfants", "2"),
        ("ressources_mensuelles", "1000"),
        ("adresse", "3 rue des Lilas"),
        ("code_postal", "15000"),
        ("commune", "Aurillac"),
        ("loyer", "420"),
        ("charges", "80"),
        ("apl", "250"),
        ("dette_locative", "1234,56"),
    ]:
        assert re.search(rf'name="{nom}" value="{re.escape(valeur)}"', contenu), nom
    assert "Courriers sans réponse depuis janvier.</textarea>" in contenu
    for nom, valeur in [
        ("source", Source.SIAO),
        ("composition", "monoparentale"),
        ("mesure_protection", "curatelle"),
        ("typologie", "T3"),
        ("stade_procedure", StadeProcedure.ASSIGNATION),
    ]:
        assert option_choisie(contenu, nom) == valeur, nom
    assert re.search(r'<input type="checkbox" name="lien_rompu"[^>]*checked', contenu)
    assert not Menage.objects.exists()
    assert not Orientation.objects.exists()


def option_choisie(contenu, nom):
    select = re.search(rf'<select name="{nom}".*?</select>', contenu, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def test_fiche_fausse_garde_les_problematiques_cochees(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    demain = (timezone.localdate() + timedelta(days=1)).isoformat()

    contenu = texte(client.post(url_fiche(agent.dispositif), fiche(date_orientation=demain)))

    cochees = re.findall(r'name="problematiques" value="([^"]+)"[^>]*checked', contenu)
    assert sorted(cochees) == [Problematique.IMPAYES, Problematique.TROUBLES_VOISINAGE]


def test_partenaire_avec_la_seule_personne_a_contacter_accepte(client):
    agent = connecte(client, Role.AGENT_BAILLEUR, dispositif__acces=True)
    contact = fiche(
        parcours=Parcours.ACCES,
        reference_locataire="",
        source=Source.SIAO,
        contact_prescripteur="Mme Durand, SIAO",
        problematiques=[Problematique.SORTIE_HEBERGEMENT],
    )

    reponse = client.post(url_fiche(agent.dispositif), contact)

    assert reponse.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.contact_prescripteur == "Mme Durand, SIAO"
    assert orientation.parcours == Parcours.ACCES
    assert orientation.menage.reference_locataire == ""


def test_partenaire_choisi_parmi_les_structures_du_dispositif(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    siao = OrganisationFactory(nom="SIAO du Cantal", type="siao")
    Partenariat.objects.create(
        dispositif=agent.dispositif, organisation=siao, role=RolePartenaire.ORIENTATION
    )
    ailleurs = OrganisationFactory(nom="Association d'ailleurs")

    assert "SIAO du Cantal" in texte(client.get(url_fiche(agent.dispositif)))
    refus = client.post(
        url_fiche(agent.dispositif), fiche(source=Source.ASSOCIATION, prescripteur=ailleurs.pk)
    )
    assert refus.status_code == 200
    assert not Orientation.objects.exists()

    client.post(url_fiche(agent.dispositif), fiche(source=Source.SIAO, prescripteur=siao.pk))

    assert Orientation.objects.get().prescripteur == siao


def test_le_territoire_est_deduit_de_la_commune_laissee_sans_territoire(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    sud = TerritoireFactory(dispositif=agent.dispositif, nom="Sud")
    saint_flour = CommuneFactory(territoire=sud, nom="Saint-Flour", code_postal="15100")
    TerritoireFactory(dispositif=agent.dispositif, nom="Nord")

    client.post(
        url_fiche(agent.dispositif),
        fiche(commune="saint-flour", code_postal="15100", territoire=""),
    )

    logement = Logement.objects.get()
    assert logement.territoire == sud
    assert logement.commune_du_dispositif == saint_flour
    assert logement.commune == "saint-flour"


def test_le_territoire_est_deduit_de_la_commune_ecrite_sans_trait_d_union(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    sud = TerritoireFactory(dispositif=agent.dispositif, nom="Sud")
    CommuneFactory(territoire=sud, nom="Saint-Flour", code_postal="15100")

    client.post(
        url_fiche(agent.dispositif),
        fiche(commune="Saint Flour", code_postal="15100", territoire=""),
    )

    assert Logement.objects.get().territoire == sud


def test_le_territoire_choisi_l_emporte_sur_la_commune(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    sud = TerritoireFactory(dispositif=agent.dispositif, nom="Sud")
    CommuneFactory(territoire=sud, nom="Saint-Flour", code_postal="15100")
    nord = TerritoireFactory(dispositif=agent.dispositif, nom="Nord")

    client.post(
        url_fiche(agent.dispositif),
        fiche(commune="Saint-Flour", code_postal="15100", territoire=nord.pk),
    )

    assert Logement.objects.get().territoire == nord


def test_une_commune_d_un_autre_dispositif_ne_donne_pas_de_territoire(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    CommuneFactory(nom="Aurillac", code_postal="15000")  # dans un autre dispositif

    client.post(url_fiche(agent.dispositif), fiche(commune="Aurillac", territoire=""))

    logement = Logement.objects.get()
    assert logement.territoire is None
    assert logement.commune_du_dispositif is None


def test_un_territoire_d_un_autre_dispositif_est_refuse(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    ailleurs = TerritoireFactory()

    reponse = client.post(url_fiche(agent.dispositif), fiche(territoire=ailleurs.pk))

    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in texte(reponse)
    assert not Orientation.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL, Role.INFIRMIER]
)
def test_les_roles_qui_n_orientent_pas_sont_refuses(client, role):
    membre = connecte(client, role)
    assert client.get(url_fiche(membre.dispositif)).status_code == 403
    assert client.get(reverse("menages:nouvelle_orientation")).status_code == 403
    assert client.post(url_fiche(membre.dispositif), fiche()).status_code == 403
    assert not Orientation.objects.exists()


def test_l_admin_technique_ne_peut_pas_orienter(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("menages:nouvelle_orientation")).status_code == 403


def test_orienter_dans_un_dispositif_dont_on_n_est_pas_membre_est_introuvable(client):
    connecte(client, Role.AGENT_BAILLEUR)
    ailleurs = DispositifFactory()
    assert client.get(url_fiche(ailleurs)).status_code == 404
    assert client.post(url_fiche(ailleurs), fiche()).status_code == 404
    assert not Orientation.objects.exists()


def test_un_seul_dispositif_mene_directement_a_la_fiche(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    MembreFactory(user=agent.user, role=Role.TRAVAILLEUR_SOCIAL)  # n'oriente pas là-bas

    reponse = client.get(reverse("menages:nouvelle_orientation"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Fiche d'orientation" in contenu
    assert agent.dispositif.nom in contenu
    assert "Dans quel dispositif ?" not in contenu


def test_deux_dispositifs_demandent_de_choisir(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    autre = MembreFactory(user=agent.user, role=Role.COORDINATEUR).dispositif
    MembreFactory(user=agent.user, role=Role.TRAVAILLEUR_SOCIAL)  # n'oriente pas là-bas

    reponse = client.get(reverse("menages:nouvelle_orientation"))

    contenu = texte(reponse)
    assert "Dans quel dispositif ?" in contenu
    liens = re.findall(r'href="(/orientations/nouvelle/[^"]+/)"', contenu)
    assert sorted(liens) == sorted([url_fiche(agent.dispositif), url_fiche(autre)])


def test_le_parcours_propose_suit_le_dispositif(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)  # maintien seulement
    contenu = texte(client.get(url_fiche(agent.dispositif)))
    select = re.search(r'<select name="parcours".*?</select>', contenu, re.S).group(0)
    assert 'value="maintien"' in select
    assert 'value="acces"' not in select

    reponse = client.post(
        url_fiche(agent.dispositif), fiche(parcours=Parcours.ACCES, reference_locataire="")
    )
    assert reponse.status_code == 200
    assert not Orientation.objects.exists()


# --- Mes orientations ------------------------------------------------------------------------


def test_l_agent_voit_ses_orientations_et_leur_statut(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    OrientationFactory(
        menage__dispositif=agent.dispositif,
        menage__nom="Martin",
        orientee_par=agent.user,
        statut=StatutOrientation.REFUSEE,
        motif_statut="Hors du périmètre du dispositif.",
    )
    OrientationFactory(
        menage__dispositif=agent.dispositif,
        menage__nom="Petit",
        orientee_par=agent.user,
        statut=StatutOrientation.ADMISE,
    )
    collegue = MembreFactory(dispositif=agent.dispositif, role=Role.AGENT_BAILLEUR)
    OrientationFactory(
        menage__dispositif=agent.dispositif, menage__nom="Durand", orientee_par=collegue.user
    )

    reponse = client.get(reverse("menages:mes_orientations"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Martin" in contenu
    assert "Refusée" in contenu
    assert "Hors du périmètre du dispositif." in contenu
    assert "Petit" in contenu
    assert "Admise" in contenu
    assert "Durand" not in contenu
    assert "Orienter un ménage" in contenu


def test_mes_orientations_vide(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    OrientationFactory(menage__dispositif=agent.dispositif, menage__nom="Durand")
    contenu = texte(client.get(reverse("menages:mes_orientations")))
    assert "Vous n'avez orienté aucun ménage." in contenu
    assert "Durand" not in contenu


@pytest.mark.parametrize("nombre", [2, 20, 55])
def test_mes_orientations_fait_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre
):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    for _ in range(nombre):
        OrientationFactory(menage__dispositif=agent.dispositif, orientee_par=agent.user)
    # session, utilisateur, adhésions, clés de la page, orientations et ménages ; la première
    # page d'une liste de moins de quatre pages se compte par ses clés, sans décompte
    # (`core.listes.page_par_les_cles`), une autre page le lit.
    with django_assert_num_queries(5):
        assert client.get(reverse("menages:mes_orientations")).status_code == 200
    with django_assert_num_queries(6):
        reponse = client.get(reverse("menages:mes_orientations"), {"page": 2, "statut": "recue"})
        assert reponse.status_code == 200


def test_les_listes_d_orientations_ne_lisent_pas_la_description(client):
    """« Mes orientations » et l'accueil de l'agent ne montrent pas la description de la
    situation (un texte chiffré qui parle souvent de santé) : elle n'est ni lue ni déchiffrée."""
    agent = connecte(client, Role.AGENT_BAILLEUR)
    OrientationFactory(
        menage__dispositif=agent.dispositif,
        menage__nom="Martin",
        orientee_par=agent.user,
        description="Hospitalisation récente.",
    )
    for adresse in (reverse("menages:mes_orientations"), "/"):
        contenu, lues = lue_avec_son_sql(client, adresse)
        assert "Martin" in contenu, adresse
        assert "Hospitalisation" not in contenu, adresse
        assert '"menages_orientation"."description"' not in lues, adresse
        assert '"menages_orientation"."date_statut"' in lues, adresse


def _orientations_de_l_agent(agent, nombre, **valeurs):
    debut = date(2026, 1, 1)
    return [
        OrientationFactory(
            menage__dispositif=agent.dispositif,
            menage__nom=f"Menage{rang:03d}",
            orientee_par=agent.user,
            date_orientation=debut + timedelta(days=rang),
            **valeurs,
        )
        for rang in range(nombre)
    ]


def _noms_montres(reponse):
    return re.findall(r"Menage\d{3}", texte(reponse))


def test_mes_orientations_par_pages_les_plus_recentes_d_abord(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    _orientations_de_l_agent(agent, 55)
    url = reverse("menages:mes_orientations")

    premiere = client.get(url)
    assert "55 orientations · page 1 sur 2" in " ".join(texte(premiere).split())
    noms = _noms_montres(premiere)
    assert len(noms) == 50
    assert noms[0] == "Menage054" and noms[-1] == "Menage005"
    assert 'href="?page=2"' in texte(premiere)

    seconde = client.get(url, {"page": 2})
    assert _noms_montres(seconde) == [f"Menage{rang:03d}" for rang in (4, 3, 2, 1, 0)]
    assert 'href="?page=1"' in texte(seconde)
    # Un numéro de page hors des bornes mène à la dernière, un numéro illisible à la première.
    assert _noms_montres(client.get(url, {"page": 99})) == _noms_montres(seconde)
    assert _noms_montres(client.get(url, {"page": "x"})) == noms
    # Les liens d'une page à l'autre gardent les filtres.
    filtree = texte(client.get(url, {"statut": "recue"}))
    assert 'href="?statut=recue&page=2"' in filtree


def test_mes_orientations_se_cherchent_et_se_filtrent(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    orientations = _orientations_de_l_agent(agent, 4)
    orientations[1].menage.reference_locataire = "LOC-7781"
    orientations[1].menage.save()
    orientations[2].statut = StatutOrientation.REFUSEE
    orientations[2].save()
    orientations[3].parcours = Parcours.ACCES
    orientations[3].save()
    url = reverse("menages:mes_orientations")

    assert _noms_montres(client.get(url, {"q": "menage000"})) == ["Menage000"]
    assert _noms_montres(client.get(url, {"q": "7781"})) == ["Menage001"]
    assert _noms_montres(client.get(url, {"statut": "refusee"})) == ["Menage002"]
    assert _noms_montres(client.get(url, {"parcours": "acces"})) == ["Menage003"]
    vide = texte(client.get(url, {"statut": "admise"}))
    assert "Aucune orientation ne correspond à ces critères." in vide
    assert "0 orientation" in vide


def test_mes_orientations_la_recherche_ne_sort_pas_des_siennes(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    collegue = MembreFactory(dispositif=agent.dispositif, role=Role.AGENT_BAILLEUR)
    OrientationFactory(
        menage__dispositif=agent.dispositif, menage__nom="Durand", orientee_par=collegue.user
    )
    OrientationFactory(
        menage__dispositif=agent.dispositif, menage__nom="Dupont", orientee_par=agent.user
    )
    url = reverse("menages:mes_orientations")

    contenu = texte(client.get(url, {"q": "Du"}))
    assert re.search(r">Dupont[^<]*</a>", contenu)
    assert not re.search(r">Durand[^<]*</a>", contenu)
    assert "1 orientation" in contenu
    contenu = texte(client.get(url, {"q": "Durand", "statut": "recue"}))
    assert not re.search(r">Durand[^<]*</a>", contenu)
    assert "Aucune orientation ne correspond à ces critères." in contenu


def test_mes_orientations_une_recherche_trop_longue_est_refusee_et_gardee(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    _orientations_de_l_agent(agent, 2)
    saisie = "x" * 101

    contenu = texte(client.get(reverse("menages:mes_orientations"), {"q": saisie}))

    assert "La recherche compte au plus 100 caractères : raccourcissez-la." in contenu
    assert f'value="{saisie}"' in contenu


# --- Statut d'une orientation ----------------------------------------------------------------


def url_statut(orientation):
    return reverse("menages:changer_statut", args=[orientation.public_id])


def test_le_coordinateur_fait_avancer_l_orientation_jusqu_a_l_admission(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(menage__dispositif=dispositif)

    reponse = client.post(url_statut(orientation), {"statut": "a_examiner"}, follow=True)

    assert reponse.redirect_chain[-1][0] == url_menage(orientation.menage)
    assert "Orientation passée à « À examiner en COTECH »." in texte(reponse)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.A_EXAMINER
    assert orientation.date_statut == timezone.localdate()

    reponse = client.post(url_statut(orientation), {"statut": "admise"}, follow=True)

    assert "Orientation passée à « Admise »." in texte(reponse)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ADMISE
    # Une orientation admise n'a plus de statut à proposer.
    assert url_statut(orientation) not in texte(reponse)


def test_refuser_sans_motif_est_refuse(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(
        menage__dispositif=dispositif, statut=StatutOrientation.A_EXAMINER
    )

    reponse = client.post(
        url_statut(orientation), {"statut": "refusee", "motif": "  "}, follow=True
    )

    assert "Indiquez le motif : « Refusée » doit être expliqué." in texte(reponse)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.A_EXAMINER
    assert orientation.motif_statut == ""


def test_refuser_avec_motif(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(menage__dispositif=dispositif)

    client.post(url_statut(orientation), {"statut": "refusee", "motif": "Hors périmètre."})

    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.motif_statut == "Hors périmètre."


def test_un_passage_impossible_est_refuse(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(menage__dispositif=dispositif, statut=StatutOrientation.ADMISE)

    reponse = client.post(url_statut(orientation), {"statut": "recue"}, follow=True)

    assert "Choisissez un statut proposé." in texte(reponse)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ADMISE


def test_un_statut_inconnu_est_refuse(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(menage__dispositif=dispositif)

    reponse = client.post(url_statut(orientation), {"statut": "expulsee"}, follow=True)

    assert "Choisissez un statut proposé." in texte(reponse)
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.RECUE


def test_changer_le_statut_se_fait_en_post(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    orientation = OrientationFactory(menage__dispositif=dispositif)
    assert client.get(url_statut(orientation)).status_code == 405


def test_l_agent_qui_a_oriente_ne_change_pas_le_statut(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    orientation = OrientationFactory(menage__dispositif=agent.dispositif, orientee_par=agent.user)

    reponse = client.post(url_statut(orientation), {"statut": "a_examiner"})

    assert reponse.status_code == 403
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.RECUE


@pytest.mark.parametrize(
    "role", [Role.AGENT_BAILLEUR, Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL]
)
def test_les_autres_roles_ne_trouvent_pas_l_orientation(client, role):
    membre = connecte(client, role)
    orientation = OrientationFactory(menage__dispositif=membre.dispositif)

    assert client.post(url_statut(orientation), {"statut": "a_examiner"}).status_code == 404
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.RECUE


def test_le_coordinateur_d_un_autre_dispositif_ne_trouve_pas_l_orientation(client):
    connecte(client, Role.COORDINATEUR)
    orientation = OrientationFactory()
    assert client.post(url_statut(orientation), {"statut": "a_examiner"}).status_code == 404
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.RECUE


# --- Relevé de la dette ----------------------------------------------------------------------


def url_dette(menage):
    return reverse("menages:relever_dette", args=[menage.public_id])


def test_le_coordinateur_ajoute_un_releve_de_dette(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    menage = menage_complet(coordinateur.dispositif)
    hier = timezone.localdate() - timedelta(days=1)

    reponse = client.post(
        url_dette(menage),
        {"date": hier.isoformat(), "montant": "1 234,56", "stade_procedure": "assignation"},
        follow=True,
    )

    assert reponse.redirect_chain[-1][0] == url_menage(menage) + "#dette"
    assert "Relevé de dette enregistré." in texte(reponse)
    releve = DetteLocative.objects.get(date=hier)
    assert releve.montant == Decimal("1234.56")
    assert releve.stade_procedure == StadeProcedure.ASSIGNATION
    assert releve.origine == OrigineDette.RELEVE
    assert releve.saisie_par == coordinateur.user
    assert f"{hier:%d/%m/%Y}" in texte(reponse)


def test_une_dette_soldee_se_releve_a_zero(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    client.post(url_dette(menage), {"date": timezone.localdate().isoformat(), "montant": "0"})
    assert DetteLocative.objects.get().montant == 0


@pytest.mark.parametrize(
    ("valeurs", "message"),
    [
        ({"montant": "-10"}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"montant": ""}, "Indiquez le montant de la dette (0 si elle est soldée)."),
        (
            {"date": (date.today() + timedelta(days=2)).isoformat()},
            "La date du relevé ne peut pas être dans le futur.",
        ),
        ({"date": "31/02/2026"}, "Saisissez une date valide."),
    ],
)
def test_un_releve_faux_est_refuse_avec_un_message(client, valeurs, message):
    coordinateur = connecte(client, Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    donnees = {"date": timezone.localdate().isoformat(), "montant": "100", **valeurs}

    reponse = client.post(url_dette(menage), donnees, follow=True)

    assert message in texte(reponse)
    assert not DetteLocative.objects.exists()


def test_l_agent_qui_a_oriente_releve_la_dette(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    menage = menage_complet(agent.dispositif, orientee_par=agent.user)
    client.post(url_dette(menage), {"date": timezone.localdate().isoformat(), "montant": "900"})
    assert menage.dettes.order_by("date", "pk").last().montant == Decimal("900")


@pytest.mark.parametrize(
    "role", [Role.INFIRMIER, Role.PSYCHOLOGUE, Role.MEMBRE_COPIL, Role.AGENT_BAILLEUR]
)
def test_ceux_qui_ne_voient_pas_la_dette_ne_la_relevent_pas(client, role):
    membre = connecte(client, role)
    menage = menage_complet(membre.dispositif)

    reponse = client.post(url_dette(menage), {"date": "2026-06-01", "montant": "10"})

    assert reponse.status_code == 404
    assert DetteLocative.objects.count() == 2


def test_coordinateur_ici_infirmier_la_bas_ne_releve_pas_la_dette_la_bas(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    soins = MembreFactory(user=coordinateur.user, role=Role.INFIRMIER).dispositif
    menage = menage_complet(soins)

    reponse = client.post(url_dette(menage), {"date": "2026-06-01", "montant": "10"})

    assert reponse.status_code == 404
    assert DetteLocative.objects.count() == 2


# --- Import d'un fichier ---------------------------------------------------------------------

COLONNES = [
    "reference_locataire",
    "date_orientation",
    "parcours",
    "nom",
    "adresse",
    "code_postal",
    "commune",
    "problematiques",
    "source",
    "dette_locative",
]


def fichier_csv(*lignes):
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(tampon, fieldnames=COLONNES, delimiter=";", lineterminator="\n")
    ecrivain.writeheader()
    for ligne in lignes:
        ecrivain.writerow(
            {
                "date_orientation": "15/03/2026",
                "parcours": "maintien",
                "adresse": "3 rue des Lilas",
                "code_postal": "15000",
                "commune": "Aurillac",
                "problematiques": "impayés",
                "source": "recouvrement",
                "dette_locative": "",
                **ligne,
            }
        )
    return SimpleUploadedFile("orientations.csv", tampon.getvalue().encode(), "text/csv")


def url_import(dispositif):
    return reverse("menages:importer_dans", args=[dispositif.slug])


def importer(client, dispositif, contenu, django_capture_on_commit_callbacks):
    """Envoie le fichier ; la tâche d'import part à la validation de la transaction (ici sur
    place), puis la page de l'import s'affiche."""
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_import(dispositif), {"fichier": contenu})
    assert reponse.status_code == 302
    return client.get(reponse.url)


def test_le_coordinateur_importe_un_fichier_juste(client, django_capture_on_commit_callbacks):
    coordinateur = connecte(client, Role.COORDINATEUR)
    contenu = fichier_csv(
        {"reference_locataire": "L-1", "nom": "Martin", "dette_locative": "1200"},
        {"reference_locataire": "L-2", "nom": "Durand", "problematiques": "addictions|impayés"},
    )

    reponse = importer(client, coordinateur.dispositif, contenu, django_capture_on_commit_callbacks)

    assert reponse.request["PATH_INFO"].startswith("/orientations/imports/")
    assert (
        "Import terminé. 2 lignes lues : 2 ménages créés, 2 orientations créées, "
        "0 déjà présentes." in texte(reponse)
    )
    assert set(Menage.objects.values_list("nom", flat=True)) == {"Martin", "Durand"}
    assert Menage.objects.filter(dispositif=coordinateur.dispositif).count() == 2
    assert Orientation.objects.filter(importee=True, orientee_par=coordinateur.user).count() == 2
    assert ProblematiqueOrientation.objects.count() == 3
    assert DetteLocative.objects.get().montant == Decimal("1200")
    assert JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).count() == 1


def test_l_import_par_la_page_garde_l_adresse_du_client_derriere_le_proxy(
    client, settings, django_capture_on_commit_callbacks
):
    settings.NOMBRE_DE_PROXYS = 1
    coordinateur = connecte(client, Role.COORDINATEUR)
    contenu = fichier_csv({"reference_locataire": "L-1", "nom": "Martin"})

    # L'import de la page part en tâche une fois la demande enregistrée.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url_import(coordinateur.dispositif),
            {"fichier": contenu},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.66",
        )

    journal = JournalAudit.objects.get(action=JournalAudit.Action.IMPORT)
    assert (journal.user, journal.adresse_ip) == (coordinateur.user, "203.0.113.66")


def test_un_seul_dispositif_mene_directement_a_l_import(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    reponse = client.get(reverse("menages:importer"))
    assert reponse.status_code == 200
    assert "Importer des orientations" in texte(reponse)
    assert coordinateur.dispositif.nom in texte(reponse)


def test_deux_dispositifs_demandent_de_choisir_avant_d_importer(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    autre = MembreFactory(user=coordinateur.user, role=Role.AGENT_BAILLEUR).dispositif
    contenu = texte(client.get(reverse("menages:importer")))
    assert "Dans quel dispositif ?" in contenu
    assert url_import(coordinateur.dispositif) in contenu
    assert url_import(autre) in contenu


def test_un_fichier_faux_montre_les_erreurs_et_ne_cree_rien(
    client, django_capture_on_commit_callbacks
):
    coordinateur = connecte(client, Role.COORDINATEUR)
    contenu = fichier_csv(
        {"reference_locataire": "L-1", "nom": "Martin"},
        {"reference_locataire": "L-2", "nom": "Durand", "code_postal": "150"},
        {"reference_locataire": "L-3", "nom": "", "problematiques": "chômage"},
    )

    reponse = importer(client, coordinateur.dispositif, contenu, django_capture_on_commit_callbacks)

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Import refusé : 3 erreurs, rien n'a été enregistré." in page
    assert '<th scope="col">Ligne</th><th scope="col">Colonne</th>' in page
    lignes = re.findall(
        r"<tr><td>(\d+)</td><td><code>([^<]*)</code></td><td>([^<]*)</td></tr>", page
    )
    assert ("3", "code_postal", "5 chiffres attendus") in lignes
    assert ("4", "nom", "obligatoire") in lignes
    assert any(
        (ligne, colonne) == ("4", "problematiques") and message.startswith("valeur inconnue")
        for ligne, colonne, message in lignes
    )
    assert len(lignes) == 3
    assert not Menage.objects.exists()
    assert not Orientation.objects.exists()
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).exists()


def test_un_fichier_qui_n_est_pas_un_csv_est_refuse_clairement(
    client, django_capture_on_commit_callbacks
):
    coordinateur = connecte(client, Role.COORDINATEUR)
    fichier = SimpleUploadedFile("photo.csv", b"\x00\x01\x02binaire", "text/csv")

    reponse = importer(client, coordinateur.dispositif, fichier, django_capture_on_commit_callbacks)

    assert "encodage non reconnu : enregistrez en CSV UTF-8" in texte(reponse)
    assert not Menage.objects.exists()


def test_importer_sans_fichier(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    reponse = client.post(url_import(coordinateur.dispositif), {"fichier": ""})
    assert reponse.status_code == 200
    assert "Ce champ est obligatoire." in texte(reponse)


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COPIL, Role.MEMBRE_COTECH])
def test_les_roles_qui_n_importent_pas_sont_refuses(client, role):
    membre = connecte(client, role)
    contenu = fichier_csv({"reference_locataire": "L-1", "nom": "Martin"})

    assert client.get(reverse("menages:importer")).status_code == 403
    assert client.get(url_import(membre.dispositif)).status_code == 403
    assert client.post(url_import(membre.dispositif), {"fichier": contenu}).status_code == 403
    assert not Menage.objects.exists()


def test_importer_dans_un_dispositif_dont_on_n_est_pas_membre_est_introuvable(client):
    connecte(client, Role.COORDINATEUR)
    ailleurs = DispositifFactory()
    contenu = fichier_csv({"reference_locataire": "L-1", "nom": "Martin"})
    assert client.post(url_import(ailleurs), {"fichier": contenu}).status_code == 404
    assert not Menage.objects.exists()


# --- Navigation ------------------------------------------------------------------------------


def menu(client):
    contenu = texte(client.get(reverse("ecrans:accueil")))
    barre = re.search(r'<nav class="navbar.*?</nav>', contenu, re.S).group(0)
    return [
        " ".join(lien.split())
        for lien in re.findall(r"data-entree[^>]*>\s*<i[^>]*></i>([^<]+)</a>", barre)
    ]


def test_le_menu_du_coordinateur(client):
    connecte(client, Role.COORDINATEUR)
    entrees = menu(client)
    assert "File active" in entrees
    assert "Orienter un ménage" in entrees
    assert "Importer" in entrees
    assert "Mes orientations" not in entrees


def test_le_menu_de_l_agent_bailleur(client):
    connecte(client, Role.AGENT_BAILLEUR)
    entrees = menu(client)
    assert "Mes orientations" in entrees
    assert "Orienter un ménage" in entrees
    assert "File active" not in entrees


def test_le_menu_du_copil(client):
    connecte(client, Role.MEMBRE_COPIL)
    entrees = menu(client)
    for entree in ("File active", "Orienter un ménage", "Importer", "Mes orientations"):
        assert entree not in entrees


def nom_du_produit(client):
    """Les `<span>` du nom du produit dans le lien d'accueil de la barre."""
    contenu = client.get(reverse("ecrans:accueil")).content.decode()
    lien = re.search(r'<a class="navbar-brand.*?</a>', contenu, re.S).group(0)
    return re.findall(r'<span( class="[^"]*")?>Suivi des situations complexes</span>', lien)


def test_le_nom_du_produit_s_efface_a_cote_d_un_long_menu_et_reste_lu(client):
    # Le menu déplié de la coordination (six entrées) ne laisse pas la place au nom de 1 200 à
    # 1 400 px : il y est lu par les lecteurs d'écran seulement ; partout ailleurs, écrit.
    connecte(client, Role.COORDINATEUR)
    assert nom_du_produit(client) == [
        ' class="d-xl-none d-xxl-inline"',
        ' class="d-none d-xl-inline d-xxl-none visually-hidden"',
    ]


def test_a_cote_d_un_menu_court_le_nom_du_produit_reste_ecrit(client):
    connecte(client, Role.TRAVAILLEUR_SOCIAL)
    assert nom_du_produit(client) == [""]


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH])
def test_le_menu_des_equipes_et_du_cotech(client, role):
    connecte(client, role)
    entrees = menu(client)
    assert "File active" in entrees
    for entree in ("Orienter un ménage", "Importer", "Mes orientations"):
        assert entree not in entrees
