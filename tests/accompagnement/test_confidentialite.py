"""Qui lit la note d'une intervention (DESIGN.md §3), pour chaque rôle et chaque niveau de
confidentialité : sur la page de l'accompagnement, dans la chronologie du ménage et au travers du
sélecteur ; l'opposition du ménage au partage ; le journal des lectures de notes « soignants »."""

import pytest
from django.urls import reverse

from accompagnement import selectors, services
from accompagnement.enums import Confidentialite, TypeIntervention
from core.enums import Role
from core.factories import DispositifFactory, UserFactory
from core.models import JournalAudit
from menages.factories import MenageFactory, OrientationFactory
from tests.outils import membre, texte

pytestmark = pytest.mark.django_db

NOTE = "Observance du traitement à revoir"

# Qui lit une note écrite par une infirmière de l'équipe (« auteur »), selon son niveau.
LECTEURS = {
    Confidentialite.EQUIPE: {
        "coordinateur",
        "travailleur_social",
        "infirmier",
        "psychologue",
        "auteur",
    },
    Confidentialite.SOIGNANTS: {"infirmier", "psychologue", "auteur"},
    Confidentialite.PERSONNELLE: {"auteur"},
}
# Qui ouvre les pages du ménage et de son accompagnement (les autres reçoivent un 404).
PAGES_OUVERTES = {
    "coordinateur",
    "travailleur_social",
    "infirmier",
    "psychologue",
    "auteur",
    "agent_bailleur",  # a orienté le ménage : identité et statut, jamais les notes
}
PERSONNES = [
    "coordinateur",
    "travailleur_social",
    "infirmier",
    "psychologue",
    "auteur",
    "infirmier_hors_equipe",
    "psychologue_hors_equipe",
    "travailleur_social_hors_equipe",
    "agent_bailleur",
    "membre_cotech",
    "membre_copil",
    "admin_technique",
    "coordinateur_autre_dispositif",
    "infirmier_autre_dispositif",
]
CAS = [
    pytest.param(qui, niveau, id=f"{qui}-{niveau}")
    for niveau in Confidentialite
    for qui in PERSONNES
]


def situation():
    """Un ménage accompagné par une équipe complète, et tout le monde autour.

    Les personnes « hors équipe » sont dans l'équipe d'un autre ménage du même dispositif : elles
    ont une portée d'équipe, mais pas sur ce ménage-ci.
    """
    dispositif = DispositifFactory()
    coordinateur = membre(dispositif, Role.COORDINATEUR)
    agent = membre(dispositif, Role.AGENT_BAILLEUR)
    menage = MenageFactory(dispositif=dispositif, nom="Zorglub", prenom="Hortense")
    OrientationFactory(menage=menage, orientee_par=agent, avec_dette=True)
    personnes = {
        "coordinateur": coordinateur,
        "travailleur_social": membre(dispositif, Role.TRAVAILLEUR_SOCIAL),
        "infirmier": membre(dispositif, Role.INFIRMIER),
        "psychologue": membre(dispositif, Role.PSYCHOLOGUE),
        "auteur": membre(dispositif, Role.INFIRMIER),
        "infirmier_hors_equipe": membre(dispositif, Role.INFIRMIER),
        "psychologue_hors_equipe": membre(dispositif, Role.PSYCHOLOGUE),
        "travailleur_social_hors_equipe": membre(dispositif, Role.TRAVAILLEUR_SOCIAL),
        "agent_bailleur": agent,
        "membre_cotech": membre(dispositif, Role.MEMBRE_COTECH),
        "membre_copil": membre(dispositif, Role.MEMBRE_COPIL),
        "admin_technique": UserFactory(is_staff=True, is_superuser=True),
    }
    accompagnement = services.ouvrir_accompagnement(
        coordinateur,
        menage,
        referent=personnes["travailleur_social"],
        equipe=[personnes["infirmier"], personnes["psychologue"], personnes["auteur"]],
    )
    voisin = MenageFactory(dispositif=dispositif, nom="Voisin")
    OrientationFactory(menage=voisin)
    services.ouvrir_accompagnement(
        coordinateur,
        voisin,
        referent=personnes["travailleur_social_hors_equipe"],
        equipe=[personnes["infirmier_hors_equipe"], personnes["psychologue_hors_equipe"]],
    )
    ailleurs = DispositifFactory()
    personnes["coordinateur_autre_dispositif"] = membre(ailleurs, Role.COORDINATEUR)
    personnes["infirmier_autre_dispositif"] = membre(ailleurs, Role.INFIRMIER)
    menage_ailleurs = MenageFactory(dispositif=ailleurs)
    OrientationFactory(menage=menage_ailleurs)
    services.ouvrir_accompagnement(
        personnes["coordinateur_autre_dispositif"],
        menage_ailleurs,
        referent=personnes["coordinateur_autre_dispositif"],
        equipe=[personnes["infirmier_autre_dispositif"]],
    )
    return accompagnement, personnes


def noter(auteur, accompagnement, confidentialite, note=NOTE):
    return services.enregistrer_intervention(
        auteur,
        accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note=note,
        confidentialite=confidentialite,
    )


def url_detail(accompagnement):
    return reverse("accompagnement:detail", args=[accompagnement.public_id])


def url_menage(accompagnement):
    return reverse("ecrans:menage", args=[accompagnement.menage.public_id])


# --- Chaque rôle, chaque niveau ------------------------------------------------------------


@pytest.mark.parametrize(("qui", "niveau"), CAS)
def test_note_sur_la_page_de_l_accompagnement(client, qui, niveau):
    accompagnement, personnes = situation()
    noter(personnes["auteur"], accompagnement, niveau)
    client.force_login(personnes[qui])

    reponse = client.get(url_detail(accompagnement))

    if qui in PAGES_OUVERTES:
        assert reponse.status_code == 200
        assert (NOTE in texte(reponse)) is (qui in LECTEURS[niveau])
    else:
        assert reponse.status_code == 404
        assert NOTE not in texte(reponse)


@pytest.mark.parametrize(("qui", "niveau"), CAS)
def test_note_dans_la_chronologie_du_menage(client, qui, niveau):
    accompagnement, personnes = situation()
    noter(personnes["auteur"], accompagnement, niveau)
    client.force_login(personnes[qui])

    reponse = client.get(url_menage(accompagnement))

    if qui in PAGES_OUVERTES:
        assert reponse.status_code == 200
        assert "Chronologie" in texte(reponse)
        assert (NOTE in texte(reponse)) is (qui in LECTEURS[niveau])
    else:
        assert reponse.status_code == 404
        assert NOTE not in texte(reponse)


@pytest.mark.parametrize(("qui", "niveau"), CAS)
def test_note_par_le_selecteur(qui, niveau):
    accompagnement, personnes = situation()
    intervention = noter(personnes["auteur"], accompagnement, niveau)

    visibles = set(selectors.interventions_visibles(personnes[qui]))

    assert visibles == ({intervention} if qui in LECTEURS[niveau] else set())


# --- Auteurs d'autres professions ---------------------------------------------------------


def test_l_infirmier_lit_la_note_soignants_de_la_psychologue(client):
    accompagnement, personnes = situation()
    noter(personnes["psychologue"], accompagnement, Confidentialite.SOIGNANTS)

    for qui, attendu in [
        ("infirmier", True),
        ("psychologue", True),
        ("travailleur_social", False),
        ("coordinateur", False),
        ("infirmier_hors_equipe", None),
    ]:
        client.force_login(personnes[qui])
        reponse = client.get(url_detail(accompagnement))
        if attendu is None:
            assert reponse.status_code == 404, qui
        else:
            assert reponse.status_code == 200, qui
            assert (NOTE in texte(reponse)) is attendu, qui


@pytest.mark.parametrize("auteur", ["coordinateur", "travailleur_social", "psychologue"])
def test_la_note_personnelle_n_est_lue_que_par_son_auteur(client, auteur):
    accompagnement, personnes = situation()
    intervention = noter(personnes[auteur], accompagnement, Confidentialite.PERSONNELLE)

    for qui in ["coordinateur", "travailleur_social", "infirmier", "psychologue"]:
        client.force_login(personnes[qui])
        lue = qui == auteur
        assert (NOTE in texte(client.get(url_detail(accompagnement)))) is lue, qui
        assert (NOTE in texte(client.get(url_menage(accompagnement)))) is lue, qui
        assert (intervention in selectors.interventions_visibles(personnes[qui])) is lue, qui


def test_l_infirmier_retire_de_l_equipe_ne_lit_plus_les_notes_soignants(client):
    accompagnement, personnes = situation()
    intervention = noter(personnes["auteur"], accompagnement, Confidentialite.SOIGNANTS)
    services.modifier_equipe(
        personnes["coordinateur"],
        accompagnement,
        referent=personnes["travailleur_social"],
        equipe=[personnes["psychologue"], personnes["auteur"]],
    )
    client.force_login(personnes["infirmier"])

    assert client.get(url_detail(accompagnement)).status_code == 404
    assert client.get(url_menage(accompagnement)).status_code == 404
    assert intervention not in selectors.interventions_visibles(personnes["infirmier"])


# --- Le ménage s'oppose au partage ----------------------------------------------------------


def situation_avec_opposition():
    accompagnement, personnes = situation()
    dispositif = accompagnement.dispositif
    personnes["autre_travailleur_social"] = membre(dispositif, Role.TRAVAILLEUR_SOCIAL)
    services.modifier_equipe(
        personnes["coordinateur"],
        accompagnement,
        referent=personnes["travailleur_social"],
        equipe=[
            personnes["infirmier"],
            personnes["psychologue"],
            personnes["auteur"],
            personnes["autre_travailleur_social"],
        ],
    )
    menage = accompagnement.menage
    menage.opposition_partage = True
    menage.save(update_fields=["opposition_partage"])
    return accompagnement, personnes


@pytest.mark.parametrize(
    ("qui", "attendu"),
    [
        ("travailleur_social", True),  # l'auteur
        ("autre_travailleur_social", True),  # même profession, même équipe
        ("infirmier", False),
        ("psychologue", False),
        ("coordinateur", False),  # autre profession : la note reste chez les TS
        ("travailleur_social_hors_equipe", None),
    ],
)
def test_opposition_au_partage_la_note_du_ts_reste_aux_ts_de_l_equipe(client, qui, attendu):
    accompagnement, personnes = situation_avec_opposition()
    intervention = noter(personnes["travailleur_social"], accompagnement, Confidentialite.EQUIPE)
    client.force_login(personnes[qui])

    page = client.get(url_detail(accompagnement))
    fiche = client.get(url_menage(accompagnement))

    if attendu is None:
        assert page.status_code == fiche.status_code == 404
    else:
        assert page.status_code == fiche.status_code == 200
        assert (NOTE in texte(page)) is attendu
        assert (NOTE in texte(fiche)) is attendu
    assert (intervention in selectors.interventions_visibles(personnes[qui])) is bool(attendu)


def test_sans_opposition_la_meme_note_est_lue_par_l_infirmier(client):
    accompagnement, personnes = situation()
    noter(personnes["travailleur_social"], accompagnement, Confidentialite.EQUIPE)
    client.force_login(personnes["infirmier"])

    assert NOTE in texte(client.get(url_detail(accompagnement)))


def test_opposition_au_partage_la_note_soignants_de_l_infirmier_reste_aux_infirmiers(client):
    accompagnement, personnes = situation_avec_opposition()
    intervention = noter(personnes["auteur"], accompagnement, Confidentialite.SOIGNANTS)

    assert intervention in selectors.interventions_visibles(personnes["infirmier"])
    assert intervention not in selectors.interventions_visibles(personnes["psychologue"])
    client.force_login(personnes["psychologue"])
    assert NOTE not in texte(client.get(url_detail(accompagnement)))


# --- Journal des lectures de notes « soignants » ------------------------------------------


def lectures():
    return JournalAudit.objects.filter(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)


def assert_ligne_de_lecture(ligne, lecteur, intervention, role):
    assert ligne.user == lecteur
    assert ligne.email == lecteur.email
    assert ligne.roles == role
    assert ligne.dispositif_id == intervention.accompagnement.dispositif_id
    assert ligne.objet_type == "accompagnement.Intervention"
    assert ligne.objet_id == str(intervention.public_id)
    assert ligne.adresse_ip == "127.0.0.1"
    for champ in JournalAudit._meta.concrete_fields:
        valeur = str(getattr(ligne, champ.attname) or "")
        assert "Observance" not in valeur, champ.name
        assert "traitement" not in valeur, champ.name


@pytest.mark.parametrize(
    ("qui", "role"), [("infirmier", Role.INFIRMIER), ("psychologue", Role.PSYCHOLOGUE)]
)
def test_chaque_affichage_d_une_note_soignants_est_journalise_sans_son_contenu(client, qui, role):
    accompagnement, personnes = situation()
    intervention = noter(personnes["auteur"], accompagnement, Confidentialite.SOIGNANTS)
    lecteur = personnes[qui]
    client.force_login(lecteur)

    assert NOTE in texte(client.get(url_detail(accompagnement)))
    assert lectures().count() == 1
    assert_ligne_de_lecture(lectures().get(), lecteur, intervention, role)

    assert NOTE in texte(client.get(url_menage(accompagnement)))
    assert lectures().count() == 2
    for ligne in lectures():
        assert_ligne_de_lecture(ligne, lecteur, intervention, role)

    client.get(url_detail(accompagnement))
    assert lectures().count() == 3


def test_une_lecture_par_note_soignants_affichee(client):
    accompagnement, personnes = situation()
    premiere = noter(personnes["auteur"], accompagnement, Confidentialite.SOIGNANTS)
    seconde = noter(
        personnes["psychologue"], accompagnement, Confidentialite.SOIGNANTS, "Suivi CMP"
    )
    noter(personnes["auteur"], accompagnement, Confidentialite.EQUIPE, "Dossier FSL déposé")
    client.force_login(personnes["infirmier"])

    client.get(url_detail(accompagnement))

    assert sorted(lectures().values_list("objet_id", flat=True)) == sorted(
        [str(premiere.public_id), str(seconde.public_id)]
    )


def test_afficher_une_note_equipe_n_ecrit_rien_au_journal(client):
    accompagnement, personnes = situation()
    noter(personnes["auteur"], accompagnement, Confidentialite.EQUIPE)
    client.force_login(personnes["infirmier"])

    assert NOTE in texte(client.get(url_detail(accompagnement)))
    assert NOTE in texte(client.get(url_menage(accompagnement)))
    assert not lectures().exists()


@pytest.mark.parametrize("qui", ["travailleur_social", "coordinateur", "agent_bailleur"])
def test_une_note_soignants_non_affichee_n_est_pas_journalisee(client, qui):
    accompagnement, personnes = situation()
    noter(personnes["auteur"], accompagnement, Confidentialite.SOIGNANTS)
    client.force_login(personnes[qui])

    assert NOTE not in texte(client.get(url_detail(accompagnement)))
    assert NOTE not in texte(client.get(url_menage(accompagnement)))
    assert not lectures().exists()
