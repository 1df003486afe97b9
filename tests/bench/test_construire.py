"""Le constructeur du jeu national, à petite échelle : les lignes sont là, par les modèles, les
textes chiffrés, les deux ménages repérables en place."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accompagnement.models import Accompagnement, Intervention, MembreEquipe
from bench.__main__ import main
from bench.construire import (
    JOURNAL_PAR_MENAGE,
    NATIONAL,
    PHRASES,
    REFERENCE_30,
    REFERENCE_500,
    SECOND,
)
from bench.mesurer import Jeu
from comites.models import Decision, PointOrdreDuJour, Seance
from core.models import Dispositif, HabilitationNationale, JournalAudit, User
from menages.models import Menage

pytestmark = pytest.mark.django_db


def _interventions(reference):
    return Intervention.objects.filter(
        accompagnement__menage__reference_locataire=reference,
        accompagnement__dispositif__slug=NATIONAL,
    ).count()


def test_construit_les_deux_dispositifs_a_petite_echelle(capsys):
    assert main(["construire", "--menages", "20", "--second", "5"]) == 0

    assert Menage.objects.filter(dispositif__slug=NATIONAL).count() == 20
    assert Menage.objects.filter(dispositif__slug=SECOND).count() == 5
    assert _interventions(REFERENCE_500) == 500
    assert _interventions(REFERENCE_30) == 30
    # Environ 40 interventions par ménage, en comptant le ménage à 500.
    assert Intervention.objects.filter(accompagnement__dispositif__slug=SECOND).count() >= 5
    assert Seance.objects.filter(comite__dispositif__slug=NATIONAL).count() > 24
    assert Decision.objects.filter(menage__dispositif__slug=NATIONAL).exists()
    # Le journal d'accès de deux ans : lectures de notes « soignants » du dispositif surtout,
    # connexions sans dispositif.
    journal = JournalAudit.objects.exclude(email__startswith="admin")
    assert journal.filter(dispositif__slug=NATIONAL).count() > 20 * JOURNAL_PAR_MENAGE // 2
    assert journal.filter(
        action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS, menage_public_id__isnull=False
    ).exists()
    assert journal.filter(action=JournalAudit.Action.CONNEXION, dispositif=None).exists()
    sortie = capsys.readouterr().out
    assert "banc-national" in sortie and "accompagnement.Intervention" in sortie


def test_le_travailleur_social_repere_est_dans_les_deux_equipes():
    main(["construire", "--menages", "20", "--second", "0"])
    ts = User.objects.get(email=f"ts.repere@{NATIONAL}.test")
    for reference in (REFERENCE_500, REFERENCE_30):
        accompagnement = Accompagnement.objects.get(menage__reference_locataire=reference)
        assert MembreEquipe.objects.filter(accompagnement=accompagnement, user=ts).exists()
    assert HabilitationNationale.objects.actives().filter(user__email="financeur@banc.test")


def test_les_notes_sont_chiffrees_en_base():
    main(["construire", "--menages", "20", "--second", "0"])
    with connection.cursor() as curseur:
        curseur.execute("SELECT note FROM accompagnement_intervention LIMIT 5")
        notes = [ligne[0] for ligne in curseur.fetchall()]
    assert notes and all(note.startswith("gAAAAA") for note in notes)
    # Relues par le modèle, en clair.
    assert set(Intervention.objects.values_list("note", flat=True)[:50]) <= set(PHRASES)


def test_refuse_de_construire_deux_fois(capsys):
    main(["construire", "--menages", "20", "--second", "0"])
    assert main(["construire", "--menages", "20", "--second", "0"]) == 1
    assert "existe déjà" in capsys.readouterr().err
    assert Dispositif.objects.filter(slug=NATIONAL).count() == 1


def test_les_deux_menages_mesures_ont_leur_historique():
    main(["construire", "--menages", "20", "--second", "0"])
    menage = Menage.objects.get(dispositif__slug=NATIONAL, reference_locataire=REFERENCE_500)
    versions = Intervention.historique.filter(accompagnement__menage=menage)
    # Une création par intervention, une rectification sur cinq.
    assert versions.filter(history_type="+").count() == 500
    assert versions.filter(history_type="~").count() == 100
    assert menage.historique.filter(history_type="~").count() == 10
    assert not Intervention.historique.exclude(
        accompagnement__menage__reference_locataire__in=[REFERENCE_500, REFERENCE_30]
    ).exists()


@pytest.mark.parametrize("jour", range(5, 10))
def test_un_soir_de_comite_les_points_a_decider_vont_a_une_seance_encore_a_venir(jour):
    """Chaque secteur siège un jour du mois entre le 5 et le 9, à 14 h. Construit le soir de
    l'un d'eux, les orientations en attente de ce secteur ne vont pas à la séance de l'après-
    midi, déjà passée : la mesure trouve toujours une séance à venir et un point à décider, et
    mesure une séance passée qui a siégé, pas celle de l'après-midi restée vide."""
    soir = datetime(2026, 12, jour, 20, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(soir, tick=False):
        assert main(["construire", "--menages", "20", "--second", "0", "--interventions", "5"]) == 0
        inscrits = PointOrdreDuJour.objects.filter(
            seance__comite__dispositif__slug=NATIONAL, decisions=None
        )
        assert inscrits.exists()
        assert not inscrits.filter(seance__date__lt=timezone.now()).exists()
        jeu = Jeu()
        assert jeu.seance_a_venir is not None and jeu.point_a_decider is not None
        assert jeu.point_a_decider.seance.date > timezone.now()
        # La séance passée mesurée a siégé : des points examinés, des décisions.
        assert jeu.seance_passee.date < timezone.now()
        assert jeu.seance_passee.points.exists() and jeu.seance_passee.decisions.exists()
