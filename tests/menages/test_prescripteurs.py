"""Les partenaires prescripteurs : une structure (SIAO, association, CCAS…) oriente des ménages
sans dette ni procédure, suit ce qu'elle a orienté, reçoit les décisions du comité et leur
explication ; et ne voit rien d'autre (DESIGN.md §3, colonne « prescripteur »)."""

import importlib
import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import Confidentialite
from accompagnement.factories import InterventionFactory, ObjectifFactory
from comites import services as comites
from comites.enums import NaturePoint, TypeDecision
from comites.factories import ComiteFactory, PointOrdreDuJourFactory, SeanceFactory
from comites.selectors import decisions_visibles
from core import widgets as core_widgets
from core.enums import Parcours, Profession, Role, RolePartenaire, TypeOrganisation
from core.factories import DispositifFactory, MembreFactory, OrganisationFactory
from core.models import Membre, Partenariat
from menages import selectors, services
from menages.enums import Problematique, Source, StadeProcedure, StatutOrientation
from menages.factories import DetteLocativeFactory, MenageFactory, OrientationFactory
from menages.forms import FicheOrientationForm
from menages.models import DetteLocative, Orientation
from tests.menages.test_pages import fiche
from tests.outils import lue_avec_son_sql, texte

pytestmark = pytest.mark.django_db


@dataclass
class Partenaires:
    """Un dispositif, deux structures qui orientent (le SIAO et une association), leurs
    prescripteurs, la coordination, et une orientation de chaque structure."""

    dispositif: object
    siao: object
    aries: object
    prescripteur: object  # du SIAO
    collegue: object  # du SIAO aussi
    prescripteur_aries: object
    coordinateur: object
    orientation_siao: object
    orientation_aries: object


def _prescripteur(dispositif, structure):
    return MembreFactory(
        dispositif=dispositif,
        role=Role.PRESCRIPTEUR,
        profession=Profession.PARTENAIRE,
        organisation=structure,
    ).user


def _fiche(**valeurs):
    donnees = {
        "date_orientation": timezone.localdate() - timedelta(days=2),
        "parcours": Parcours.ACCES,
        "source": Source.AUTRE,
        "problematiques": [Problematique.SORTIE_HEBERGEMENT],
        "nom": "Sauge",
        "prenom": "Lina",
        "description": "Sortie d'hébergement d'urgence, prête à entrer dans un logement.",
    }
    donnees.update(valeurs)
    return services.FicheOrientation(**donnees)


@pytest.fixture
def p():
    dispositif = DispositifFactory(acces=True)
    siao = OrganisationFactory(nom="SIAO 74", type=TypeOrganisation.SIAO)
    aries = OrganisationFactory(nom="ARIES", type=TypeOrganisation.ASSOCIATION)
    prescripteur = _prescripteur(dispositif, siao)
    collegue = _prescripteur(dispositif, siao)
    prescripteur_aries = _prescripteur(dispositif, aries)
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    orientation_siao = services.orienter_menage(collegue, dispositif, _fiche()).orientation
    orientation_aries = services.orienter_menage(
        prescripteur_aries, dispositif, _fiche(nom="Verveine", prenom="Noé")
    ).orientation
    return Partenaires(
        dispositif,
        siao,
        aries,
        prescripteur,
        collegue,
        prescripteur_aries,
        coordinateur,
        orientation_siao,
        orientation_aries,
    )


# --- Orienter comme prescripteur ---------------------------------------------------------------


def test_l_orientation_garde_la_structure_de_son_auteur(p):
    orientation = p.orientation_siao
    assert orientation.organisation == p.siao
    assert orientation.prescripteur == p.siao
    assert orientation.source == Source.SIAO
    assert orientation.dette_locative is None
    assert orientation.stade_procedure == StadeProcedure.AUCUNE
    assert p.orientation_aries.source == Source.ASSOCIATION


def test_l_orientation_d_un_agent_garde_la_structure_du_bailleur():
    bailleur = OrganisationFactory(type=TypeOrganisation.BAILLEUR)
    agent = MembreFactory(role=Role.AGENT_BAILLEUR, organisation=bailleur)
    resultat = services.orienter_menage(
        agent.user,
        agent.dispositif,
        _fiche(parcours=Parcours.MAINTIEN, reference_locataire="R-1", source=Source.RECOUVREMENT),
    )
    assert resultat.orientation.organisation == bailleur
    assert resultat.orientation.source == Source.RECOUVREMENT  # la fiche dit qui oriente


def test_un_prescripteur_ne_declare_ni_dette_ni_procedure(p):
    with pytest.raises(ValidationError):
        services.orienter_menage(
            p.prescripteur, p.dispositif, _fiche(nom="Autre", dette_locative=Decimal("100"))
        )
    with pytest.raises(ValidationError):
        services.orienter_menage(
            p.prescripteur,
            p.dispositif,
            _fiche(nom="Autre", stade_procedure=StadeProcedure.ASSIGNATION),
        )
    assert not DetteLocative.objects.exists()


def test_un_prescripteur_sans_structure_n_oriente_pas():
    sans_structure = MembreFactory(role=Role.PRESCRIPTEUR, organisation=None)
    with pytest.raises(PermissionDenied):
        services.orienter_menage(sans_structure.user, sans_structure.dispositif, _fiche())
    assert not Orientation.objects.exists()


def test_la_fiche_du_prescripteur_n_a_ni_dette_ni_procedure_ni_source(client, p):
    client.force_login(p.prescripteur)
    url = reverse("menages:nouvelle_orientation_dans", args=[p.dispositif.slug])
    page = texte(client.get(url))
    assert "Orientation par SIAO 74" in page
    assert "Dette locative" not in page
    assert "Procédure d'expulsion" not in page
    assert 'name="source"' not in page
    assert "complétées par le bailleur" in page
    form = FicheOrientationForm(dispositif=p.dispositif, structure=p.siao)
    assert not {"dette_locative", "stade_procedure", "source", "prescripteur", "lien_rompu"} & set(
        form.fields
    )


def test_le_prescripteur_oriente_par_la_page_et_arrive_sur_le_menage(client, p):
    client.force_login(p.prescripteur)
    url = reverse("menages:nouvelle_orientation_dans", args=[p.dispositif.slug])
    reponse = client.post(
        url,
        {
            "date_orientation": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "parcours": Parcours.ACCES,
            "nom": "Romarin",
            "mesure_protection": "aucune",
            "statut_occupation": "heberge",
            "problematiques": [Problematique.SORTIE_HEBERGEMENT],
            # Ajoutés à la main : ignorés, le formulaire n'a pas ces champs.
            "dette_locative": "999",
            "stade_procedure": StadeProcedure.ASSIGNATION,
        },
    )
    orientation = Orientation.objects.get(menage__nom="Romarin")
    assert reponse.status_code == 302
    assert reponse.url == reverse("ecrans:menage", args=[orientation.menage.public_id])
    assert orientation.organisation == p.siao
    assert orientation.dette_locative is None
    assert orientation.stade_procedure == StadeProcedure.AUCUNE


# --- Ce que voit le prescripteur ---------------------------------------------------------------


def test_le_prescripteur_voit_les_orientations_de_sa_structure_pas_celles_des_autres(p):
    visibles = set(selectors.orientations_visibles(p.prescripteur))
    assert visibles == {p.orientation_siao}
    assert set(selectors.menages_visibles(p.prescripteur)) == {p.orientation_siao.menage}
    assert set(selectors.mes_orientations(p.prescripteur)) == {p.orientation_siao}
    assert set(selectors.mes_orientations(p.prescripteur_aries)) == {p.orientation_aries}


def test_un_prescripteur_d_un_autre_dispositif_ne_voit_rien(p):
    ailleurs = _prescripteur(DispositifFactory(), p.siao)
    assert not selectors.orientations_visibles(ailleurs).exists()
    assert not selectors.menages_visibles(ailleurs).exists()


def test_l_orientation_d_un_tiers_sur_le_meme_menage_reste_fermee(p):
    """La structure ouvre ses orientations et le ménage, pas l'orientation qu'un autre a faite
    pour ce ménage (qui dit la dette, le contentieux)."""
    agent = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR).user
    du_bailleur = OrientationFactory(
        menage=p.orientation_siao.menage,
        orientee_par=agent,
        avec_dette=True,
        description="Signalement du contentieux",
    )
    assert du_bailleur not in selectors.orientations_visibles(p.prescripteur)
    assert p.orientation_siao in selectors.orientations_visibles(p.prescripteur)


def test_la_page_du_menage_d_une_autre_structure_est_introuvable(client, p):
    client.force_login(p.prescripteur)
    autre = p.orientation_aries.menage
    assert client.get(reverse("ecrans:menage", args=[autre.public_id])).status_code == 404
    assert (
        client.get(
            reverse("menages:fiche_orientation", args=[p.orientation_aries.public_id])
        ).status_code
        == 404
    )
    sien = p.orientation_siao.menage
    page = texte(client.get(reverse("ecrans:menage", args=[sien.public_id])))
    assert "Sauge" in page
    assert "Verveine" not in page


def test_le_prescripteur_ne_voit_ni_la_dette_ni_les_notes_ni_le_plan_detaille(client, p):
    menage = p.orientation_siao.menage
    p.orientation_siao.dette_locative = Decimal("3187.45")
    p.orientation_siao.save()
    DetteLocativeFactory(menage=menage, montant=Decimal("4213.77"))
    ts = MembreFactory(dispositif=p.dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    suivi = accompagnement.ouvrir_accompagnement(
        p.coordinateur, menage, referent=ts, orientation=p.orientation_siao
    )
    ObjectifFactory(accompagnement=suivi, libelle="Objectif détaillé Sauge")
    for confidentialite in Confidentialite:
        InterventionFactory(
            accompagnement=suivi,
            auteur=ts,
            confidentialite=confidentialite,
            note=f"Note {confidentialite.value} Sauge",
        )
    client.force_login(p.prescripteur)
    page = texte(client.get(reverse("ecrans:menage", args=[menage.public_id])))
    assert "Sauge" in page
    for cache in ("3 187,45", "3187", "4 213,77", "4213", "Objectif détaillé", "Note "):
        assert cache not in page, cache
    assert not selectors.dettes_visibles(p.prescripteur).exists()
    assert selectors.dettes_du_menage(p.prescripteur, menage) is None
    # Le résumé du plan : l'accompagnement se lit, pas son détail.
    reponse = client.get(reverse("accompagnement:detail", args=[suivi.public_id]))
    assert "Objectif détaillé" not in texte(reponse)
    assert "Note " not in texte(reponse)


@pytest.mark.parametrize("nom", ["ecrans:export_csv", "ecrans:export_xlsx", "rapports:liste"])
def test_le_prescripteur_n_a_ni_export_ni_rapport(client, p, nom):
    client.force_login(p.prescripteur)
    assert client.get(reverse(nom)).status_code == 403


def test_le_prescripteur_n_a_pas_de_file_active(client, p):
    """La file active est la liste de travail des équipes : les orientations de sa structure
    n'y font pas entrer de ligne (il les suit dans « Mes orientations »), et elle n'est pas dans
    son menu."""
    autre = MenageFactory(dispositif=p.dispositif, nom="Eglantine")
    client.force_login(p.prescripteur)
    page = texte(client.get(reverse("ecrans:file_active")))
    for nom in ("Sauge", "Verveine", autre.nom):
        assert nom not in page


def test_le_prescripteur_n_a_ni_tableau_de_bord_ni_comites_ni_journal(client, p):
    client.force_login(p.prescripteur)
    tableau = reverse("rapports:tableau_de_bord", args=[p.dispositif.slug])
    assert client.get(tableau).status_code in (403, 404)
    assert client.get(reverse("ecrans:journaux")).status_code == 403
    assert client.get(reverse("menages:a_rattacher")).status_code == 403
    assert client.get(reverse("menages:importer")).status_code == 403
    reponse = client.get(reverse("comites:accueil"))
    assert reponse.status_code == 403 or "Sauge" not in texte(reponse)


def test_la_navigation_du_prescripteur(client, p):
    client.force_login(p.prescripteur)
    page = texte(client.get(reverse("ecrans:accueil")))
    assert "Mes orientations" in page
    assert "Orienter un ménage" in page
    assert "File active" not in page
    assert "Rapports" not in page
    assert "Importer" not in page


def test_mes_orientations_montre_celles_de_la_structure(client, p):
    client.force_login(p.prescripteur)
    page = texte(client.get(reverse("menages:mes_orientations")))
    assert "Sauge" in page
    assert "SIAO 74" in page
    assert "Verveine" not in page


def test_sans_structure_le_prescripteur_ne_voit_rien(p):
    seul = MembreFactory(dispositif=p.dispositif, role=Role.PRESCRIPTEUR, organisation=None)
    assert not selectors.orientations_visibles(seul.user).exists()
    assert not selectors.menages_visibles(seul.user).exists()


def test_une_adhesion_de_prescripteur_inactive_ferme_tout(p):
    Membre.objects.filter(user=p.prescripteur).update(actif=False)
    p.prescripteur.refresh_from_db()
    assert not selectors.orientations_visibles(p.prescripteur).exists()


def test_les_structures_du_prescripteur_sont_celles_de_ses_adhesions_actives(p):
    ailleurs = OrganisationFactory(nom="CCAS", type=TypeOrganisation.CCAS_COMMUNE)
    # Une structure nommée sur une adhésion d'un autre rôle n'en est pas une de prescripteur.
    MembreFactory(
        user=p.prescripteur,
        dispositif=DispositifFactory(),
        role=Role.AGENT_BAILLEUR,
        organisation=ailleurs,
    )
    assert set(selectors.mes_structures(p.prescripteur)) == {p.siao}

    Membre.objects.filter(user=p.prescripteur, role=Role.PRESCRIPTEUR).update(
        date_fin=timezone.localdate() - timedelta(days=1)
    )
    relu = type(p.prescripteur).objects.get(pk=p.prescripteur.pk)  # la requête suivante
    assert not selectors.mes_structures(relu).exists()
    assert not selectors.mes_orientations(relu).exists()


def test_mes_orientations_d_un_agent_sans_structure_sont_les_siennes(p):
    agent = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR).user
    siennes = services.orienter_menage(
        agent, p.dispositif, _fiche(nom="Aulne", parcours=Parcours.MAINTIEN)
    ).orientation
    assert list(selectors.mes_orientations(agent)) == [siennes]


# --- Compléter la dette ------------------------------------------------------------------------


def test_la_coordination_complete_la_dette_d_une_orientation_de_prescripteur(client, p):
    client.force_login(p.coordinateur)
    menage = p.orientation_siao.menage
    page = texte(client.get(reverse("ecrans:menage", args=[menage.public_id])))
    assert "Compléter la dette et la procédure" in page
    reponse = client.post(
        reverse("menages:completer_dette", args=[p.orientation_siao.public_id]),
        {"dette_locative": "1 250,40", "stade_procedure": StadeProcedure.COMMANDEMENT_DE_PAYER},
    )
    assert reponse.status_code == 302
    p.orientation_siao.refresh_from_db()
    assert p.orientation_siao.dette_locative == Decimal("1250.40")
    assert p.orientation_siao.stade_procedure == StadeProcedure.COMMANDEMENT_DE_PAYER
    releve = DetteLocative.objects.get(menage=menage)
    assert releve.montant == Decimal("1250.40")
    assert releve.date == p.orientation_siao.date_orientation
    # Une seconde fois : refusé, la suite passe par un relevé.
    with pytest.raises(ValidationError):
        services.completer_dette_orientation(
            p.coordinateur,
            p.orientation_siao,
            dette_locative=Decimal("1"),
            stade_procedure=StadeProcedure.AUCUNE,
        )


def test_le_prescripteur_ne_complete_pas_la_dette(client, p):
    client.force_login(p.prescripteur)
    page = texte(client.get(reverse("ecrans:menage", args=[p.orientation_siao.menage.public_id])))
    assert "Compléter la dette" not in page
    reponse = client.post(
        reverse("menages:completer_dette", args=[p.orientation_siao.public_id]),
        {"dette_locative": "100", "stade_procedure": StadeProcedure.AUCUNE},
    )
    assert reponse.status_code == 403
    with pytest.raises(PermissionDenied):
        services.completer_dette_orientation(
            p.prescripteur,
            p.orientation_siao,
            dette_locative=Decimal("100"),
            stade_procedure=StadeProcedure.AUCUNE,
        )
    p.orientation_siao.refresh_from_db()
    assert p.orientation_siao.dette_locative is None


def test_l_agent_bailleur_de_l_equipe_complete_la_dette(p):
    agent = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR).user
    ts = MembreFactory(dispositif=p.dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    menage = p.orientation_siao.menage
    with pytest.raises(PermissionDenied):  # ni orienté par lui, ni dans l'équipe
        services.completer_dette_orientation(
            agent, p.orientation_siao, dette_locative=Decimal("80"), stade_procedure=""
        )
    accompagnement.ouvrir_accompagnement(p.coordinateur, menage, referent=ts, equipe=[agent])
    services.completer_dette_orientation(
        agent, p.orientation_siao, dette_locative=Decimal("80"), stade_procedure=""
    )
    p.orientation_siao.refresh_from_db()
    assert p.orientation_siao.dette_locative == Decimal("80")


# --- La décision et son explication -----------------------------------------------------------


def _decider(p, orientation, type, **champs):
    comite = ComiteFactory(dispositif=p.dispositif, membres=[p.coordinateur])
    seance = SeanceFactory(comite=comite, date=timezone.now() - timedelta(hours=1))
    point = PointOrdreDuJourFactory(
        seance=seance,
        menage=orientation.menage,
        orientation=orientation,
        nature=NaturePoint.NOUVELLE_ORIENTATION,
    )
    return comites.decider(p.coordinateur, point, type, **champs)


def test_l_explication_est_transmise_a_la_structure_seulement(
    client, p, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decider(
            p,
            p.orientation_siao,
            TypeDecision.REFUS,
            motifs="Ressources insuffisantes pour le loyer proposé",
            explication_prescripteur="Revenir vers nous après l'ouverture des droits APL.",
        )
    assert decision.explication_prescripteur.startswith("Revenir vers nous")
    assert set(decisions_visibles(p.prescripteur)) == {decision}
    assert set(decisions_visibles(p.collegue)) == {decision}
    assert not decisions_visibles(p.prescripteur_aries).exists()

    # Le courriel : aux prescripteurs du SIAO, sans le nom du ménage.
    destinataires = sorted(adresse for message in mail.outbox for adresse in message.to)
    assert destinataires == sorted([p.prescripteur.email, p.collegue.email])
    for message in mail.outbox:
        assert "Sauge" not in message.body
        assert "explication" in message.body

    # L'accueil : la décision, son explication, « nouveau » la première fois seulement.
    client.force_login(p.prescripteur)
    accueil = texte(client.get(reverse("ecrans:accueil")))
    assert "Décisions sur les orientations de votre structure" in accueil
    assert "Refus" in accueil
    assert "Revenir vers nous après l'ouverture des droits APL." in accueil
    assert "nouveau" in accueil
    assert "nouveau" not in texte(client.get(reverse("ecrans:accueil")))
    # La page du ménage : la décision et l'explication dans la chronologie.
    menage = texte(client.get(reverse("ecrans:menage", args=[p.orientation_siao.menage.public_id])))
    assert "Revenir vers nous" in menage
    # Le statut : refusée, avec son motif, dans « Mes orientations ».
    orientations = texte(client.get(reverse("menages:mes_orientations")))
    assert "Refusée" in orientations or "refusée" in orientations

    client.force_login(p.prescripteur_aries)
    accueil_aries = texte(client.get(reverse("ecrans:accueil")))
    assert "Revenir vers nous" not in accueil_aries
    assert "Sauge" not in accueil_aries


def test_une_decision_sur_une_orientation_du_bailleur_ne_previent_personne(
    p, django_capture_on_commit_callbacks
):
    agent = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR, organisation=None)
    orientation = services.orienter_menage(
        agent.user,
        p.dispositif,
        _fiche(parcours=Parcours.MAINTIEN, reference_locataire="R-9", source=Source.PROXIMITE),
    ).orientation
    with django_capture_on_commit_callbacks(execute=True):
        _decider(p, orientation, TypeDecision.REFUS, motifs="Hors critères")
    assert mail.outbox == []
    assert not decisions_visibles(p.prescripteur).exists()


def test_le_champ_explication_n_est_propose_que_pour_une_orientation_de_structure(p):
    from comites.forms import DecisionForm

    point = PointOrdreDuJourFactory(
        seance=SeanceFactory(comite=ComiteFactory(dispositif=p.dispositif)),
        menage=p.orientation_siao.menage,
        orientation=p.orientation_siao,
    )
    assert "explication_prescripteur" in DecisionForm(point=point).fields
    sans_structure = OrientationFactory(menage=MenageFactory(dispositif=p.dispositif))
    point.orientation = sans_structure
    assert "explication_prescripteur" not in DecisionForm(point=point).fields


def test_une_explication_trop_longue_est_refusee(p):
    with pytest.raises(ValidationError):
        _decider(
            p,
            p.orientation_siao,
            TypeDecision.REFUS,
            motifs="Hors critères",
            explication_prescripteur="x" * 2001,
        )
    p.orientation_siao.refresh_from_db()
    assert p.orientation_siao.statut != StatutOrientation.REFUSEE


# --- La migration de données -----------------------------------------------------------------


def test_la_migration_pose_la_structure_de_l_auteur(p):
    migration = importlib.import_module("menages.migrations.0012_orientation_structure_donnees")
    bailleur = OrganisationFactory(type=TypeOrganisation.BAILLEUR)
    agent = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR, organisation=bailleur)
    # Le même compte, prescripteur d'une association : sa structure de prescripteur d'abord.
    double = MembreFactory(dispositif=p.dispositif, role=Role.AGENT_BAILLEUR, organisation=bailleur)
    MembreFactory(
        user=double.user, dispositif=p.dispositif, role=Role.PRESCRIPTEUR, organisation=p.aries
    )
    sans_auteur = OrientationFactory(menage=MenageFactory(dispositif=p.dispositif))
    de_l_agent = OrientationFactory(
        menage=MenageFactory(dispositif=p.dispositif), orientee_par=agent.user
    )
    du_double = OrientationFactory(
        menage=MenageFactory(dispositif=p.dispositif), orientee_par=double.user
    )
    Orientation.objects.update(organisation=None)

    migration.remplir(apps, None)

    valeurs = dict(Orientation.objects.values_list("pk", "organisation"))
    assert valeurs[sans_auteur.pk] is None
    assert valeurs[de_l_agent.pk] == bailleur.pk
    assert valeurs[du_double.pk] == p.aries.pk
    assert valeurs[p.orientation_siao.pk] == p.siao.pk
    migration.vider(apps, None)
    assert not Orientation.objects.exclude(organisation=None).exists()


def test_mes_orientations_du_prescripteur_en_requetes_fixes(client, p):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(p.prescripteur)
    comptes = []
    for nombre in (1, 8):
        for rang in range(nombre):
            services.orienter_menage(p.collegue, p.dispositif, _fiche(nom=f"Lot{nombre}-{rang}"))
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse("menages:mes_orientations")).status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1]


def test_l_accueil_du_prescripteur_en_requetes_fixes(client, p):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(p.prescripteur)
    comptes = []
    for nombre in (1, 6):
        for rang in range(nombre):
            orientation = services.orienter_menage(
                p.collegue, p.dispositif, _fiche(nom=f"Lot{nombre}-{rang}")
            ).orientation
            _decider(p, orientation, TypeDecision.REFUS, motifs="Hors critères")
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(reverse("ecrans:accueil")).status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1]


def test_l_accueil_du_prescripteur_ne_lit_pas_la_description_des_orientations(client, p):
    """Sous chaque décision, l'accueil ne montre que la date de l'orientation : sa description
    (un texte chiffré) et son motif ne sont ni lus ni déchiffrés."""
    orientation = services.orienter_menage(
        p.collegue, p.dispositif, _fiche(nom="Quenouille", description="Sortie d'hospitalisation.")
    ).orientation
    _decider(p, orientation, TypeDecision.REFUS, motifs="Hors critères")
    client.force_login(p.prescripteur)
    page, lues = lue_avec_son_sql(client, reverse("ecrans:accueil"))
    assert "Quenouille" in page and "Hors critères" in page
    assert "hospitalisation" not in page
    assert '"menages_orientation"."date_orientation"' in lues
    assert '"menages_orientation"."description"' not in lues
    assert '"menages_orientation"."motif_statut"' not in lues


def test_changer_la_structure_d_un_prescripteur_attend_la_confirmation(p):
    """Changer la structure d'une adhésion de prescripteur lui ouvre les orientations d'une autre
    structure : depuis l'administration technique, l'adhésion repasse « à confirmer »."""
    from core.factories import UserFactory
    from core.services import enregistrer_adhesion

    admin = UserFactory(is_staff=True, is_superuser=True)
    adhesion = Membre.objects.get(user=p.prescripteur, role=Role.PRESCRIPTEUR)
    adhesion.organisation = p.aries
    enregistrer_adhesion(admin, adhesion, champs_modifies=["organisation"])
    adhesion.refresh_from_db()
    assert adhesion.a_confirmer
    p.prescripteur.refresh_from_db()
    assert not selectors.orientations_visibles(p.prescripteur).exists()


# --- La structure qui oriente, parmi des centaines de partenaires ------------------------------


def _partenaire(dispositif, nom, **champs):
    structure = OrganisationFactory(nom=nom, **champs)
    Partenariat.objects.create(
        dispositif=dispositif, organisation=structure, role=RolePartenaire.ORIENTATION
    )
    return structure


def test_au_dela_du_seuil_la_structure_qui_oriente_se_cherche(client, p, monkeypatch):
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    _partenaire(p.dispositif, "Centre communal d'action sociale d'Annecy", sigle="CCAS")
    ccas_seynod = _partenaire(p.dispositif, "CCAS de Seynod", commune="Seynod")
    OrganisationFactory(nom="CCAS d'ailleurs")  # pas partenaire du dispositif
    url = reverse("menages:nouvelle_orientation_dans", args=[p.dispositif.slug])
    recherche = reverse("menages:structures_qui_orientent", args=[p.dispositif.slug])
    client.force_login(p.coordinateur)

    page = client.get(url).content.decode()
    assert f'data-recherche="{recherche}?liste=prescripteur"' in page
    assert "CCAS de Seynod" not in page
    reponse = client.get(recherche, {"liste": "prescripteur", "q": "ccas"})
    assert [r["text"] for r in json.loads(reponse.content)["resultats"]] == [
        "CCAS de Seynod",
        "Centre communal d'action sociale d'Annecy",
    ]
    # Le choix trouvé s'enregistre ; une structure hors du dispositif est refusée.
    donnees = fiche(source=Source.CCAS, nom="Mélisse")
    client.post(url, {**donnees, "prescripteur": ccas_seynod.pk})
    assert Orientation.objects.get(menage__nom="Mélisse").prescripteur == ccas_seynod
    ailleurs = OrganisationFactory(nom="Hors du dispositif")
    refus = client.post(url, {**donnees, "nom": "Hysope", "prescripteur": ailleurs.pk})
    assert "Sélectionnez un choix valide" in refus.content.decode()
    assert not Orientation.objects.filter(menage__nom="Hysope").exists()


def test_la_recherche_des_structures_est_refusee_a_qui_n_a_pas_ce_champ(client, p):
    recherche = reverse("menages:structures_qui_orientent", args=[p.dispositif.slug])
    parametres = {"liste": "prescripteur", "q": "si"}
    # Le prescripteur oriente au nom de sa structure : sa fiche n'a pas ce champ.
    client.force_login(p.prescripteur)
    assert client.get(recherche, parametres).status_code == 404
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COPIL):
        client.force_login(MembreFactory(dispositif=p.dispositif, role=role).user)
        assert client.get(recherche, parametres).status_code == 403, role
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)  # un autre dispositif
    assert client.get(recherche, parametres).status_code == 404
