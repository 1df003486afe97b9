"""Une orientation n'ouvre jamais un dossier existant : elle est « à rattacher ».

Une référence locataire déjà connue par l'orientation de quelqu'un d'autre ne donne aucun accès
au ménage connu : l'orientation porte sur un ménage provisoire (ce que la personne a saisi), la
réponse est celle d'une nouvelle référence, et seule la coordination la rattache ou la garde à
part. Par la fiche, par la page d'import et par la commande.
"""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as services_accompagnement
from core.enums import Parcours, Role
from core.factories import MembreFactory, OrganisationFactory, TerritoireFactory
from menages import selectors, services
from menages import views as menages_views
from menages.enums import Problematique, Rattachement, Source, StatutOrientation
from menages.factories import DetteLocativeFactory, MenageFactory, OrientationFactory
from menages.models import Menage, Orientation
from menages.services import FicheOrientation
from tests.outils import texte

pytestmark = pytest.mark.django_db

S = StatutOrientation
HIER = timezone.localdate() - timedelta(days=1)


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


def une_fiche(**valeurs):
    return FicheOrientation(
        **{
            "date_orientation": HIER,
            "parcours": Parcours.MAINTIEN,
            "source": Source.PROXIMITE,
            "problematiques": [Problematique.TROUBLES_VOISINAGE],
            "nom": "Saisi-Par-B",
            "reference_locataire": "REF-1",
            "adresse": "8 rue Neuve",
            "commune": "Aurillac",
            "code_postal": "15000",
            "dette_locative": Decimal("300"),
            **valeurs,
        }
    )


@pytest.fixture
def situation():
    """Un ménage connu, orienté par l'agent A ; l'agent B et la coordination du même dispositif."""
    agent_a = MembreFactory(role=Role.AGENT_BAILLEUR)
    dispositif = agent_a.dispositif
    connu = MenageFactory(
        dispositif=dispositif, reference_locataire="REF-1", nom="Connu", prenom="Secret"
    )
    OrientationFactory(
        menage=connu,
        orientee_par=agent_a.user,
        description="Texte confidentiel de A.",
        date_orientation=HIER - timedelta(days=60),
    )
    DetteLocativeFactory(menage=connu, montant=Decimal("4321"))
    agent_b = MembreFactory(role=Role.AGENT_BAILLEUR, dispositif=dispositif)
    coordinateur = MembreFactory(role=Role.COORDINATEUR, dispositif=dispositif)
    return dispositif, connu, agent_a, agent_b, coordinateur


def orienter_a_rattacher(situation, **valeurs):
    dispositif, _connu, _a, agent_b, _coordinateur = situation
    return services.orienter_menage(agent_b.user, dispositif, une_fiche(**valeurs)).orientation


# --- Le service : à rattacher, jamais sur le ménage connu ------------------------------------


def test_une_reference_connue_d_un_autre_donne_une_orientation_a_rattacher(situation):
    dispositif, connu, _a, agent_b, _c = situation

    resultat = services.orienter_menage(agent_b.user, dispositif, une_fiche())

    orientation = resultat.orientation
    assert (resultat.menage_cree, resultat.orientation_creee) == (True, True)
    assert orientation.statut == S.A_RATTACHER
    provisoire = orientation.menage
    assert provisoire != connu
    assert (provisoire.provisoire, provisoire.doublon_possible_de) == (True, connu)
    assert (provisoire.nom, provisoire.reference_locataire) == ("Saisi-Par-B", "REF-1")
    assert provisoire.dettes.get().montant == Decimal("300")
    connu.refresh_from_db()
    assert connu.nom == "Connu"
    assert connu.orientations.count() == 1
    assert connu.dettes.count() == 1


def test_l_agent_qui_oriente_une_reference_connue_ne_voit_rien_du_menage_connu(situation):
    _d, connu, _a, agent_b, _c = situation

    orientation = orienter_a_rattacher(situation)

    assert list(selectors.menages_visibles(agent_b.user)) == [orientation.menage]
    assert not selectors.peut_voir_dette(agent_b.user, connu)
    assert list(selectors.orientations_visibles(agent_b.user)) == [orientation]
    assert list(selectors.mes_orientations(agent_b.user)) == [orientation]


def test_reorienter_son_propre_menage_reste_idempotent(situation):
    dispositif, connu, agent_a, _b, _c = situation
    fiche = une_fiche(date_orientation=HIER)

    premiere = services.orienter_menage(agent_a.user, dispositif, fiche)
    seconde = services.orienter_menage(agent_a.user, dispositif, fiche)

    assert premiere.orientation.menage == connu
    assert premiere.orientation.statut == S.RECUE
    assert (seconde.orientation_creee, seconde.orientation) == (False, premiere.orientation)
    assert not Menage.objects.provisoires().exists()


def test_reorienter_une_orientation_a_rattacher_ne_cree_rien_de_plus(situation):
    dispositif, _connu, _a, agent_b, _c = situation
    premiere = orienter_a_rattacher(situation)

    seconde = services.orienter_menage(agent_b.user, dispositif, une_fiche())
    plus_tard = services.orienter_menage(
        agent_b.user, dispositif, une_fiche(date_orientation=timezone.localdate())
    )

    assert (seconde.orientation_creee, seconde.orientation) == (False, premiere)
    assert plus_tard.orientation.menage == premiere.menage
    assert plus_tard.orientation.statut == S.A_RATTACHER
    assert Menage.objects.provisoires().count() == 1


def test_un_import_de_la_meme_structure_reconnait_le_menage(situation):
    dispositif, connu, agent_a, agent_b, _c = situation
    structure = OrganisationFactory()
    for membre in (agent_a, agent_b):
        membre.organisation = structure
        membre.save()
    fiche_a = une_fiche(date_orientation=HIER - timedelta(days=60), importee=True)

    deja = services.orienter_menage(agent_b.user, dispositif, fiche_a)
    nouvelle = services.orienter_menage(agent_b.user, dispositif, une_fiche(importee=True))

    assert deja.orientation_creee is False
    assert deja.orientation.orientee_par == agent_a.user
    assert nouvelle.orientation.menage == connu
    assert nouvelle.orientation.statut == S.RECUE


def test_la_fiche_saisie_par_un_collegue_de_la_meme_structure_reste_a_rattacher(situation):
    """Hors import, seule la même personne est reconnue."""
    dispositif, _connu, agent_a, agent_b, _c = situation
    structure = OrganisationFactory()
    for membre in (agent_a, agent_b):
        membre.organisation = structure
        membre.save()

    orientation = services.orienter_menage(agent_b.user, dispositif, une_fiche()).orientation

    assert orientation.statut == S.A_RATTACHER


def test_un_import_d_une_autre_structure_est_a_rattacher(situation):
    dispositif, _connu, agent_a, agent_b, _c = situation
    agent_a.organisation = OrganisationFactory()
    agent_a.save()
    agent_b.organisation = OrganisationFactory()
    agent_b.save()

    orientation = services.orienter_menage(
        agent_b.user, dispositif, une_fiche(importee=True)
    ).orientation

    assert orientation.statut == S.A_RATTACHER


def test_la_coordination_qui_voit_le_menage_y_ajoute_son_orientation(situation):
    dispositif, connu, _a, _b, coordinateur = situation

    orientation = services.orienter_menage(coordinateur.user, dispositif, une_fiche()).orientation

    assert (orientation.menage, orientation.statut) == (connu, S.RECUE)


def test_un_menage_provisoire_n_ouvre_pas_d_accompagnement(situation):
    _d, _connu, _a, _b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)

    with pytest.raises(ValidationError, match="provisoire"):
        services_accompagnement.ouvrir_accompagnement(
            coordinateur.user, orientation.menage, referent=coordinateur.user
        )


def test_une_orientation_a_rattacher_ne_change_pas_de_statut_autrement(situation):
    _d, _connu, _a, _b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)

    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.changer_statut_orientation(coordinateur.user, orientation, S.A_EXAMINER)


# --- Rattacher, garder à part ----------------------------------------------------------------


def test_rattacher_passe_l_orientation_sur_le_menage_connu_et_ouvre_alors_l_acces(situation):
    _d, connu, _a, agent_b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)
    provisoire = orientation.menage
    assert not selectors.menages_visibles(agent_b.user).filter(pk=connu.pk).exists()

    rattachee = services.rattacher_orientation(coordinateur.user, orientation)

    assert rattachee.menage == connu
    assert rattachee.statut == S.RECUE
    assert rattachee.date_statut == timezone.localdate()
    assert rattachee.rattachement == Rattachement.RATTACHEE
    assert rattachee.rattachement_par == coordinateur.user
    assert rattachee.rattachement_le is not None
    assert not Menage.objects.filter(pk=provisoire.pk).exists()
    assert sorted(connu.dettes.values_list("montant", flat=True)) == [
        Decimal("300"),
        Decimal("4321"),
    ]
    connu.refresh_from_db()
    assert connu.nom == "Connu"
    assert list(selectors.menages_visibles(agent_b.user)) == [connu]


def test_deux_agents_le_meme_jour_se_rattachent_au_meme_menage(situation):
    dispositif, connu, agent_a, _b, coordinateur = situation
    services.orienter_menage(agent_a.user, dispositif, une_fiche())
    orientation = orienter_a_rattacher(situation)

    services.rattacher_orientation(coordinateur.user, orientation)

    assert connu.orientations.filter(date_orientation=HIER).count() == 2


def test_garder_a_part_fait_un_menage_a_part_entiere(situation):
    _d, connu, _a, agent_b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)

    gardee = services.garder_a_part(coordinateur.user, orientation)

    menage = gardee.menage
    menage.refresh_from_db()
    assert menage.provisoire is False
    assert menage.reference_locataire == connu.reference_locataire
    assert (gardee.statut, gardee.rattachement) == (S.RECUE, Rattachement.GARDEE_A_PART)
    assert gardee.rattachement_par == coordinateur.user
    assert list(selectors.menages_visibles(agent_b.user)) == [menage]
    # un nouvel envoi de B reconnaît son ménage gardé à part
    suite = services.orienter_menage(
        agent_b.user, connu.dispositif, une_fiche(date_orientation=timezone.localdate())
    )
    assert (suite.orientation.menage, suite.orientation.statut) == (menage, S.RECUE)


def coordination_du_territoire(dispositif, nom="Bassin Sud"):
    territoire = TerritoireFactory(dispositif=dispositif, nom=nom)
    coordinateur = MembreFactory(
        role=Role.COORDINATEUR, dispositif=dispositif, territoire=territoire
    ).user
    return territoire, coordinateur


def test_rattacher_recalcule_le_territoire_du_menage_connu(situation):
    """Le ménage connu, sans logement, prend le territoire de l'orientation rattachée (la plus
    récente qui en nomme un) : la coordination de ce territoire le voit alors."""
    dispositif, connu, _a, _b, coordinateur = situation
    territoire, coordination_territoriale = coordination_du_territoire(dispositif)
    orientation = orienter_a_rattacher(situation, territoire=territoire, adresse="", commune="")
    connu.refresh_from_db()
    assert connu.territoire is None
    assert not selectors.menages_visibles(coordination_territoriale).filter(pk=connu.pk).exists()

    services.rattacher_orientation(coordinateur.user, orientation)

    connu.refresh_from_db()
    assert connu.territoire == territoire
    assert selectors.menages_visibles(coordination_territoriale).filter(pk=connu.pk).exists()


def test_garder_a_part_recalcule_le_territoire_du_menage(situation):
    """Un ménage provisoire dont le territoire n'était pas encore calculé (saisi avant que le
    territoire ne décide de ce que voit sa coordination) le prend en devenant un ménage à part
    entière."""
    dispositif, _connu, _a, _b, coordinateur = situation
    territoire, coordination_territoriale = coordination_du_territoire(dispositif)
    orientation = orienter_a_rattacher(situation, territoire=territoire, adresse="", commune="")
    Menage.objects.filter(pk=orientation.menage_id).update(territoire=None)
    orientation = Orientation.objects.get(pk=orientation.pk)

    gardee = services.garder_a_part(coordinateur.user, orientation)

    gardee.menage.refresh_from_db()
    assert gardee.menage.territoire == territoire
    assert list(selectors.menages_visibles(coordination_territoriale)) == [gardee.menage]


@pytest.mark.parametrize("geste", [services.rattacher_orientation, services.garder_a_part])
def test_une_orientation_deja_traitee_est_refusee(situation, geste):
    _d, _connu, _a, _b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)
    services.garder_a_part(coordinateur.user, orientation)
    orientation.refresh_from_db()

    with pytest.raises(ValidationError, match="déjà été traitée"):
        geste(coordinateur.user, orientation)


@pytest.mark.parametrize("geste", [services.rattacher_orientation, services.garder_a_part])
@pytest.mark.parametrize(
    "role",
    [
        Role.AGENT_BAILLEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_seule_la_coordination_rattache_ou_garde_a_part(situation, geste, role):
    dispositif = situation[0]
    orientation = orienter_a_rattacher(situation)
    autre = MembreFactory(role=role, dispositif=dispositif)

    with pytest.raises(PermissionDenied):
        geste(autre.user, orientation)

    orientation.refresh_from_db()
    assert (orientation.statut, orientation.menage.provisoire) == (S.A_RATTACHER, True)


def test_la_coordination_d_un_autre_dispositif_ne_rattache_pas(situation):
    orientation = orienter_a_rattacher(situation)
    ailleurs = MembreFactory(role=Role.COORDINATEUR)
    with pytest.raises(PermissionDenied):
        services.rattacher_orientation(ailleurs.user, orientation)


# --- Par les pages : la même réponse qu'une nouvelle référence -------------------------------


def donnees_fiche(reference):
    return {
        "date_orientation": HIER.isoformat(),
        "parcours": Parcours.MAINTIEN,
        "source": Source.PROXIMITE,
        "reference_locataire": reference,
        "nom": "Saisi-Par-B",
        "adresse": "8 rue Neuve",
        "code_postal": "15000",
        "commune": "Aurillac",
        "problematiques": [Problematique.TROUBLES_VOISINAGE],
        "dette_locative": "300",
        "mesure_protection": "aucune",
        "statut_occupation": "locataire_en_titre",
        "stade_procedure": "aucune",
    }


def test_par_la_fiche_l_agent_n_ouvre_pas_le_menage_connu_et_recoit_la_meme_reponse(
    client, situation
):
    dispositif, connu, _a, agent_b, _c = situation
    client.force_login(agent_b.user)
    url = reverse("menages:nouvelle_orientation_dans", args=[dispositif.slug])
    assert client.get(url_menage(connu)).status_code == 404

    nouvelle = client.post(url, donnees_fiche("REF-NOUVELLE"), follow=True)
    connue = client.post(url, donnees_fiche("REF-1"), follow=True)

    assert client.get(url_menage(connu)).status_code == 404
    provisoire = Menage.objects.provisoires().get()
    menage_neuf = Menage.objects.get(reference_locataire="REF-NOUVELLE")
    assert nouvelle.redirect_chain == [(url_menage(menage_neuf), 302)]
    assert connue.redirect_chain == [(url_menage(provisoire), 302)]
    messages_nouvelle = [str(m) for m in nouvelle.context["messages"]]
    messages_connue = [str(m) for m in connue.context["messages"]]
    assert messages_nouvelle == messages_connue == ["Orientation envoyée à la coordination."]
    page = texte(connue)
    assert "Saisi-Par-B" in page
    assert "À rattacher" in page
    for secret in ("Connu", "Secret", "Texte confidentiel de A.", "4 321"):
        assert secret not in page


def test_mes_orientations_montre_ce_que_l_agent_a_saisi_et_le_statut(client, situation):
    _d, _connu, _a, agent_b, _c = situation
    orienter_a_rattacher(situation)
    client.force_login(agent_b.user)

    page = texte(client.get(reverse("menages:mes_orientations")))

    assert "Saisi-Par-B" in page
    assert "À rattacher" in page
    assert "Connu" not in page


def fichier_csv(reference):
    tampon = io.StringIO()
    colonnes = [
        "reference_locataire",
        "date_orientation",
        "parcours",
        "nom",
        "adresse",
        "code_postal",
        "commune",
        "problematiques",
        "source",
    ]
    ecrivain = csv.DictWriter(tampon, fieldnames=colonnes, delimiter=";", lineterminator="\n")
    ecrivain.writeheader()
    ecrivain.writerow(
        {
            "reference_locataire": reference,
            "date_orientation": HIER.strftime("%d/%m/%Y"),
            "parcours": "maintien",
            "nom": "Saisi-Par-B",
            "adresse": "8 rue Neuve",
            "code_postal": "15000",
            "commune": "Aurillac",
            "problematiques": "impayés",
            "source": "proximite",
        }
    )
    return tampon.getvalue().encode()


def test_par_la_page_d_import_la_meme_reponse_et_aucun_acces(
    client, situation, django_capture_on_commit_callbacks
):
    dispositif, connu, _a, agent_b, _c = situation
    client.force_login(agent_b.user)
    url = reverse("menages:importer_dans", args=[dispositif.slug])

    reponses = []
    for reference in ("REF-NOUVELLE", "REF-1"):
        with django_capture_on_commit_callbacks(execute=True):
            envoi = client.post(
                url, {"fichier": SimpleUploadedFile("o.csv", fichier_csv(reference), "text/csv")}
            )
        reponses.append(client.get(envoi.url))

    attendu = "Import terminé. 1 ligne lue : 1 ménage créé, 1 orientation créée, 0 déjà présentes."
    assert [r.context["demande"].resume for r in reponses] == [attendu, attendu]
    assert client.get(url_menage(connu)).status_code == 404
    assert Orientation.objects.get(menage__provisoire=True).statut == S.A_RATTACHER


def test_par_la_commande_la_meme_reponse(tmp_path, situation):
    dispositif, connu, _a, agent_b, _c = situation
    sorties = []
    for reference in ("REF-NOUVELLE", "REF-1"):
        chemin = tmp_path / f"{reference}.csv"
        chemin.write_bytes(fichier_csv(reference))
        sortie = io.StringIO()
        call_command(
            "import_orientations",
            str(chemin),
            "--dispositif",
            dispositif.slug,
            "--utilisateur",
            agent_b.user.email,
            stdout=sortie,
        )
        sorties.append(sortie.getvalue().strip())

    assert sorties[0] == sorties[1]
    assert sorties[0] == "1 ligne lue : 1 ménage créé, 1 orientation créée, 0 déjà présentes."
    assert not selectors.menages_visibles(agent_b.user).filter(pk=connu.pk).exists()
    # réimporter le même fichier : rien de plus
    sortie = io.StringIO()
    call_command(
        "import_orientations",
        str(tmp_path / "REF-1.csv"),
        "--dispositif",
        dispositif.slug,
        "--utilisateur",
        agent_b.user.email,
        stdout=sortie,
    )
    assert "0 orientations créées, 1 déjà présente" in sortie.getvalue()
    assert Menage.objects.provisoires().count() == 1


# --- Les pages de la coordination ------------------------------------------------------------


def test_la_coordination_compare_les_deux_fiches(client, situation):
    _d, connu, _a, _b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)
    client.force_login(coordinateur.user)

    liste = texte(client.get(reverse("menages:a_rattacher")))
    comparaison = texte(client.get(reverse("menages:rattachement", args=[orientation.public_id])))
    fiche_provisoire = texte(client.get(url_menage(orientation.menage)))

    assert "Saisi-Par-B" in liste and "Connu Secret" in liste
    assert "Saisi-Par-B" in comparaison and "Connu" in comparaison
    assert reverse("menages:rattacher", args=[orientation.public_id]) in comparaison
    assert reverse("menages:garder_a_part", args=[orientation.public_id]) in comparaison
    assert reverse("menages:rattachement", args=[orientation.public_id]) in fiche_provisoire
    assert "Ouvrir un accompagnement" not in fiche_provisoire


def test_la_coordination_rattache_par_la_page_et_l_agent_voit_alors_le_menage(client, situation):
    _d, connu, _a, agent_b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)
    client.force_login(coordinateur.user)

    reponse = client.post(reverse("menages:rattacher", args=[orientation.public_id]))

    assert reponse.status_code == 302
    assert reponse.url == url_menage(connu)
    client.force_login(agent_b.user)
    assert client.get(url_menage(connu)).status_code == 200


def test_la_coordination_garde_a_part_par_la_page(client, situation):
    _d, connu, _a, agent_b, coordinateur = situation
    orientation = orienter_a_rattacher(situation)
    client.force_login(coordinateur.user)

    reponse = client.post(reverse("menages:garder_a_part", args=[orientation.public_id]))

    assert reponse.url == url_menage(orientation.menage)
    assert not Menage.objects.provisoires().exists()
    client.force_login(agent_b.user)
    assert client.get(url_menage(connu)).status_code == 404


@pytest.mark.parametrize(
    "role",
    [
        Role.AGENT_BAILLEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_les_autres_roles_n_atteignent_pas_les_pages_de_rattachement(client, situation, role):
    dispositif, _connu, _a, _b, _c = situation
    orientation = orienter_a_rattacher(situation)
    client.force_login(MembreFactory(role=role, dispositif=dispositif).user)

    assert client.get(reverse("menages:a_rattacher")).status_code == 403
    for nom in ("rattachement", "rattacher", "garder_a_part"):
        methode = client.get if nom == "rattachement" else client.post
        assert methode(reverse(f"menages:{nom}", args=[orientation.public_id])).status_code == 404
    orientation.refresh_from_db()
    assert (orientation.statut, orientation.menage.provisoire) == (S.A_RATTACHER, True)


def test_l_agent_qui_a_oriente_n_atteint_pas_les_pages_de_rattachement(client, situation):
    _d, _connu, _a, agent_b, _c = situation
    orientation = orienter_a_rattacher(situation)
    client.force_login(agent_b.user)

    url = reverse("menages:rattachement", args=[orientation.public_id])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("menages:rattacher", args=[orientation.public_id])).status_code == 404
    )
    assert Menage.objects.provisoires().count() == 1


def test_la_coordination_d_un_autre_dispositif_ne_voit_pas_l_orientation(client, situation):
    orientation = orienter_a_rattacher(situation)
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)

    assert "Saisi-Par-B" not in texte(client.get(reverse("menages:a_rattacher")))
    assert (
        client.post(reverse("menages:rattacher", args=[orientation.public_id])).status_code == 404
    )


@pytest.mark.parametrize("nombre", [1, 4])
def test_la_liste_a_rattacher_en_nombre_de_requetes_constant(
    client, django_assert_num_queries, situation, nombre
):
    dispositif, _connu, _a, _b, coordinateur = situation
    for numero in range(nombre):
        agent = MembreFactory(role=Role.AGENT_BAILLEUR, dispositif=dispositif)
        services.orienter_menage(agent.user, dispositif, une_fiche(nom=f"Saisi{numero}"))
    client.force_login(coordinateur.user)
    client.get(reverse("ecrans:accueil"))  # la session et le cache des rôles

    # La liste se lit par pages : les clés de la page, puis ses lignes ; une liste de moins de
    # quatre pages se compte par ses clés, sans décompte (`core.listes.page_par_les_cles`).
    with django_assert_num_queries(6):
        reponse = client.get(reverse("menages:a_rattacher"))

    assert texte(reponse).count("Comparer et décider") == nombre


def test_la_navigation_de_la_coordination_mene_aux_orientations_a_rattacher(client, situation):
    _d, _connu, _a, agent_b, coordinateur = situation
    client.force_login(coordinateur.user)
    assert reverse("menages:a_rattacher") in texte(client.get(reverse("ecrans:accueil")))
    client.force_login(agent_b.user)
    assert reverse("menages:a_rattacher") not in texte(client.get(reverse("ecrans:accueil")))


def test_les_orientations_a_rattacher_se_lisent_par_pages(client, situation, monkeypatch):
    """Après un gros import, des centaines d'orientations peuvent attendre : la liste se lit par
    pages, les plus anciennes d'abord (le nombre de requêtes : le test qui suit)."""
    monkeypatch.setattr(menages_views, "ORIENTATIONS_PAR_PAGE", 2)
    dispositif, _connu, _a, _b, coordinateur = situation
    for rang in range(3):
        agent = MembreFactory(role=Role.AGENT_BAILLEUR, dispositif=dispositif)
        services.orienter_menage(
            agent.user,
            dispositif,
            une_fiche(nom=f"Saisi-{rang}", date_orientation=HIER - timedelta(days=10 - rang)),
        )
    client.force_login(coordinateur.user)
    url = reverse("menages:a_rattacher")

    premiere = texte(client.get(url))
    assert "3 orientations à rattacher · page 1 sur 2" in premiere
    assert "Saisi-0" in premiere and "Saisi-1" in premiere and "Saisi-2" not in premiere
    seconde = texte(client.get(url, {"page": "2"}))
    assert "Saisi-2" in seconde and "Saisi-0" not in seconde
