"""La conservation des ménages : l'anonymisation après `CONSERVATION_MENAGES_JOURS` sans
contact, à horloge figée (time-machine), ce qu'elle efface (tables, historiques, imports), ce
qu'elle garde (les chiffres du rapport), sa commande à blanc et sa tâche quotidienne."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.factories import DispositifFactory
from core.models import JournalAudit
from menages.enums import EtatImport
from menages.models import Import, Menage
from rapports import indicateurs
from rgpd.conservation import (
    NOM_ANONYME,
    anonymiser_menages,
    derniers_contacts,
    menages_a_anonymiser,
)
from rgpd.models import MODELES_HISTORISES, Anonymisation
from rgpd.tasks import anonymiser_les_menages
from tests.outils import texte

from .situations import MARQUE, marque, menage_suivi

pytestmark = pytest.mark.django_db

DEBUT = date(2024, 1, 8)  # le suivi court du 8 janvier au 8 mars 2024 (clôture)
FIN = DEBUT + timedelta(days=60)


def a(jour):
    """Un instant figé à midi, heure de Paris."""
    return timezone.make_aware(datetime.combine(jour, datetime.min.time().replace(hour=12)))


@pytest.fixture
def suivi():
    return menage_suivi(DispositifFactory())


def _tout_en_clair():
    """Toutes les tables du ménage et leurs historiques, en SQL brut, puis déchiffrées par
    l'application : on cherche les textes marqués partout, même chiffrés."""
    from accompagnement.models import Cloture, PlanAction, ProgressionObjectif
    from comites.models import Decision
    from menages.models import Personne

    valeurs = []
    modeles = [*MODELES_HISTORISES, Personne, PlanAction, ProgressionObjectif, Cloture, Decision]
    for modele in modeles:
        valeurs += [str(v) for ligne in modele.objects.values_list() for v in ligne]
        historique = getattr(modele, "historique", None)
        if historique is not None:
            valeurs += [str(v) for ligne in historique.values_list() for v in ligne]
    return "\n".join(valeurs)


def test_le_dernier_contact_est_la_date_la_plus_recente_du_suivi(suivi):
    # La clôture (8 mars 2024) est plus récente que toute intervention, bilan ou décision.
    assert derniers_contacts(Menage.objects.all()) == {suivi.menage.pk: FIN}


def test_rien_ne_part_avant_la_fin_de_la_conservation(suivi):
    with time_machine.travel(a(FIN + timedelta(days=730)), tick=False):
        assert menages_a_anonymiser() == []
    with time_machine.travel(a(FIN + timedelta(days=731)), tick=False):
        assert [e.menage for e in menages_a_anonymiser()] == [suivi.menage]


def test_la_duree_se_regle(suivi, settings):
    settings.CONSERVATION_MENAGES_JOURS = 100

    with time_machine.travel(a(FIN + timedelta(days=101)), tick=False):
        assert [e.menage for e in menages_a_anonymiser()] == [suivi.menage]


def test_un_menage_encore_accompagne_ou_recent_reste_entier():
    dispositif = DispositifFactory()
    en_cours = menage_suivi(dispositif, clos=False)
    recent = menage_suivi(dispositif, debut=date(2026, 1, 5))

    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        passe = anonymiser_menages()

    assert passe.menages == []
    for suivi in (en_cours, recent):
        suivi.menage.refresh_from_db()
        assert suivi.menage.nom == marque("nom")


def test_une_nouvelle_intervention_repousse_l_anonymisation(suivi):
    intervention = suivi.accompagnement.interventions.first()
    intervention.date_heure = a(date(2025, 3, 1))
    intervention.save()

    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        assert menages_a_anonymiser() == []


def test_la_commande_a_blanc_liste_et_ne_change_rien(suivi):
    sortie = StringIO()
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        call_command("anonymiser_menages", "--dry-run", stdout=sortie)

    assert "1 ménage à anonymiser" in sortie.getvalue()
    assert marque("nom") in sortie.getvalue()
    assert "dernier contact le 08/03/2024" in sortie.getvalue()
    assert "Rien n'a été changé" in sortie.getvalue()
    suivi.menage.refresh_from_db()
    assert suivi.menage.nom == marque("nom")
    assert not Anonymisation.objects.exists()
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.ANONYMISATION).exists()


def test_l_anonymisation_efface_identite_et_textes_jusque_dans_l_historique(suivi):
    avant = _tout_en_clair()
    assert avant.count(MARQUE) > 20

    sortie = StringIO()
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        call_command("anonymiser_menages", stdout=sortie)

    assert "1 ménage anonymisé" in sortie.getvalue()
    assert marque("nom") not in sortie.getvalue()
    assert MARQUE not in _tout_en_clair()
    menage = Menage.objects.get(pk=suivi.menage.pk)
    assert str(menage) == NOM_ANONYME
    assert (menage.reference_locataire, menage.telephone, menage.email) == ("", "", "")
    assert menage.logements.get().adresse == ""
    assert Menage.historique.filter(id=menage.pk).get().nom == NOM_ANONYME
    trace = Anonymisation.objects.get(menage=menage)
    assert trace.dernier_contact == FIN
    assert trace.conservation_jours == 730


def test_l_anonymisation_est_journalisee_sans_donnee(suivi):
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        anonymiser_menages()

    ligne = JournalAudit.objects.get(action=JournalAudit.Action.ANONYMISATION)
    assert ligne.menage_public_id == suivi.menage.public_id
    assert ligne.dispositif_id == suivi.menage.dispositif_id
    assert ligne.user is None
    assert MARQUE not in f"{ligne.detail} {ligne.objet_id} {ligne.email}"
    assert ligne.date == a(date(2026, 6, 15))


def test_les_chiffres_des_rapports_passes_restent_identiques(suivi):
    dispositif = suivi.menage.dispositif
    aujourd_hui = date(2026, 6, 15)
    avant = [
        indicateurs.calculer(dispositif, annee, semestre, aujourd_hui=aujourd_hui)
        for annee, semestre in ((2023, 2), (2024, 1))
    ]
    assert avant[1]["file_active"]  # le semestre du suivi a bien des chiffres

    with time_machine.travel(a(aujourd_hui), tick=False):
        assert len(anonymiser_menages().menages) == 1

    apres = [
        indicateurs.calculer(dispositif, annee, semestre, aujourd_hui=aujourd_hui)
        for annee, semestre in ((2023, 2), (2024, 1))
    ]
    assert apres == avant


def test_le_menage_anonymise_reste_compte_sans_nom(client, suivi):
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        anonymiser_menages()
    client.force_login(suivi.coordinateur)

    page = texte(client.get(reverse("ecrans:menage", args=[suivi.menage.public_id])))
    liste = texte(client.get(reverse("ecrans:file_active")))

    assert NOM_ANONYME in page
    assert MARQUE not in page
    assert NOM_ANONYME in liste
    assert MARQUE not in liste


def test_une_seconde_passe_ne_refait_rien(suivi):
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        assert len(anonymiser_menages().menages) == 1
    with time_machine.travel(a(date(2027, 6, 15)), tick=False):
        assert anonymiser_menages().menages == []
    assert JournalAudit.objects.filter(action=JournalAudit.Action.ANONYMISATION).count() == 1


def test_la_tache_quotidienne_anonymise(suivi):
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        assert anonymiser_les_menages() == 1

    suivi.menage.refresh_from_db()
    assert suivi.menage.nom == NOM_ANONYME


def test_la_tache_est_planifiee_chaque_jour(settings):
    taches = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "rgpd.tasks.anonymiser_les_menages" in taches


def test_les_vieux_imports_perdent_fichier_nom_et_erreurs(suivi):
    dispositif = suivi.menage.dispositif
    with time_machine.travel(a(date(2024, 1, 2)), tick=False):
        ancien = Import.objects.create(
            dispositif=dispositif,
            nom_du_fichier="orientations-martin.csv",
            etat=EtatImport.REFUSE,
            erreurs=[{"ligne": 2, "colonne": "nom", "message": f"« {marque('import')} »"}],
            nombre_erreurs=1,
        )
        ancien.fichier.save("import.csv", ContentFile(marque("fichier").encode()), save=True)
    chemin = ancien.fichier.path
    recent = Import.objects.create(
        dispositif=dispositif, nom_du_fichier="recent.csv", erreurs=[{"ligne": 1}]
    )

    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        assert anonymiser_menages(a_blanc=True).imports == 1
        assert Import.objects.get(pk=ancien.pk).nom_du_fichier  # à blanc : rien ne change
        anonymiser_menages()

    ancien.refresh_from_db()
    assert (ancien.fichier.name, ancien.nom_du_fichier, ancien.erreurs) == ("", "", [])
    assert ancien.nombre_erreurs == 1  # le chiffre reste
    import os

    assert not os.path.exists(chemin)
    recent.refresh_from_db()
    assert recent.nom_du_fichier == "recent.csv"


def test_aucune_trace_du_marqueur_dans_la_base_apres_anonymisation(suivi):
    """Le contrôle d'un auditeur : la base lue en SQL brut (un dump), textes chiffrés compris
    une fois déchiffrés par l'application, ne garde rien du ménage."""
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        anonymiser_menages()

    with connection.cursor() as cursor:
        for modele in MODELES_HISTORISES:
            for table in (modele._meta.db_table, modele.historique.model._meta.db_table):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                assert MARQUE not in repr(cursor.fetchall()), table


def test_la_commande_a_blanc_prevoit_une_date_future(suivi):
    sortie = StringIO()
    call_command("anonymiser_menages", "--dry-run", "--au", "2026-06-15", stdout=sortie)

    assert "1 ménage à anonymiser" in sortie.getvalue()
    suivi.menage.refresh_from_db()
    assert suivi.menage.nom == marque("nom")


def test_on_n_anonymise_pas_en_avance(suivi):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--dry-run"):
        call_command("anonymiser_menages", "--au", "2030-01-01", stdout=StringIO())
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("anonymiser_menages", "--dry-run", "--au", "demain", stdout=StringIO())
    suivi.menage.refresh_from_db()
    assert suivi.menage.nom == marque("nom")


def test_les_textes_du_parcours_acces_sont_effaces(suivi):
    from acces.models import BesoinsLogement, Mutation, OrganisationAutour
    from core.factories import OrganisationFactory
    from menages.factories import LogementFactory

    besoins = BesoinsLogement.objects.create(
        menage=suivi.menage, date=date(2024, 1, 10), commentaire=marque("besoins")
    )
    mutation = Mutation.objects.create(
        menage=suivi.menage,
        date=date(2024, 1, 20),
        nouveau_logement=LogementFactory(menage=suivi.menage, actuel=False),
        ancienne_reference=marque("ancienne"),
        nouvelle_reference=marque("nouvelle"),
    )
    autour = OrganisationAutour.objects.create(
        menage=suivi.menage,
        organisation=OrganisationFactory(),
        role=marque("autour"),
        depuis=date(2024, 1, 10),
    )
    with time_machine.travel(a(date(2026, 6, 15)), tick=False):
        anonymiser_menages()
    besoins.refresh_from_db()
    mutation.refresh_from_db()
    autour.refresh_from_db()
    assert besoins.commentaire == ""
    assert (mutation.ancienne_reference, mutation.nouvelle_reference) == ("", "")
    assert autour.role == ""
