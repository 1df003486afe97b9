"""`get_<champ>_display()` des modèles à choix (core.models.LibellesDesChoix) : le même libellé
que Django pour chaque valeur de chaque champ, la valeur elle-même quand elle n'est pas un choix,
et le dictionnaire des choix fait une fois par champ, pas à chaque appel."""

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from core import models as core_models
from core.enums import Role
from core.models import LibellesDesChoix, Membre

NOS_APPS = {"core", "menages", "accompagnement", "comites", "acces", "equipes", "rgpd", "rapports"}


def _modeles_a_choix():
    return [
        modele
        for modele in apps.get_models()
        if modele._meta.app_label in NOS_APPS
        and not modele.__name__.startswith("Historical")
        and any(champ.choices for champ in modele._meta.concrete_fields)
    ]


def test_chaque_modele_a_choix_lit_ses_libelles_une_fois():
    sans = [m.__name__ for m in _modeles_a_choix() if not issubclass(m, LibellesDesChoix)]
    assert sans == []


def test_le_libelle_est_celui_de_django_pour_chaque_valeur_et_une_valeur_inconnue():
    verifies = 0
    for modele in _modeles_a_choix():
        for champ in modele._meta.concrete_fields:
            if not champ.choices:
                continue
            afficher = getattr(modele, f"get_{champ.name}_display")
            for valeur in [v for v, _ in champ.flatchoices] + ["valeur-inconnue", None]:
                objet = modele()
                setattr(objet, champ.attname, valeur)
                assert afficher(objet) == Model._get_FIELD_display(objet, champ), (
                    modele.__name__,
                    champ.name,
                    valeur,
                )
                verifies += 1
    assert verifies > 200


def test_le_dictionnaire_des_choix_est_fait_une_fois_par_champ():
    core_models._libelles_des_choix.cache_clear()
    for role in (Role.COORDINATEUR, Role.INFIRMIER, Role.COORDINATEUR):
        assert Membre(role=role).get_role_display() == role.label
    assert core_models._libelles_des_choix.cache_info().misses == 1
    assert core_models._libelles_des_choix.cache_info().hits == 2


def test_le_libelle_se_rend_dans_la_langue_du_moment():
    membre = Membre(role=Role.COORDINATEUR)
    with translation.override("fr"):
        assert isinstance(membre.get_role_display(), str)
        assert membre.get_role_display() == str(Role.COORDINATEUR.label)
