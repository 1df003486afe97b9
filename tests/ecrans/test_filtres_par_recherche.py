"""Les filtres « Référent·e » de la file active et « Personne » du journal d'accès parmi des
centaines de personnes : au-delà du seuil, la liste n'est plus rendue ; on cherche par le nom,
le serveur propose selon les droits de la personne, et le filtre choisi s'applique comme avant."""

import json
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.services import ouvrir_accompagnement
from core import widgets as core_widgets
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit
from core.widgets import SANS_JAVASCRIPT
from tests.outils import connecte, noms_affiches

from .test_file_active import oriente
from .test_journal import lignes_affichees, trace, url

pytestmark = pytest.mark.django_db

FILE_ACTIVE = reverse("ecrans:file_active")
REFERENTS = reverse("ecrans:referents")


@pytest.fixture
def seuil_bas(monkeypatch):
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)


def _personne(dispositif, role, prenom, nom):
    return MembreFactory(
        dispositif=dispositif, role=role, user=UserFactory(first_name=prenom, last_name=nom)
    ).user


def _suivi_par(dispositif, nom, referent):
    """Un ménage accompagné, dont `referent` est le ou la référent·e (et donc de l'équipe)."""
    menage = oriente(dispositif, nom)
    coordination = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    ouvrir_accompagnement(
        coordination, menage, referent=referent, equipe=[], date_debut=timezone.localdate()
    )
    return menage


def _resultats(reponse):
    assert reponse.status_code == 200
    return json.loads(reponse.content)["resultats"]


def test_file_active_au_dela_du_seuil_le_referent_se_cherche(client, seuil_bas):
    coordination = connecte(client, Role.COORDINATEUR)
    dispositif = coordination.dispositif
    anne = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Anne", "Vasseur")
    bruno = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Bruno", "Vidal")
    _suivi_par(dispositif, "SUIVI", anne)
    _suivi_par(dispositif, "AUTRE", bruno)

    contenu = client.get(FILE_ACTIVE).content.decode()
    assert f'data-recherche="{REFERENTS}?liste=referent"' in contenu
    assert "Vasseur" not in contenu and "Vidal" not in contenu
    assert SANS_JAVASCRIPT in contenu

    # Le référent choisi, jamais rendu dans la liste, filtre comme avant, et reste affiché.
    reponse = client.get(FILE_ACTIVE, {"referent": anne.pk})
    assert noms_affiches(reponse) == ["SUIVI"]
    assert f'<option value="{anne.pk}" selected>Anne Vasseur</option>' in reponse.content.decode()
    assert "Vidal" not in reponse.content.decode()


def test_le_referent_choisi_se_lit_une_fois(client, seuil_bas):
    """Validé par le filtre, le ou la référent·e choisi·e n'est pas relu·e pour s'afficher : la
    liste des référent·es se lit deux fois (la valeur reçue, puis ses premières lignes pour
    savoir qu'elle se cherche), pas trois."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordination = connecte(client, Role.COORDINATEUR)
    dispositif = coordination.dispositif
    anne = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Anne", "Vasseur")
    _suivi_par(dispositif, "SUIVI", anne)
    _suivi_par(dispositif, "AUTRE", _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "B", "Vidal"))

    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(FILE_ACTIVE, {"referent": anne.pk})

    lectures = [
        requete["sql"]
        for requete in requetes.captured_queries
        if requete["sql"].startswith('SELECT "core_user"."id", "core_user"."first_name"')
    ]
    assert len(lectures) == 2
    assert f'<option value="{anne.pk}" selected>Anne Vasseur</option>' in reponse.content.decode()
    assert noms_affiches(reponse) == ["SUIVI"]


def test_file_active_sous_le_seuil_la_liste_est_entiere(client):
    coordination = connecte(client, Role.COORDINATEUR)
    anne = _personne(coordination.dispositif, Role.TRAVAILLEUR_SOCIAL, "Anne", "Vasseur")
    _suivi_par(coordination.dispositif, "SUIVI", anne)
    contenu = client.get(FILE_ACTIVE).content.decode()
    assert "data-recherche" not in contenu
    assert f'<option value="{anne.pk}">Anne Vasseur</option>' in contenu


def test_la_recherche_des_referents_suit_ce_que_la_personne_voit(client):
    dispositif = DispositifFactory()
    anne = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Anne", "Vasseur")
    bruno = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Bruno", "Vasseur")
    _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Sans", "Vasseur")  # référent de rien
    _suivi_par(dispositif, "SUIVI", anne)
    _suivi_par(dispositif, "AUTRE", bruno)
    ailleurs = DispositifFactory()
    _suivi_par(ailleurs, "LOIN", _personne(ailleurs, Role.TRAVAILLEUR_SOCIAL, "Z", "Vasseur"))

    client.force_login(MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user)
    assert _resultats(client.get(REFERENTS, {"liste": "referent", "q": "vass"})) == [
        {"value": str(anne.pk), "text": "Anne Vasseur"},
        {"value": str(bruno.pk), "text": "Bruno Vasseur"},
    ]
    # Le travailleur social ne voit que les accompagnements de ses équipes : Anne seule.
    client.force_login(anne)
    assert _resultats(client.get(REFERENTS, {"liste": "referent", "q": "vass"})) == [
        {"value": str(anne.pk), "text": "Anne Vasseur"}
    ]


def test_la_recherche_des_referents_est_refusee_a_qui_n_a_pas_la_file_active(client):
    dispositif = DispositifFactory()
    assert client.get(REFERENTS, {"liste": "referent", "q": "va"}).status_code == 302
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.MEMBRE_COPIL).user)
    assert client.get(REFERENTS, {"liste": "referent", "q": "va"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(REFERENTS, {"liste": "referent", "q": "va"}).status_code == 403


def test_l_export_ne_lit_pas_la_liste_des_referents(client, seuil_bas, django_assert_num_queries):
    coordination = connecte(client, Role.COORDINATEUR)
    dispositif = coordination.dispositif
    for rang in range(3):
        _suivi_par(
            dispositif, f"M{rang}", _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "A", f"N{rang}")
        )
    client.get(reverse("ecrans:export_csv"))
    with django_assert_num_queries(7):
        reponse = client.get(reverse("ecrans:export_csv"))
        reponse.getvalue()


def test_journal_au_dela_du_seuil_la_personne_se_cherche(client, seuil_bas):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    dispositif = coordination.dispositif
    ts = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Léa", "Ostrowski")
    _personne(dispositif, Role.INFIRMIER, "Paul", "Ostrowski")
    trace(dispositif, user=ts, email=ts.email, date=timezone.make_aware(datetime(2026, 3, 10)))
    client.force_login(coordination.user)

    recherche = reverse("ecrans:personnes_du_journal", args=[dispositif.slug])
    contenu = client.get(url(dispositif)).content.decode()
    assert f'data-recherche="{recherche}?liste=personne"' in contenu
    assert "Ostrowski (" not in contenu  # aucune option de personne

    reponse = client.get(url(dispositif), {"personne": str(ts.public_id)})
    assert len(lignes_affichees(reponse)) == 1
    assert f'<option value="{ts.public_id}" selected>' in reponse.content.decode()

    # La recherche rend l'identifiant public que le filtre attend, et cherche aussi l'adresse.
    trouves = _resultats(client.get(recherche, {"liste": "personne", "q": "ostrowski léa"}))
    assert trouves == [{"value": str(ts.public_id), "text": f"Léa Ostrowski ({ts.email})"}]
    par_adresse = _resultats(client.get(recherche, {"liste": "personne", "q": ts.email[:6]}))
    assert str(ts.public_id) in [r["value"] for r in par_adresse]


def test_la_recherche_du_journal_est_refusee_hors_de_la_coordination(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    dispositif = coordination.dispositif
    recherche = reverse("ecrans:personnes_du_journal", args=[dispositif.slug])
    parametres = {"liste": "personne", "q": "pr"}
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL):
        client.force_login(MembreFactory(dispositif=dispositif, role=role).user)
        assert client.get(recherche, parametres).status_code in (403, 404), role
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)
    assert client.get(recherche, parametres).status_code == 404
    assert JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).count() == 0


def test_la_liste_des_referents_sue_longue_l_est_pour_chacun_selon_ses_droits(client, seuil_bas):
    """Trouvée trop longue pour la coordination, la liste des référent·es se cherche à sa page
    suivante sans être relue ; le verdict est le sien (ses droits font sa liste) : le travailleur
    social de l'équipe, qui ne voit qu'un référent·e, a sa liste entière."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coordination = connecte(client, Role.COORDINATEUR)
    dispositif = coordination.dispositif
    anne = _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "Anne", "Vasseur")
    _suivi_par(dispositif, "SUIVI", anne)
    _suivi_par(dispositif, "AUTRE", _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "B", "Vidal"))

    def lectures(requetes):
        return [
            r
            for r in requetes.captured_queries
            if r["sql"].startswith('SELECT "core_user"."id", "core_user"."first_name"')
        ]

    with CaptureQueriesContext(connection) as premiere:
        client.get(FILE_ACTIVE)
    with CaptureQueriesContext(connection) as suivante:
        contenu = client.get(FILE_ACTIVE).content.decode()
    assert len(lectures(premiere)) == 1
    assert lectures(suivante) == []
    assert f'data-recherche="{REFERENTS}?liste=referent"' in contenu
    assert "Vasseur" not in contenu

    client.force_login(anne)
    contenu = client.get(FILE_ACTIVE).content.decode()
    assert f'data-recherche="{REFERENTS}?liste=referent"' not in contenu
    assert f'<option value="{anne.pk}">Anne Vasseur</option>' in contenu
