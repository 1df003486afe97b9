"""Le classement des logements vacants : un calcul pur, vérifié à la main."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from acces.classement import Criteres, classer, evaluer, taux_effort

ANNECY, ARVE, LEMAN = 1, 2, 3
SEYNOD = 10


def logement(**champs):
    valeurs = {
        "territoire_id": ANNECY,
        "territoire": "Annecy",
        "commune_du_dispositif_id": None,
        "commune": "Annecy",
        "typologie": "T3",
        "etage": 1,
        "ascenseur": True,
        "accessible_pmr": False,
        "proche_transports": False,
        "proche_soins": False,
        "animaux_acceptes": True,
        "loyer": Decimal("450"),
        "charges": Decimal("90"),
        "apl_estimee": Decimal("280"),
        "disponible_le": date(2026, 1, 15),
    }
    valeurs.update(champs)
    return SimpleNamespace(**valeurs)


def textes(adequation):
    return [raison.texte for raison in adequation.raisons]


def test_taux_effort_calcule_a_la_main():
    # (450 + 90 − 280) / 900 = 260 / 900 = 28,88… → 28,9 %
    assert taux_effort(Decimal(450), Decimal(90), Decimal(280), Decimal(900)) == Decimal("28.9")


def test_taux_effort_inconnu_sans_ressources():
    assert taux_effort(Decimal(450), Decimal(90), Decimal(280), None) is None
    assert taux_effort(Decimal(450), Decimal(90), Decimal(280), Decimal(0)) is None


def test_taux_effort_jamais_negatif_quand_l_apl_couvre_tout():
    assert taux_effort(Decimal(300), Decimal(0), Decimal(350), Decimal(800)) == Decimal("0.0")


def test_typologie_demandee_et_trouvee():
    adequation = evaluer(Criteres(typologie_min="T3"), logement(typologie="T3"))
    assert "T3 demandé : T3" in textes(adequation)
    assert adequation.raisons[0].favorable


def test_typologie_ecart_penalise_par_piece():
    un = evaluer(Criteres(typologie_min="T3"), logement(typologie="T4"))
    deux = evaluer(Criteres(typologie_min="T3"), logement(typologie="T5"))
    assert "T3 demandé : T4" in textes(un)
    assert un.score == -15 and deux.score == -30


def test_fourchette_de_typologie():
    adequation = evaluer(Criteres(typologie_min="T2", typologie_max="T3"), logement(typologie="T2"))
    assert "T2 à T3 demandé : T2" in textes(adequation)


def test_secteur_evite_ecarte_le_logement():
    adequation = evaluer(
        Criteres(secteurs_evites=frozenset({ARVE})), logement(territoire_id=ARVE, territoire="Arve")
    )
    assert adequation.ecarte
    assert "secteur évité : Arve" in textes(adequation)


def test_commune_souhaitee_fait_monter():
    adequation = evaluer(
        Criteres(communes_souhaitees=frozenset({SEYNOD})),
        logement(commune_du_dispositif_id=SEYNOD, commune="Seynod"),
    )
    assert "commune souhaitée : Seynod" in textes(adequation)
    assert adequation.score == 30


def test_etage_sans_ascenseur_au_dela_du_maximum():
    adequation = evaluer(Criteres(etage_max=2), logement(etage=4, ascenseur=False))
    assert "4e sans ascenseur" in textes(adequation)
    assert adequation.ecarte


def test_etage_avec_ascenseur_convient():
    adequation = evaluer(Criteres(etage_max=2), logement(etage=4, ascenseur=True))
    assert "4e avec ascenseur" in textes(adequation)
    assert not adequation.ecarte


def test_rez_de_chaussee_sans_ascenseur_convient_toujours():
    adequation = evaluer(Criteres(ascenseur_necessaire=True), logement(etage=0, ascenseur=False))
    assert not adequation.ecarte


def test_animaux_non_acceptes():
    adequation = evaluer(Criteres(animaux=True), logement(animaux_acceptes=False))
    assert adequation.ecarte and "animaux non acceptés" in textes(adequation)


def test_taux_effort_trop_haut_signale():
    # (700 + 100 − 100) / 1 000 = 70 %
    adequation = evaluer(
        Criteres(ressources_mensuelles=Decimal(1000)),
        logement(loyer=Decimal(700), charges=Decimal(100), apl_estimee=Decimal(100)),
    )
    assert adequation.taux_effort == Decimal("70.0")
    assert "taux d'effort 70,0 % (au-delà de 35 %)" in textes(adequation)


def test_classement_met_le_mieux_adapte_en_tete_et_les_ecartes_en_dernier():
    criteres = Criteres(
        secteurs_souhaites=frozenset({ANNECY}),
        secteurs_evites=frozenset({ARVE}),
        typologie_min="T3",
        etage_max=1,
        ressources_mensuelles=Decimal(900),
    )
    parfait = logement()
    trop_petit = logement(typologie="T2")
    arve = logement(territoire_id=ARVE, territoire="Arve")
    leman_cher = logement(territoire_id=LEMAN, territoire="Léman", loyer=Decimal(800))
    perche = logement(etage=3, ascenseur=False)
    ordre = [a.logement for a in classer(criteres, [arve, perche, leman_cher, trop_petit, parfait])]
    assert ordre[0] is parfait
    assert ordre[1] is trop_petit
    assert set(map(id, ordre[-2:])) == {id(arve), id(perche)}


def test_a_score_egal_le_taux_d_effort_le_plus_bas_d_abord():
    criteres = Criteres(ressources_mensuelles=Decimal(1000))
    cher = logement(loyer=Decimal(500))
    moins_cher = logement(loyer=Decimal(400))
    assert [a.logement for a in classer(criteres, [cher, moins_cher])] == [moins_cher, cher]
