"""Les bornes des saisies : dates entre 2000 et un an au plus, identifiants vérifiés avant la
base, nombres dont la longueur est vérifiée avant la conversion ; messages en français."""

from datetime import date, datetime, time, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.forms import OuvrirAccompagnementForm
from comites import services as comites
from comites.forms import PresencesForm
from core import bornes
from core.factories import UserFactory
from core.forms import ChoixModele, ChoixModeles, DateBornee, EntierBorne, MontantField
from core.models import User
from menages import services as menages
from tests.comites.situations import Programme

pytestmark = pytest.mark.django_db


def aujourd_hui():
    return timezone.localdate()


# --- Dates ------------------------------------------------------------------------------------


def test_une_date_va_du_1er_janvier_2000_a_un_an_d_ici():
    champ = DateBornee()
    assert champ.clean("2000-01-01") == date(2000, 1, 1)
    dans_un_an = aujourd_hui() + relativedelta(years=1)
    assert champ.clean(dans_un_an.isoformat()) == dans_un_an
    with pytest.raises(ValidationError, match="ne peut pas être antérieure au 01/01/2000"):
        champ.clean("1999-12-31")
    with pytest.raises(ValidationError, match="ne peut pas être postérieure au"):
        champ.clean((dans_un_an + timedelta(days=1)).isoformat())


@pytest.mark.parametrize("saisie", ["0001-01-01", "9999-12-31", "31/12/9999", "1" * 5000])
def test_une_date_hors_bornes_est_une_erreur_de_formulaire(saisie):
    with pytest.raises(ValidationError):
        DateBornee().clean(saisie)


def test_une_date_sans_futur_refuse_demain():
    champ = DateBornee(futur=bornes.AUCUN_FUTUR)
    assert champ.clean(aujourd_hui().isoformat()) == aujourd_hui()
    with pytest.raises(ValidationError, match="ne peut pas être dans le futur"):
        champ.clean((aujourd_hui() + timedelta(days=1)).isoformat())


# --- Identifiants -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "saisie", ["9" * 25, "9223372036854775808", "-1", "abc", "1e3", "1" * 5000, "\x00", " 1 2"]
)
def test_un_identifiant_mal_forme_est_refuse_avant_la_base(saisie, django_assert_num_queries):
    UserFactory()
    un, plusieurs = ChoixModele(User.objects.all()), ChoixModeles(User.objects.all())
    with django_assert_num_queries(0):
        with pytest.raises(ValidationError, match="Ce choix n'est pas proposé"):
            un.clean(saisie)
        with pytest.raises(ValidationError, match="Ce choix n'est pas proposé"):
            plusieurs.clean(["1", saisie])


def test_le_plus_grand_identifiant_64_bits_est_cherche_et_introuvable():
    with pytest.raises(ValidationError):
        ChoixModeles(User.objects.all()).clean([str(2**63 - 1)])
    with pytest.raises(ValidationError):
        ChoixModele(User.objects.all()).clean(str(2**63 - 1))


def test_un_identifiant_juste_est_accepte():
    personne = UserFactory()
    assert ChoixModele(User.objects.all()).clean(str(personne.pk)) == personne
    assert list(ChoixModeles(User.objects.all()).clean([str(personne.pk)])) == [personne]


def test_un_identifiant_public_doit_etre_un_uuid():
    personne = UserFactory()
    champ = ChoixModele(User.objects.all(), to_field_name="public_id")
    assert champ.clean(str(personne.public_id)) == personne
    with pytest.raises(ValidationError):
        champ.clean(str(personne.pk))


def test_trop_d_identifiants_a_la_fois_sont_refuses():
    with pytest.raises(ValidationError):
        ChoixModeles(User.objects.all()).clean([str(n) for n in range(1, 1002)])


def test_l_equipe_et_les_presences_refusent_un_identifiant_geant_en_francais():
    programme = Programme()
    form = OuvrirAccompagnementForm(
        {
            "date_debut": aujourd_hui().isoformat(),
            "referent": str(programme.ts.pk),
            "equipe": ["9" * 25],
        },
        menage=programme.orientation().menage,
    )
    assert form.errors == {
        "equipe": ["Ce choix n'est pas proposé : rechargez la page et choisissez dans la liste."]
    }
    seance = programme.seance()
    presences = PresencesForm({"presents": ["-" + "9" * 25]}, seance=seance)
    assert "presents" in presences.errors


# --- Nombres ----------------------------------------------------------------------------------


def test_un_entier_de_5000_chiffres_est_refuse_sans_conversion():
    with pytest.raises(ValidationError, match="Saisissez un nombre entier"):
        EntierBorne(min_value=0, max_value=20).clean("1" * 5000)


def test_un_montant_geant_ou_exponentiel_est_refuse():
    champ = MontantField()
    for saisie in ("1" * 5000, "1e400", "1E+20", "NaN", "-5"):
        with pytest.raises(ValidationError):
            champ.clean(saisie)
    assert str(champ.clean("1 234,56 €")) == "1234.56"


def test_les_champs_bornes_exigent_leurs_bornes():
    with pytest.raises(TypeError):
        EntierBorne()
    assert isinstance(EntierBorne(min_value=0, max_value=1), forms.IntegerField)


# --- Les services refusent aussi (commande, import, démonstration) -----------------------------


def test_un_accompagnement_ne_commence_ni_avant_2000_ni_dans_plus_d_un_an():
    programme = Programme()
    orientation = programme.orientation()
    for debut in (date(1999, 12, 31), date(9999, 12, 31), aujourd_hui() + relativedelta(years=2)):
        with pytest.raises(ValidationError, match="La date de début ne peut pas"):
            accompagnement.ouvrir_accompagnement(
                programme.coordinateur, orientation.menage, referent=programme.ts, date_debut=debut
            )


def test_un_plan_d_apurement_ne_commence_ni_avant_2000_ni_dans_plus_d_un_an():
    programme = Programme()
    menage = programme.orientation().menage
    for debut in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValidationError, match="La date de début du plan ne peut pas"):
            menages.enregistrer_plan_apurement(
                programme.coordinateur, menage, date_debut=debut, montant_mensuel=50
            )


def test_une_seance_se_planifie_entre_2000_et_l_an_prochain():
    programme = Programme()
    for annee in (1, 1999, 9999):
        moment = timezone.make_aware(datetime.combine(date(annee, 6, 1), time(14)))
        with pytest.raises(ValidationError):
            comites.planifier_seance(programme.coordinateur, programme.comite, date=moment)


def test_une_intervention_ne_se_date_pas_avant_2000():
    programme = Programme()
    suivi = accompagnement.ouvrir_accompagnement(
        programme.coordinateur, programme.orientation().menage, referent=programme.ts
    )
    with pytest.raises(ValidationError, match="d'avant 2000"):
        accompagnement.enregistrer_intervention(
            programme.ts,
            suivi,
            type="visite_domicile",
            date_heure=timezone.make_aware(datetime(1999, 12, 31, 10)),
        )
