"""Règles des mots de passe (CNIL, délibération 2022-100) : liste française, complexité ou
entropie, mot de passe de démonstration refusé hors mode développement."""

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as valider
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from core.factories import UserFactory
from core.mots_de_passe import (
    MotDePasseDemoValidator,
    MotsDePasseCourantsValidator,
    RobustesseValidator,
    mots_de_passe_courants,
)

PHRASE_SOLIDE = "girafe orange sous la pluie"
MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de UserFactory


def codes_refus(mot_de_passe, user=None):
    try:
        valider(mot_de_passe, user)
    except ValidationError as erreur:
        return {e.code for e in erreur.error_list}
    return set()


@pytest.mark.parametrize(
    "mot_de_passe",
    ["aaaaaaaaaaaa", "azertyuiop12", "motdepasse12", "demo-logisens", "Azerty123456!"],
)
def test_les_mots_de_passe_faibles_de_l_issue_sont_refuses(mot_de_passe):
    assert codes_refus(mot_de_passe)


def test_une_phrase_de_passe_solide_est_acceptee():
    assert codes_refus(PHRASE_SOLIDE) == set()


def test_douze_caracteres_aleatoires_des_quatre_types_sont_acceptes():
    assert codes_refus("Xk7#pQ2!mZ9w") == set()


def test_douze_caracteres_exiges():
    assert "password_too_short" in codes_refus("Xk7#pQ2!mZ9")


@pytest.mark.parametrize(
    "mot_de_passe",
    [
        "azertyuiop12",
        "motdepasse12",
        "Motdepasse12!",
        "M0tdepasse!!!!",
        "MOT DE PASSE 2024",
        "Soleil2024!!!",
        "Marseille13013",
        "!!Amélie1990!!",
        "qsdfghjklm!!",
    ],
)
def test_la_liste_francaise_refuse_les_mots_courants_meme_habilles(mot_de_passe):
    with pytest.raises(ValidationError) as erreur:
        MotsDePasseCourantsValidator().validate(mot_de_passe)
    assert erreur.value.code == "mot_de_passe_courant"
    assert "trop courant" in erreur.value.messages[0]


def test_la_liste_francaise_laisse_passer_une_phrase_de_passe():
    MotsDePasseCourantsValidator().validate(PHRASE_SOLIDE)


def test_la_liste_francaise_est_livree_avec_quelques_milliers_de_mots():
    mots = mots_de_passe_courants()
    assert len(mots) > 2000
    assert mots[:5] == ("123456", "azerty", "123456789", "000000", "motdepasse")
    for attendu in ("azertyuiop", "motdepasse", "soleil", "camille", "marseille", "logisens"):
        assert attendu in mots


@pytest.mark.parametrize("mot_de_passe", ["aaaaaaaaaaaa", "abcdefghijkl", "azertyuiop12"])
def test_la_robustesse_refuse_repetitions_suites_et_clavier(mot_de_passe):
    with pytest.raises(ValidationError) as erreur:
        RobustesseValidator().validate(mot_de_passe)
    assert erreur.value.code == "mot_de_passe_previsible"
    assert erreur.value.messages[0].startswith("Ce mot de passe est trop facile à deviner.")


def test_la_robustesse_dit_ce_qu_elle_a_reconnu():
    with pytest.raises(ValidationError) as erreur:
        RobustesseValidator().validate("aaaaaaaaaaaa")
    assert "des caractères ou des groupes répétés" in erreur.value.messages[0]


def test_sans_les_quatre_types_de_caracteres_il_faut_plus_d_entropie():
    # Environ 10¹⁰·⁵ essais l'un comme l'autre : assez avec les quatre types, pas sans.
    RobustesseValidator().validate("Lampe#Rouge7")
    with pytest.raises(ValidationError):
        RobustesseValidator().validate("lampe#rouge7")


def test_la_robustesse_tient_compte_du_nom_de_la_personne():
    user = UserFactory.build(email="berenice.quintard@exemple.test", last_name="Quintard")
    validateur = RobustesseValidator(essais_sans_complexite=10)
    validateur.validate("Quintardberenice")  # ni l'un ni l'autre ne sont connus de zxcvbn
    with pytest.raises(ValidationError):
        validateur.validate("Quintardberenice", user)


def test_un_mot_de_passe_tres_long_est_analyse_sans_erreur():
    RobustesseValidator().validate(PHRASE_SOLIDE * 10)


def test_le_mot_de_passe_de_demonstration_est_refuse_hors_debug():
    with pytest.raises(ValidationError) as erreur:
        MotDePasseDemoValidator().validate("demo-logisens")
    assert erreur.value.code == "mot_de_passe_demo"
    assert "démonstration" in erreur.value.messages[0]
    assert "mot_de_passe_demo" in codes_refus("Demo-Logisens-2024!")


@override_settings(DEMO_PASSWORD="Orque-Velours-Sabot-42")
def test_le_mot_de_passe_de_demonstration_configure_est_refuse_hors_debug():
    assert "mot_de_passe_demo" in codes_refus("Orque-Velours-Sabot-42")


@override_settings(DEBUG=True, DEMO_PASSWORD="Orque-Velours-Sabot-42")
def test_en_developpement_le_mot_de_passe_de_demonstration_est_permis():
    MotDePasseDemoValidator().validate("Orque-Velours-Sabot-42")
    assert codes_refus("Orque-Velours-Sabot-42") == set()


def test_les_aides_sont_en_francais():
    aides = " ".join(password_validators_help_texts())
    assert "mot de passe courant" in aides
    assert "difficile à deviner" in aides
    assert "démonstration" in aides


@pytest.mark.django_db
def test_changer_pour_un_mot_de_passe_faible_est_refuse_et_le_dit(client):
    user = UserFactory()
    client.force_login(user)
    reponse = client.post(
        reverse("password_change"),
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": "motdepasse12",
            "new_password2": "motdepasse12",
        },
    )
    assert reponse.status_code == 200
    assert "Ce mot de passe est trop courant" in reponse.content.decode()
    user.refresh_from_db()
    assert user.check_password(MOT_DE_PASSE)


@pytest.mark.django_db
def test_changer_pour_une_phrase_de_passe_solide_est_accepte(client):
    user = UserFactory()
    client.force_login(user)
    reponse = client.post(
        reverse("password_change"),
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": PHRASE_SOLIDE,
            "new_password2": PHRASE_SOLIDE,
        },
    )
    assert reponse.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PHRASE_SOLIDE)
