"""Les lectures de la file active : la situation du jour de chaque ménage, et ce qu'une ligne
perd pour qui ne voit pas la dette (dans la page comme dans l'export)."""

from datetime import date
from decimal import Decimal

import pytest

from core.enums import Parcours, Role
from core.factories import MembreFactory
from ecrans import exports, selectors
from menages import services as services_menages
from menages.enums import Problematique, StadeProcedure, StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from tests.accompagnement.situations import Equipe, equipe_ouverte

pytestmark = pytest.mark.django_db

S = StatutOrientation


def membre(role, dispositif=None, **kwargs):
    if dispositif is not None:
        kwargs["dispositif"] = dispositif
    return MembreFactory(role=role, **kwargs)


def test_la_file_active_porte_la_derniere_orientation_et_la_derniere_dette():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    LogementFactory(menage=menage, commune="Aurillac")
    OrientationFactory(menage=menage, date_orientation=date(2025, 1, 6), statut=S.REFUSEE)
    OrientationFactory(
        menage=menage,
        date_orientation=date(2026, 3, 2),
        parcours=Parcours.MAINTIEN,
        avec_dette=True,
    )
    DetteLocativeFactory(menage=menage, date=date(2026, 3, 2), montant=Decimal("2450"))
    DetteLocativeFactory(menage=menage, date=date(2026, 6, 1), montant=Decimal("1900"))

    [ligne] = selectors.avec_commune(selectors.file_active(coordinateur.user))

    assert ligne.date_orientation == date(2026, 3, 2)
    assert ligne.statut == S.RECUE
    assert ligne.stade_procedure == StadeProcedure.ASSIGNATION
    assert ligne.commune == "Aurillac"
    assert ligne.dette == Decimal("1900")


def test_la_dette_et_la_procedure_sont_effacees_pour_qui_ne_les_voit_pas():
    """L'infirmière de l'équipe voit la ligne, sans sa dette ni sa procédure : la requête même
    les rend vides, ligne par ligne."""
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage)

    [vue_par_la_coordination] = selectors.file_active(equipe.coordinateur)
    assert vue_par_la_coordination.voit_dette is True
    assert vue_par_la_coordination.dette == Decimal("1200")

    [ligne] = selectors.file_active(equipe.infirmier)
    assert ligne.voit_dette is False
    assert ligne.dette is None
    assert ligne.stade_procedure is None
    [cellules] = exports.lignes_file_active(selectors.file_active(equipe.infirmier))
    export = dict(zip(exports.ENTETES_FILE_ACTIVE, cellules, strict=True))
    assert export["Dette locative (€)"] is None
    assert export["Procédure d'expulsion"] == ""


def test_la_file_d_un_travailleur_social_ne_recalcule_pas_sa_condition_pour_la_dette():
    """Le travailleur social voit la dette des ménages de son équipe, ceux-là mêmes de sa file :
    la requête ne refait pas la sous-requête de l'équipe pour chaque colonne de la dette."""
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage)

    file = selectors.file_active(equipe.ts)

    assert str(file.query).count("EXISTS") == 1
    [ligne] = file
    assert (ligne.voit_dette, ligne.dette, ligne.stade_procedure) == (
        True,
        Decimal("1200"),
        StadeProcedure.ASSIGNATION,
    )


def test_a_qui_tient_deux_roles_la_dette_se_montre_ligne_a_ligne():
    """Travailleur social dans un dispositif, infirmier dans un autre : sa file porte les deux
    ménages, la dette et la procédure du premier seulement ; la requête efface celles du
    second."""
    ici = equipe_ouverte(avec_dette=True)
    ailleurs = Equipe(nom="Bernard", reference="BER-1", avec_dette=True)
    MembreFactory(user=ici.ts, dispositif=ailleurs.dispositif, role=Role.INFIRMIER)
    ailleurs.infirmier = ici.ts
    ailleurs.ouvrir()
    for menage in (ici.menage, ailleurs.menage):
        DetteLocativeFactory(menage=menage)

    lignes = {ligne.pk: ligne for ligne in selectors.file_active(ici.ts)}

    assert set(lignes) == {ici.menage.pk, ailleurs.menage.pk}
    assert (lignes[ici.menage.pk].voit_dette, lignes[ici.menage.pk].dette) == (
        True,
        Decimal("1200"),
    )
    masquee = lignes[ailleurs.menage.pk]
    assert (masquee.voit_dette, masquee.dette, masquee.stade_procedure) == (False, None, None)


def test_les_problematiques_de_toutes_les_orientations_portees_par_le_menage_sans_doublon():
    """Les codes de toutes les orientations du ménage, triés, chacun une fois ; aucun pour un
    ménage dont les orientations n'en ont pas (sur SQLite comme sur PostgreSQL)."""
    coordinateur = membre(Role.COORDINATEUR)
    dispositif = coordinateur.dispositif
    suivi = MenageFactory(dispositif=dispositif, nom="Suivi")
    P = Problematique
    OrientationFactory(menage=suivi, problematiques=[P.ADDICTIONS, P.IMPAYES])
    OrientationFactory(
        menage=suivi,
        date_orientation=date(2026, 6, 1),
        problematiques=[P.IMPAYES, P.ISOLEMENT_RUPTURE],
    )
    sans = MenageFactory(dispositif=dispositif, nom="Sans")
    orientation = OrientationFactory(menage=sans)
    # Aucun service n'enlève une problématique : on l'enlève ici, puis on recalcule.
    orientation.problematiques.all().delete()
    services_menages.actualiser_situation([sans])

    attendus = sorted([P.IMPAYES, P.ISOLEMENT_RUPTURE, P.ADDICTIONS])
    codes = dict(
        selectors.file_active(coordinateur.user).values_list("nom", "codes_problematiques")
    )

    assert codes == {
        "Suivi": ",".join(attendus),
        "Sans": None,
    }
    lignes = {
        ligne[2]: ligne[9]
        for ligne in exports.lignes_file_active(selectors.file_active(coordinateur.user))
    }
    assert lignes["Sans"] == ""
    assert lignes["Suivi"] == " | ".join(str(Problematique(code).label) for code in attendus)
