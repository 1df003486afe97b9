"""La situation du jour portée par le ménage (dernière orientation, sa date et son statut,
dernière dette et sa date, problématiques de ses orientations) : après chaque chemin
d'écriture, elle égale le recalcul fait ici depuis les orientations et les relevés du ménage."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from accompagnement import services as accompagnement
from comites import services as comites
from comites.enums import TypeDecision
from core.enums import Role
from menages import services
from menages.enums import Problematique, Rattachement, StatutOrientation
from menages.factories import DetteLocativeFactory, MenageFactory, OrientationFactory
from menages.importation import importer_orientations
from menages.models import CHAMPS_DE_SITUATION, Menage
from rgpd import conservation
from tests.comites.situations import Programme
from tests.menages.test_import import fichier, ligne
from tests.menages.test_services import membre, une_fiche

pytestmark = pytest.mark.django_db

S = StatutOrientation


def recalcul(menage):
    """La situation du jour, recalculée en Python : l'orientation de date puis de création les
    plus récentes, le relevé de date puis de clé les plus récents."""
    orientations = sorted(
        menage.orientations.all(), key=lambda o: (o.date_orientation, o.cree_le, o.pk)
    )
    dettes = sorted(menage.dettes.all(), key=lambda d: (d.date, d.pk))
    derniere = orientations[-1] if orientations else None
    dette = dettes[-1] if dettes else None
    codes = sorted({p.code for o in orientations for p in o.problematiques.all()})
    return {
        "derniere_orientation": derniere.pk if derniere else None,
        "date_derniere_orientation": derniere.date_orientation if derniere else None,
        "statut_derniere_orientation": derniere.statut if derniere else None,
        "derniere_dette": dette.montant if dette else None,
        "date_derniere_dette": dette.date if dette else None,
        "codes_problematiques": ",".join(codes) or None,
    }


def portee(menage, champs=CHAMPS_DE_SITUATION):
    return Menage.objects.values(*champs).get(pk=menage.pk)


def verifier(menage):
    attendu = recalcul(menage)
    assert portee(menage) == attendu
    return attendu


# --- Les chemins d'écriture -------------------------------------------------------------------


def test_une_orientation_saisie_devient_la_derniere_avec_sa_dette():
    agent = membre(Role.AGENT_BAILLEUR)
    resultat = services.orienter_menage(agent.user, agent.dispositif, une_fiche())

    situation = verifier(resultat.orientation.menage)
    assert situation["derniere_orientation"] == resultat.orientation.pk
    assert situation["statut_derniere_orientation"] == S.RECUE
    assert situation["derniere_dette"] == Decimal("800")


def test_une_orientation_plus_recente_remplace_la_precedente_une_plus_ancienne_non():
    adhesion = membre(Role.AGENT_BAILLEUR)
    agent, dispositif = adhesion.user, adhesion.dispositif
    aujourd_hui = timezone.localdate()
    premiere = services.orienter_menage(
        agent, dispositif, une_fiche(date_orientation=aujourd_hui - timedelta(days=5))
    ).orientation
    recente = services.orienter_menage(
        agent, dispositif, une_fiche(date_orientation=aujourd_hui - timedelta(days=1))
    ).orientation
    services.orienter_menage(
        agent, dispositif, une_fiche(date_orientation=aujourd_hui - timedelta(days=9))
    )
    assert premiere.menage_id == recente.menage_id
    assert verifier(recente.menage)["derniere_orientation"] == recente.pk


def test_le_changement_de_statut_suit_la_derniere_orientation():
    programme = Programme()
    orientation = programme.orientation(statut=S.A_EXAMINER)
    services.changer_statut_orientation(programme.coordinateur, orientation, S.EN_ATTENTE)
    assert verifier(orientation.menage)["statut_derniere_orientation"] == S.EN_ATTENTE


def test_l_ordre_du_jour_et_la_decision_du_comite_se_portent_sur_le_menage():
    programme = Programme()
    orientation = programme.orientation(statut=S.RECUE)
    seance = programme.seance()
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    assert verifier(orientation.menage)["statut_derniere_orientation"] == S.A_EXAMINER

    point = seance.points.get(menage=orientation.menage)
    comites.decider(programme.cotech, point, TypeDecision.REFUS, motifs="Hors critères.")
    assert verifier(orientation.menage)["statut_derniere_orientation"] == S.REFUSEE


def test_ouvrir_l_accompagnement_admet_la_derniere_orientation():
    programme = Programme()
    orientation = programme.orientation(statut=S.A_EXAMINER)
    accompagnement.ouvrir_accompagnement(
        programme.coordinateur, orientation.menage, referent=programme.ts
    )
    assert verifier(orientation.menage)["statut_derniere_orientation"] == S.ADMISE


def test_l_import_porte_la_situation_de_chaque_menage():
    programme = Programme()
    importer_orientations(
        fichier(
            ligne(reference_locataire="L-1", dette_locative="1200"),
            ligne(reference_locataire="L-2", date_orientation="20/03/2026"),
            ligne(reference_locataire="L-2", date_orientation="10/03/2026", parcours="acces"),
        ),
        programme.dispositif,
    )
    un, deux = Menage.objects.order_by("reference_locataire")
    assert verifier(un)["derniere_dette"] == Decimal("1200")
    assert verifier(deux)["date_derniere_orientation"].day == 20


def test_le_rattachement_porte_l_orientation_sur_le_menage_connu():
    programme = Programme()
    connu = programme.orientation("Connu", statut=S.ADMISE).menage
    connu.reference_locataire = "R-1"
    connu.save()
    provisoire = MenageFactory(
        dispositif=programme.dispositif,
        reference_locataire="R-1",
        doublon_possible_de=connu,
        provisoire=True,
    )
    a_rattacher = OrientationFactory(
        menage=provisoire, statut=S.A_RATTACHER, date_orientation=timezone.localdate()
    )
    DetteLocativeFactory(menage=provisoire, date=timezone.localdate(), montant=Decimal("50"))
    services.rattacher_orientation(programme.coordinateur, a_rattacher)
    situation = verifier(connu)
    assert situation["derniere_orientation"] == a_rattacher.pk
    assert situation["statut_derniere_orientation"] == S.RECUE
    assert situation["derniere_dette"] == Decimal("50")
    a_rattacher.refresh_from_db()
    assert a_rattacher.rattachement == Rattachement.RATTACHEE


def test_la_dette_relevee_puis_relevee_encore_et_completee():
    programme = Programme()
    orientation = programme.orientation(statut=S.ADMISE)
    menage = orientation.menage
    aujourd_hui = timezone.localdate()
    services.relever_dette(programme.coordinateur, menage, aujourd_hui, Decimal("900"))
    assert verifier(menage)["derniere_dette"] == Decimal("900")
    # Un relevé du même jour corrige le précédent ; un relevé plus ancien ne le remplace pas.
    services.relever_dette(programme.coordinateur, menage, aujourd_hui, Decimal("700"))
    services.relever_dette(
        programme.coordinateur, menage, aujourd_hui - timedelta(days=30), Decimal("5000")
    )
    assert verifier(menage)["derniere_dette"] == Decimal("700")

    sans_dette = programme.orientation("Sans dette", statut=S.RECUE)
    services.completer_dette_orientation(
        programme.agent, sans_dette, dette_locative=Decimal("300"), stade_procedure=""
    )
    assert verifier(sans_dette.menage)["derniere_dette"] == Decimal("300")


def test_la_suppression_d_un_releve_se_recalcule():
    programme = Programme()
    menage = programme.orientation(statut=S.ADMISE).menage
    premier = DetteLocativeFactory(menage=menage, date=timezone.localdate() - timedelta(days=9))
    dernier = DetteLocativeFactory(menage=menage, date=timezone.localdate(), montant=Decimal("10"))
    assert verifier(menage)["derniere_dette"] == Decimal("10")
    # Seul le ménage entier supprime ses relevés (un relevé ne se modifie jamais) ; le recalcul
    # reste juste s'il en manque un.
    dernier.delete()
    services.actualiser_situation([menage.pk])
    assert verifier(menage)["derniere_dette"] == premier.montant


def test_l_anonymisation_garde_une_situation_juste():
    programme = Programme()
    orientation = programme.orientation(statut=S.ADMISE)
    DetteLocativeFactory(menage=orientation.menage)
    conservation.anonymiser_menage(orientation.menage, dernier_contact=timezone.localdate())
    assert verifier(orientation.menage)["derniere_orientation"] == orientation.pk


def test_un_menage_enregistre_en_entier_ne_ramene_pas_sa_situation_en_arriere():
    programme = Programme()
    menage = programme.orientation(statut=S.ADMISE).menage
    vieux = Menage.objects.get(pk=menage.pk)
    OrientationFactory(menage=menage, date_orientation=timezone.localdate(), statut=S.RECUE)
    vieux.nom = "Renommé"
    vieux.save()
    assert verifier(menage)["statut_derniere_orientation"] == S.RECUE
    assert Menage.objects.get(pk=menage.pk).nom == "Renommé"


def test_la_migration_remplit_la_situation_et_se_defait():
    programme = Programme()
    orientation = programme.orientation(statut=S.EN_ATTENTE)
    DetteLocativeFactory(menage=orientation.menage, montant=Decimal("42"))
    # Les champs de cette migration : les problématiques sont venues après (0016).
    champs = [champ for champ in CHAMPS_DE_SITUATION if champ != "codes_problematiques"]
    attendu = {champ: recalcul(orientation.menage)[champ] for champ in champs}
    migration = import_module("menages.migrations.0014_situation_du_jour")

    migration.vider(apps, None)
    assert set(portee(orientation.menage, champs).values()) == {None}

    migration.remplir(apps, None)
    assert portee(orientation.menage, champs) == attendu


def test_la_migration_remplit_les_problematiques():
    programme = Programme()
    P = Problematique
    orientation = programme.orientation(problematiques=[P.IMPAYES, P.ADDICTIONS])
    OrientationFactory(menage=orientation.menage, problematiques=[P.ANIMAUX, P.IMPAYES])
    sans = MenageFactory(dispositif=orientation.menage.dispositif)
    Menage.objects.update(codes_problematiques="effacé")
    migration = import_module("menages.migrations.0016_problematiques_du_menage")

    migration.remplir(apps, None)

    assert Menage.objects.get(pk=orientation.menage.pk).codes_problematiques == (
        "addictions,animaux,impayes"
    )
    assert Menage.objects.get(pk=sans.pk).codes_problematiques is None
