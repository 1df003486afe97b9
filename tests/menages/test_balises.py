"""Les balises des gabarits des ménages : le badge du statut d'une orientation."""

from django.template import engines

from menages.enums import StatutOrientation


def _badge(statut):
    gabarit = engines["django"].from_string("{% load menages_tags %}{% badge_statut statut %}")
    return gabarit.render({"statut": statut})


def test_le_badge_porte_la_classe_et_le_libelle_du_statut():
    assert _badge(StatutOrientation.A_EXAMINER) == (
        '<span class="badge statut-a_examiner">À examiner en COTECH</span>\n'
    )


def test_sans_statut_pas_de_badge():
    assert _badge("") == ""
    assert _badge(None) == ""
