"""L'équipe d'un accompagnement est datée : seules les places en cours ouvrent des droits, les
autres restent lisibles comme historique."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accompagnement import services
from accompagnement.models import MembreEquipe
from accompagnement.selectors import accompagnements_visibles
from core.enums import Role
from menages.selectors import menages_visibles
from tests.outils import membre, texte

from .situations import equipe_ouverte

pytestmark = pytest.mark.django_db


def test_retire_de_l_equipe_la_personne_garde_sa_ligne_datee_et_ne_voit_plus_le_menage():
    equipe = equipe_ouverte()
    assert equipe.menage in menages_visibles(equipe.infirmier)
    services.modifier_equipe(
        equipe.coordinateur, equipe.accompagnement, referent=equipe.ts, equipe=[equipe.autre_ts]
    )
    ligne = MembreEquipe.objects.get(accompagnement=equipe.accompagnement, user=equipe.infirmier)
    assert ligne.date_fin == timezone.localdate()
    assert ligne.retire_par == equipe.coordinateur
    assert equipe.menage not in menages_visibles(equipe.infirmier)
    assert equipe.accompagnement not in accompagnements_visibles(equipe.infirmier)
    # Les autres gardent leur accès.
    assert equipe.menage in menages_visibles(equipe.autre_ts)


def test_une_personne_peut_revenir_dans_l_equipe():
    equipe = equipe_ouverte()
    accompagnement = equipe.accompagnement
    services.modifier_equipe(equipe.coordinateur, accompagnement, referent=equipe.ts, equipe=[])
    services.modifier_equipe(
        equipe.coordinateur, accompagnement, referent=equipe.ts, equipe=[equipe.infirmier]
    )
    lignes = MembreEquipe.objects.filter(accompagnement=accompagnement, user=equipe.infirmier)
    assert lignes.count() == 2
    assert lignes.filter(date_fin__isnull=True).count() == 1
    assert equipe.menage in menages_visibles(equipe.infirmier)


def test_deux_places_en_cours_pour_la_meme_personne_sont_refusees_par_la_base():
    equipe = equipe_ouverte()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembreEquipe.objects.create(
            accompagnement=equipe.accompagnement, user=equipe.ts, profession="travailleur_social"
        )


def test_une_fin_a_venir_laisse_l_acces_jusqu_a_ce_jour():
    equipe = equipe_ouverte()
    MembreEquipe.objects.filter(user=equipe.infirmier).update(
        date_fin=timezone.localdate() + timedelta(days=3)
    )
    assert equipe.menage in menages_visibles(equipe.infirmier)
    MembreEquipe.objects.filter(user=equipe.infirmier).update(date_fin=timezone.localdate())
    assert equipe.menage not in menages_visibles(equipe.infirmier)


def test_l_historique_de_l_equipe_se_lit_sur_la_page_de_l_accompagnement(client):
    equipe = equipe_ouverte()
    services.modifier_equipe(
        equipe.coordinateur, equipe.accompagnement, referent=equipe.ts, equipe=[equipe.autre_ts]
    )
    client.force_login(equipe.coordinateur)
    contenu = texte(client.get(equipe.url("detail")))
    assert "Ont fait partie de l'équipe (1)" in contenu
    historique = contenu.split('id="historique-equipe"')[1].split("</details>")[0]
    assert equipe.infirmier.get_full_name() in historique
    equipe_actuelle = contenu.split('id="equipe"')[1].split("</ul>")[0]
    assert equipe.infirmier.get_full_name() not in equipe_actuelle


def test_l_agent_du_bailleur_ne_lit_pas_l_historique_de_l_equipe(client):
    equipe = equipe_ouverte()
    services.modifier_equipe(
        equipe.coordinateur, equipe.accompagnement, referent=equipe.ts, equipe=[equipe.autre_ts]
    )
    agent = membre(equipe.dispositif, Role.AGENT_BAILLEUR)
    equipe.orientation.orientee_par = agent
    equipe.orientation.save()
    client.force_login(agent)
    reponse = client.get(equipe.url("detail"))
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "historique-equipe" not in contenu
    assert equipe.infirmier.get_full_name() not in contenu


def test_les_participants_proposes_sont_l_equipe_en_cours(client):
    equipe = equipe_ouverte()
    services.modifier_equipe(
        equipe.coordinateur, equipe.accompagnement, referent=equipe.ts, equipe=[equipe.autre_ts]
    )
    client.force_login(equipe.ts)
    contenu = texte(client.get(equipe.url("intervention")))
    assert equipe.autre_ts.get_full_name() in contenu
    assert equipe.infirmier.get_full_name() not in contenu


def test_la_migration_sort_des_equipes_qui_n_a_plus_d_adhesion_active():
    from importlib import import_module

    from django.apps import apps

    from core.models import Membre

    migration = import_module("accompagnement.migrations.0007_equipe_datee")
    equipe = equipe_ouverte()
    Membre.objects.filter(user=equipe.infirmier).update(actif=False)
    migration.retirer_les_anciens_membres(apps, None)
    fermees = MembreEquipe.objects.filter(date_fin__isnull=False)
    assert list(fermees.values_list("user", flat=True)) == [equipe.infirmier.pk]
    assert MembreEquipe.objects.filter(date_fin__isnull=True).count() == 2
