"""La commande seed_demo : refus hors mode développement, comptes affichés."""

import pytest
from django.core.management import CommandError, call_command

from core.models import Dispositif

ROLES = [
    "coordinateur",
    "ts",
    "infirmier",
    "psychologue",
    "bailleur",
    "cotech",
    "copil",
    "evaluateur",
]


@pytest.mark.django_db
def test_refuse_de_tourner_hors_mode_developpement():
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("seed_demo")
    assert not Dispositif.objects.exists()


def test_affiche_un_compte_par_role_et_par_programme_puis_l_administrateur(demo_chargee):
    lignes = demo_chargee.sortie.splitlines()
    assert lignes[:2] == [
        "Démonstration chargée.",
        "Comptes de démonstration (mot de passe : demo-logisens) :",
    ]
    comptes = [(ligne.split()[0], ligne.split()[-1]) for ligne in lignes[2:]]
    # Les prescripteurs des partenaires, là où un programme en a, après les rôles du programme.
    partenaires = {"nord": ["prescripteur"], "savoie": ["prescripteur", "prescripteur2"]}
    attendus = [
        (f"{prefixe}.{programme}@demo.test", programme)
        for programme in ["cantal", "declic", "nord", "savoie"]
        for prefixe in [*ROLES, *partenaires.get(programme, [])]
    ]
    assert comptes == [*attendus, ("financeur@demo.test", "tous"), ("admin@demo.test", "—")]
    assert f"  {'ts.cantal@demo.test':<36} {'Travailleur·se social·e':<32} cantal" in lignes
