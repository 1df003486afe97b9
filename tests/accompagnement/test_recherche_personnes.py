"""Le référent·e et l'équipe parmi des centaines de personnes : au-delà d'un seuil, le formulaire
(ouverture d'un accompagnement, décision du COTECH) ne rend plus la liste entière ; on cherche
par le nom et le serveur propose, selon les droits de la personne qui cherche."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnement import forms as accompagnement_forms
from accompagnement.forms import OuvrirAccompagnementForm
from comites import services as comites
from core import widgets as core_widgets
from core.enums import ROLES_TERRAIN, Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.listes import LONGUEUR_RECHERCHE, SUGGESTIONS, ListesALaDemande
from core.widgets import SANS_JAVASCRIPT
from equipes import services as equipes
from tests.comites.situations import Programme
from tests.outils import membre, texte

from .situations import Equipe

pytestmark = pytest.mark.django_db

CASE_EQUIPE = re.compile(r'<input type="checkbox"[^>]* name="equipe"')


@pytest.fixture
def seuil_bas(monkeypatch):
    """Un dispositif de test propose trois ou quatre personnes par champ : le seuil descend à 2
    pour passer à la recherche."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 2)


def _personne(dispositif, role, prenom, nom):
    return MembreFactory(
        dispositif=dispositif, role=role, user=UserFactory(first_name=prenom, last_name=nom)
    ).user


def _ouvrir(equipe):
    return f"/menages/{equipe.menage.public_id}/accompagnement/ouvrir/"


def _recherche(equipe, liste, q):
    return f"/menages/{equipe.menage.public_id}/accompagnement/personnes/?liste={liste}&q={q}"


def _resultats(reponse):
    assert reponse.status_code == 200
    return [r["text"] for r in json.loads(reponse.content)["resultats"]]


def test_sous_le_seuil_la_liste_entiere_est_rendue(client):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    contenu = client.get(_ouvrir(equipe)).content.decode()
    assert "data-recherche" not in contenu
    assert CASE_EQUIPE.search(contenu)
    assert equipe.infirmier.last_name in contenu


def test_au_dela_du_seuil_seules_les_personnes_choisies_sont_rendues(client, seuil_bas):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    contenu = client.get(_ouvrir(equipe)).content.decode()

    recherche = f"/menages/{equipe.menage.public_id}/accompagnement/personnes/"
    assert f'data-recherche="{recherche}?liste=referent"' in contenu
    assert f'data-recherche="{recherche}?liste=equipe"' in contenu
    assert not CASE_EQUIPE.search(contenu)
    for personne in (equipe.ts, equipe.autre_ts, equipe.infirmier):
        assert f'value="{personne.pk}"' not in contenu
    assert "Tapez au moins deux lettres du nom" in contenu
    assert SANS_JAVASCRIPT in contenu


def test_au_dela_du_seuil_le_choix_se_valide_contre_toute_la_liste(client, seuil_bas):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        _ouvrir(equipe),
        {
            "date_debut": timezone.localdate().isoformat(),
            "referent": equipe.ts.pk,
            "equipe": [equipe.infirmier.pk],
        },
    )
    assert reponse.status_code == 302
    accompagnement = equipe.menage.accompagnements.get()
    assert accompagnement.referent == equipe.ts
    assert set(accompagnement.equipe.values_list("user", flat=True)) == {
        equipe.ts.pk,
        equipe.infirmier.pk,
    }


def test_au_dela_du_seuil_un_refus_garde_les_personnes_choisies(client, seuil_bas):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        _ouvrir(equipe),
        {"date_debut": "n'importe", "referent": equipe.ts.pk, "equipe": [equipe.infirmier.pk]},
    )
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    # Les personnes choisies restent choisies (et elles seules sont rendues).
    assert f'<option value="{equipe.ts.pk}" selected>' in contenu
    assert f'<option value="{equipe.infirmier.pk}" selected>' in contenu
    assert f'value="{equipe.autre_ts.pk}"' not in contenu


def test_une_personne_d_un_autre_dispositif_est_refusee_meme_par_la_recherche(client, seuil_bas):
    equipe = Equipe()
    ailleurs = membre(DispositifFactory(), Role.TRAVAILLEUR_SOCIAL)
    form = OuvrirAccompagnementForm(
        {"date_debut": timezone.localdate().isoformat(), "referent": ailleurs.pk},
        menage=equipe.menage,
    )
    assert "referent" in form.errors
    form = OuvrirAccompagnementForm(
        {
            "date_debut": timezone.localdate().isoformat(),
            "referent": equipe.ts.pk,
            "equipe": [ailleurs.pk],
        },
        menage=equipe.menage,
    )
    assert "equipe" in form.errors


def test_un_identifiant_invalide_ne_fait_pas_echouer_le_rendu(client, seuil_bas):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        _ouvrir(equipe), {"date_debut": "", "referent": "abc", "equipe": ["9" * 25, "-1"]}
    )
    assert reponse.status_code == 200
    assert "Ce choix n'est pas proposé" in texte(reponse)


def test_la_recherche_trouve_par_chaque_mot_du_nom(client):
    equipe = Equipe()
    voulue = _personne(equipe.dispositif, Role.INFIRMIER, "Éloïse", "Marchand")
    _personne(equipe.dispositif, Role.INFIRMIER, "Éloïse", "Dupuis")
    _personne(equipe.dispositif, Role.PSYCHOLOGUE, "Paul", "Marchandon")
    client.force_login(equipe.coordinateur)

    assert _resultats(client.get(_recherche(equipe, "equipe", "marchand"))) == [
        "Éloïse Marchand · Infirmier·ère",
        "Paul Marchandon · Psychologue",
    ]
    assert _resultats(client.get(_recherche(equipe, "equipe", "Éloïse march"))) == [
        "Éloïse Marchand · Infirmier·ère"
    ]
    assert json.loads(client.get(_recherche(equipe, "equipe", "march")).content)["resultats"][
        0
    ] == {"value": str(voulue.pk), "text": "Éloïse Marchand · Infirmier·ère"}


def test_la_recherche_ne_propose_que_ce_que_le_champ_propose(client):
    equipe = Equipe()
    _personne(equipe.dispositif, Role.COORDINATEUR, "Corinne", "Zébulon")
    _personne(equipe.dispositif, Role.AGENT_BAILLEUR, "Agathe", "Zébulon")
    _personne(equipe.dispositif, Role.INFIRMIER, "Ines", "Zébulon")
    _personne(DispositifFactory(), Role.INFIRMIER, "Igor", "Zébulon")
    partie = _personne(equipe.dispositif, Role.INFIRMIER, "Irène", "Zébulon")
    equipes.terminer_adhesion(
        equipe.coordinateur,
        partie.adhesions.get(),
        date_fin=timezone.localdate(),
    )
    client.force_login(equipe.coordinateur)

    # L'équipe : les intervenants de terrain encore là, du dispositif du ménage.
    assert _resultats(client.get(_recherche(equipe, "equipe", "zébulon"))) == [
        "Ines Zébulon · Infirmier·ère"
    ]
    # Le ou la référent·e : un travailleur social ou la coordination.
    assert _resultats(client.get(_recherche(equipe, "referent", "zébulon"))) == [
        "Corinne Zébulon · Coordinateur·rice / chargé·e de mission"
    ]


def test_la_recherche_est_bornee_et_demande_deux_lettres(client):
    equipe = Equipe()
    for rang in range(SUGGESTIONS + 5):
        _personne(equipe.dispositif, Role.INFIRMIER, f"Prénom{rang:02d}", "Lefort")
    client.force_login(equipe.coordinateur)

    assert len(_resultats(client.get(_recherche(equipe, "equipe", "lefort")))) == SUGGESTIONS
    assert _resultats(client.get(_recherche(equipe, "equipe", "l"))) == []
    assert _resultats(client.get(_recherche(equipe, "equipe", "  "))) == []
    trop_longue = client.get(_recherche(equipe, "equipe", "a" * (LONGUEUR_RECHERCHE + 1)))
    assert trop_longue.status_code == 400
    assert "raccourcissez" in json.loads(trop_longue.content)["erreur"]
    assert client.get(_recherche(equipe, "equipe", "le%00fort")).status_code == 400
    assert client.get(_recherche(equipe, "inconnue", "lefort")).status_code == 404
    assert client.post(_recherche(equipe, "equipe", "lefort")).status_code == 405


def test_la_recherche_lit_un_nombre_fixe_de_requetes(client):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    client.get(_recherche(equipe, "equipe", "ab"))

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            client.get(_recherche(equipe, "equipe", "ab"))
        return len(capture)

    avant = requetes()
    for rang in range(10):
        _personne(equipe.dispositif, Role.INFIRMIER, "Abel", f"Nom{rang}")
    assert requetes() == avant


@pytest.fixture
def listes_construites(monkeypatch):
    """Les rôles de chaque liste de personnes construite (la vraie construction, observée)."""
    roles = []
    construire = accompagnement_forms.personnes_de_l_equipe

    def personnes_de_l_equipe(dispositif, **kwargs):
        roles.append(kwargs.get("roles"))
        return construire(dispositif, **kwargs)

    monkeypatch.setattr(accompagnement_forms, "personnes_de_l_equipe", personnes_de_l_equipe)
    return roles


def test_la_recherche_ne_construit_que_la_liste_cherchee(client, listes_construites):
    equipe = Equipe()
    _personne(equipe.dispositif, Role.PSYCHOLOGUE, "Léa", "Quenouille")
    client.force_login(equipe.coordinateur)

    assert _resultats(client.get(_recherche(equipe, "equipe", "quenou"))) == [
        "Léa Quenouille · Psychologue"
    ]
    assert listes_construites == [ROLES_TERRAIN]

    # Le formulaire, lui, les propose toutes.
    listes_construites.clear()
    assert client.get(_ouvrir(equipe)).status_code == 200
    assert sorted(listes_construites, key=repr) == sorted([None, ROLES_TERRAIN], key=repr)


def test_une_liste_a_la_demande_ne_se_construit_qu_a_sa_lecture():
    construites = []
    listes = ListesALaDemande(
        un=lambda: construites.append("un") or "liste un",
        deux=lambda: construites.append("deux") or "liste deux",
    )
    assert list(listes) == ["un", "deux"] and len(listes) == 2
    assert construites == []
    assert listes["deux"] == "liste deux"
    assert construites == ["deux"]
    with pytest.raises(KeyError):
        listes["trois"]
    assert dict(listes) == {"un": "liste un", "deux": "liste deux"}


@pytest.mark.parametrize(
    "role",
    [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH],
)
def test_la_recherche_est_refusee_a_qui_ne_peut_pas_ouvrir(client, role):
    equipe = Equipe()
    client.force_login(membre(equipe.dispositif, role))
    assert client.get(_recherche(equipe, "equipe", "ab")).status_code in (403, 404)


def test_la_recherche_est_refusee_hors_du_dispositif_et_sans_connexion(client):
    equipe = Equipe()
    anonyme = client.get(_recherche(equipe, "equipe", "ab"))
    assert anonyme.status_code == 302
    client.force_login(membre(DispositifFactory(), Role.COORDINATEUR))
    assert client.get(_recherche(equipe, "equipe", "ab")).status_code == 404


# La décision du COTECH : la même recherche, depuis le point de la séance.


def _point(programme):
    orientee = programme.orientation()
    seance = programme.seance()
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    return seance.points.get(menage=orientee.menage)


def test_le_formulaire_de_decision_passe_a_la_recherche_au_dela_du_seuil(client, seuil_bas):
    programme = Programme()
    point = _point(programme)
    client.force_login(programme.coordinateur)
    contenu = client.get(
        f"/comites/points/{point.public_id}/decision/", HTTP_HX_REQUEST="true"
    ).content.decode()
    recherche = f"/comites/points/{point.public_id}/personnes/"
    assert f'data-recherche="{recherche}?liste=referent"' in contenu
    assert f'data-recherche="{recherche}?liste=equipe"' in contenu
    assert f'value="{programme.psychologue.pk}"' not in contenu

    prefixe = f"p{point.public_id.hex[:8]}"
    reponse = client.post(
        f"/comites/points/{point.public_id}/decision/",
        {
            f"{prefixe}-type": "admission",
            f"{prefixe}-motifs": "Situation complexe.",
            f"{prefixe}-referent": programme.ts.pk,
            f"{prefixe}-equipe": [programme.psychologue.pk],
        },
    )
    assert reponse.status_code == 302
    accompagnement = point.menage.accompagnements.get()
    assert accompagnement.referent == programme.ts
    assert programme.psychologue.pk in set(accompagnement.equipe.values_list("user", flat=True))


def _lectures_des_personnes(requetes):
    """Les lectures d'une liste de personnes proposées (celles qui portent leur profession)."""
    return [r for r in requetes if '"core_user"' in r["sql"] and "profession" in r["sql"]]


def test_la_liste_du_referent_n_est_pas_relue_quand_celle_de_l_equipe_se_cherche(
    client, seuil_bas, monkeypatch
):
    """Les intervenants de terrain proposés pour l'équipe le sont aussi comme référent·e : une
    liste d'équipe trop longue dit celle du référent·e trop longue, sans la lire. Une liste
    d'équipe courte laisse le rendu lire celle du référent·e, qui peut être plus longue."""
    programme = Programme()
    point = _point(programme)
    client.force_login(programme.coordinateur)
    adresse = f"/comites/points/{point.public_id}/decision/"
    with CaptureQueriesContext(connection) as requetes:
        contenu = client.get(adresse, HTTP_HX_REQUEST="true").content.decode()
    assert len(_lectures_des_personnes(requetes.captured_queries)) == 1
    recherche = f"/comites/points/{point.public_id}/personnes/"
    assert f'data-recherche="{recherche}?liste=referent"' in contenu
    assert f'data-recherche="{recherche}?liste=equipe"' in contenu

    # Assez de place pour l'équipe, pas pour le référent·e (la coordination en est aussi).
    equipe = len(list(accompagnement_forms.intervenants_de_terrain(programme.dispositif)))
    referents = len(list(accompagnement_forms.personnes_de_l_equipe(programme.dispositif)))
    assert referents > equipe
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", equipe)
    with CaptureQueriesContext(connection) as requetes:
        contenu = client.get(adresse, HTTP_HX_REQUEST="true").content.decode()
    assert len(_lectures_des_personnes(requetes.captured_queries)) == 2
    assert f'data-recherche="{recherche}?liste=referent"' in contenu
    assert f'data-recherche="{recherche}?liste=equipe"' not in contenu
    assert f'value="{programme.psychologue.pk}"' in contenu


def test_la_recherche_de_la_decision_pour_qui_decide(client):
    programme = Programme()
    point = _point(programme)
    _personne(programme.dispositif, Role.PSYCHOLOGUE, "Léa", "Quenouille")
    url = f"/comites/points/{point.public_id}/personnes/?liste=equipe&q=quenou"

    for qui in (programme.coordinateur, programme.cotech):
        client.force_login(qui)
        assert _resultats(client.get(url)) == ["Léa Quenouille · Psychologue"]

    # Refusé : qui ne siège pas au comité, ou n'y décide pas.
    hors_comite = membre(programme.dispositif, Role.MEMBRE_COTECH)
    for qui in (programme.ts, programme.agent, programme.copil, hors_comite):
        client.force_login(qui)
        assert client.get(url).status_code in (403, 404), qui
    client.force_login(membre(DispositifFactory(), Role.COORDINATEUR))
    assert client.get(url).status_code == 404


def test_des_listes_trouvees_longues_ne_se_relisent_pas_a_l_ouverture_suivante(client, seuil_bas):
    """Trouvées trop longues à une ouverture, les deux listes se cherchent à la suivante sans
    être relues (`core.widgets.sue_longue`), pour ce dispositif seulement : celui d'à côté, où
    elles tiennent entières, les lit et les montre."""
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    with CaptureQueriesContext(connection) as premiere:
        client.get(_ouvrir(equipe))
    with CaptureQueriesContext(connection) as suivante:
        contenu = client.get(_ouvrir(equipe)).content.decode()
    assert len(_lectures_des_personnes(premiere.captured_queries)) == 2
    assert _lectures_des_personnes(suivante.captured_queries) == []
    assert len(suivante.captured_queries) == len(premiere.captured_queries) - 2
    recherche = f"/menages/{equipe.menage.public_id}/accompagnement/personnes/"
    assert f'data-recherche="{recherche}?liste=referent"' in contenu
    assert f'data-recherche="{recherche}?liste=equipe"' in contenu
    assert f'value="{equipe.infirmier.pk}"' not in contenu

    petite = DispositifFactory()
    voisine = Equipe(dispositif=petite, reference="AUR-0001")
    seule = _personne(petite, Role.INFIRMIER, "Iris", "Seule")
    voisine.ts.adhesions.filter(dispositif=petite).update(role=Role.COORDINATEUR)
    voisine.autre_ts.adhesions.filter(dispositif=petite).delete()
    voisine.infirmier.adhesions.filter(dispositif=petite).delete()
    client.force_login(voisine.coordinateur)
    contenu = client.get(_ouvrir(voisine)).content.decode()
    assert f'data-recherche="/menages/{voisine.menage.public_id}' not in contenu
    assert CASE_EQUIPE.search(contenu)
    assert f'value="{seule.pk}"' in contenu
