"""Le réglage de la durée d'une invitation."""

from tests.core.test_reglages import LECTURE, lancer


def test_une_duree_d_invitation_nulle_est_refusee_au_demarrage():
    resultat = lancer(LECTURE, DEBUG="1", INVITATION_DUREE_JOURS="0")
    assert resultat.returncode != 0
    assert "INVITATION_DUREE_JOURS doit valoir au moins 1 jour" in resultat.stderr


def test_la_duree_d_invitation_se_lit_dans_l_environnement():
    resultat = lancer(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.INVITATION_DUREE_JOURS)",
        DEBUG="1",
        INVITATION_DUREE_JOURS="3",
    )
    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "3"
