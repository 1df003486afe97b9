"""Propriétés (hypothesis) : une saisie arbitraire ne fait jamais lever d'exception.

Chaque formulaire du produit, et chaque jeu de filtres, reçoit des valeurs tirées au hasard
(textes quelconques, nombres et dates de toutes tailles, identifiants géants, listes) : il est
soit valide, et alors ses valeurs sont dans leurs bornes, soit invalide avec des erreurs ; il ne
lève rien. L'import reçoit des fichiers arbitraires : il rend un rapport ou un refus, rien
d'autre. Le nombre d'exemples est borné pour que l'ensemble tienne en quelques secondes.
"""

import csv
import io
import string
from datetime import date, datetime

import pytest
from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acces import forms as acces
from accompagnement.forms import (
    AdhesionForm,
    AnnulationInterventionForm,
    BilanForm,
    ClotureForm,
    CorrectionInterventionForm,
    InformationPartageForm,
    InterventionForm,
    ObjectifForm,
    OuvrirAccompagnementForm,
    SuiviObjectifForm,
    ValidationPlanForm,
    VisiteSansReponseForm,
)
from accompagnement.services import ouvrir_accompagnement
from comites.forms import CorrectionDecisionForm, DecisionForm, PresencesForm, SeanceForm
from core import bornes
from core import formulaires_reglages as reglages
from core.forms import (
    ActivationForm,
    ChoixModele,
    ChoixModeles,
    CodeForm,
    ConnexionForm,
    DateBornee,
    DateHeureBornee,
    EntierBorne,
    MontantField,
)
from core.models import Membre
from ecrans import selectors
from ecrans.filters import FiltresFileActive, FiltresJournal
from equipes import forms as equipes
from equipes import selectors as selectors_equipes
from equipes import services as services_equipes
from menages import importation
from menages.forms import (
    CompleterDetteForm,
    FicheOrientationForm,
    ImportOrientationsForm,
    PlanApurementForm,
    ReleveDetteForm,
    StatutOrientationForm,
)
from menages.services import TRANSITIONS

from .test_entrees_hostiles import HOSTILES_EN_BLOC, Donnees

pytestmark = pytest.mark.django_db

EXEMPLES = 40
# Les mêmes exemples à chaque passage (un échec se rejoue tel quel), sans dossier .hypothesis ;
# les données sont construites une fois par test, hors des exemples, qui n'écrivent rien (ou
# annulent ce qu'ils écrivent).
REGLAGES = settings(
    max_examples=EXEMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

nombres = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
).map(str)
dates = st.one_of(
    st.dates().map(date.isoformat),
    st.dates().map(lambda jour: f"{jour.day:02d}/{jour.month:02d}/{jour.year:04d}"),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)


def valeurs(identifiants=()):
    """Une valeur de champ : texte quelconque, nombre, date, identifiant juste ou hostile."""
    return st.one_of(
        st.text(max_size=40),
        st.text(alphabet=string.digits + "-+.,e ", max_size=30),
        nombres,
        dates,
        st.sampled_from(HOSTILES_EN_BLOC),
        st.sampled_from(list(identifiants) or [""]),
    )


def saisies(noms, identifiants=()):
    """Des données de formulaire : pour chaque champ, zéro à trois valeurs."""
    return st.fixed_dictionaries(
        {nom: st.lists(valeurs(identifiants), max_size=3) for nom in noms}
    ).map(MultiValueDict)


def verifier_bornes(form):
    """Ce qu'un formulaire valide rend est dans les bornes de ses champs."""
    for nom, valeur in form.cleaned_data.items():
        champ = form.fields.get(nom)
        if valeur in (None, "", []) or champ is None:
            continue
        if isinstance(champ, DateHeureBornee):
            jour = timezone.localtime(valeur).date()
            assert bornes.DATE_MINIMUM <= jour <= bornes.date_maximum(champ.futur)
        elif isinstance(champ, DateBornee):
            assert bornes.DATE_MINIMUM <= valeur <= bornes.date_maximum(champ.futur)
        elif isinstance(champ, forms.IntegerField | forms.DecimalField):
            assert champ.min_value is None or valeur >= champ.min_value
            assert champ.max_value is None or valeur <= champ.max_value


@pytest.fixture
def donnees():
    donnees = Donnees()
    # Une invitation en attente et une personne partie dont le ménage est à confier : de quoi
    # construire les formulaires des équipes.
    donnees.invitation, _ = services_equipes.inviter(
        donnees.coordinateur,
        donnees.dispositif,
        email="nouvelle@exemple.test",
        role="travailleur_social",
        profession="travailleur_social",
    )
    programme = donnees.programme
    partante = programme.autre_ts
    ouvrir_accompagnement(
        donnees.coordinateur,
        programme.orientation("Confié").menage,
        referent=partante,
        equipe=[],
        date_debut=timezone.localdate(),
    )
    services_equipes.terminer_adhesion(
        donnees.coordinateur,
        Membre.objects.get(user=partante, dispositif=donnees.dispositif),
        date_fin=timezone.localdate(),
    )
    donnees.a_reaffecter = selectors_equipes.a_reaffecter(donnees.coordinateur, donnees.dispositif)
    donnees.a_ouvrir = programme.orientation("Ouverture").menage
    return donnees


def fabriques(donnees):
    """(formulaire, construction) de chaque formulaire du produit, sur des données réelles."""
    suivi, point, dispositif = donnees.suivi, donnees.point, donnees.dispositif
    objectifs = list(suivi.objectifs.all())
    return {
        FicheOrientationForm: lambda data: FicheOrientationForm(
            data, dispositif=donnees.dispositif
        ),
        StatutOrientationForm: lambda data: StatutOrientationForm(
            data, statuts_possibles=TRANSITIONS[donnees.a_examiner.statut]
        ),
        ReleveDetteForm: ReleveDetteForm,
        PlanApurementForm: PlanApurementForm,
        OuvrirAccompagnementForm: lambda data: OuvrirAccompagnementForm(
            data, menage=donnees.a_ouvrir
        ),
        InterventionForm: lambda data: InterventionForm(data, accompagnement=suivi, soignant=True),
        AdhesionForm: AdhesionForm,
        ObjectifForm: ObjectifForm,
        SuiviObjectifForm: SuiviObjectifForm,
        ValidationPlanForm: ValidationPlanForm,
        BilanForm: lambda data: BilanForm(data, objectifs=objectifs, voit_dette=True),
        ClotureForm: ClotureForm,
        InformationPartageForm: InformationPartageForm,
        DecisionForm: lambda data: DecisionForm(data, point=point),
        SeanceForm: SeanceForm,
        PresencesForm: lambda data: PresencesForm(data, seance=donnees.seance),
        CodeForm: CodeForm,
        ActivationForm: ActivationForm,
        CompleterDetteForm: CompleterDetteForm,
        CorrectionInterventionForm: lambda data: CorrectionInterventionForm(
            data, intervention=donnees.intervention, soignant=True
        ),
        AnnulationInterventionForm: AnnulationInterventionForm,
        VisiteSansReponseForm: VisiteSansReponseForm,
        CorrectionDecisionForm: CorrectionDecisionForm,
        reglages.ReglagesForm: lambda data: reglages.ReglagesForm.pour(dispositif, data),
        reglages.CiblesForm: lambda data: reglages.CiblesForm(data, prefix="cibles"),
        reglages.LigneBudgetaireForm: reglages.LigneBudgetaireForm,
        reglages.ModifierLigneForm: lambda data: reglages.ModifierLigneForm(
            data, dispositif=dispositif
        ),
        reglages.SupprimerLigneForm: lambda data: reglages.SupprimerLigneForm(
            data, dispositif=dispositif
        ),
        reglages.TerritoireForm: reglages.TerritoireForm,
        reglages.RenommerTerritoireForm: lambda data: reglages.RenommerTerritoireForm(
            data, dispositif=dispositif
        ),
        reglages.CommuneForm: lambda data: reglages.CommuneForm(data, dispositif=dispositif),
        reglages.RetirerCommuneForm: lambda data: reglages.RetirerCommuneForm(
            data, dispositif=dispositif
        ),
        # Le parcours accès.
        acces.BesoinsForm: lambda data: acces.BesoinsForm(data, menage=donnees.glissante.menage),
        acces.LogementVacantForm: lambda data: acces.LogementVacantForm(
            data, dispositif=dispositif
        ),
        acces.ProposerForm: lambda data: acces.ProposerForm(data, dispositif=dispositif),
        acces.DateForm: lambda data: acces.DateForm(data, prefix="informer"),
        acces.PieceForm: acces.PieceForm,
        acces.ReponseForm: acces.ReponseForm,
        acces.DecisionCALForm: lambda data: acces.DecisionCALForm(
            data, proposition=donnees.glissante
        ),
        acces.BailForm: lambda data: acces.BailForm(data, proposition=donnees.glissante),
        acces.AideForm: acces.AideForm,
        acces.OuvrirSuiviForm: lambda data: acces.OuvrirSuiviForm(
            data, proposition=donnees.glissante
        ),
        acces.MutationForm: lambda data: acces.MutationForm(data, menage=donnees.glissante.menage),
        acces.OrganisationAutourForm: lambda data: acces.OrganisationAutourForm(
            data, menage=donnees.glissante.menage
        ),
        acces.RetraitForm: acces.RetraitForm,
        # Les équipes.
        equipes.InvitationForm: lambda data: equipes.InvitationForm(data, dispositif=dispositif),
        equipes.ModificationForm: lambda data: equipes.ModificationForm(
            data, dispositif=dispositif
        ),
        equipes.DepartForm: equipes.DepartForm,
        equipes.AcceptationForm: lambda data: equipes.AcceptationForm(
            data, invitation=donnees.invitation
        ),
        equipes.ReaffectationForm: lambda data: equipes.ReaffectationForm(
            data, a_reaffecter=donnees.a_reaffecter
        ),
    }


# ConnexionForm authentifie (django-axes, journal) et AcceptationCompteExistantForm vérifie le
# mot de passe d'un compte : leurs refus sont éprouvés par les tests de l'authentification et des
# invitations. ImportOrientationsForm et ImportLogementsForm ne reçoivent qu'un fichier : l'import
# est éprouvé plus bas, sur des contenus arbitraires.
HORS_PROPRIETES = {
    ConnexionForm,
    equipes.AcceptationCompteExistantForm,
    ImportOrientationsForm,
    acces.ImportLogementsForm,
}
APPLICATIONS = {"core", "menages", "accompagnement", "comites", "acces", "equipes"}


def formulaires_du_produit():
    vus, a_voir = set(), list(forms.Form.__subclasses__())
    while a_voir:
        classe = a_voir.pop()
        a_voir += classe.__subclasses__()
        if classe.__module__.split(".")[0] in APPLICATIONS and not classe.__name__.startswith("_"):
            vus.add(classe)
    return vus


def test_chaque_formulaire_du_produit_est_eprouve(donnees):
    restants = formulaires_du_produit() - set(fabriques(donnees)) - HORS_PROPRIETES
    assert {f"{f.__module__}.{f.__name__}" for f in restants} == set()


def test_chaque_champ_d_identifiant_de_nombre_et_de_date_est_borne(donnees):
    """Bornes partout : aucun champ nu de Django pour un identifiant, un nombre ou une date."""
    nus = []
    for classe, construire in fabriques(donnees).items():
        for nom, champ in construire(None).fields.items():
            bornes_attendues = [
                (forms.ModelMultipleChoiceField, ChoixModeles),
                (forms.ModelChoiceField, ChoixModele),
                (forms.DateTimeField, DateHeureBornee),
                (forms.DateField, DateBornee),
                (forms.DecimalField, MontantField),  # avant IntegerField, dont il hérite
                (forms.IntegerField, EntierBorne),
            ]
            for type_nu, type_borne in bornes_attendues:
                if isinstance(champ, type_nu):
                    if not isinstance(champ, type_borne):
                        nus.append(f"{classe.__name__}.{nom}")
                    break
    assert nus == []


@pytest.mark.parametrize(
    "classe",
    [
        FicheOrientationForm,
        StatutOrientationForm,
        ReleveDetteForm,
        PlanApurementForm,
        CompleterDetteForm,
        OuvrirAccompagnementForm,
        InterventionForm,
        CorrectionInterventionForm,
        AnnulationInterventionForm,
        VisiteSansReponseForm,
        AdhesionForm,
        ObjectifForm,
        SuiviObjectifForm,
        ValidationPlanForm,
        BilanForm,
        ClotureForm,
        InformationPartageForm,
        DecisionForm,
        CorrectionDecisionForm,
        SeanceForm,
        PresencesForm,
        CodeForm,
        ActivationForm,
        reglages.ReglagesForm,
        reglages.CiblesForm,
        reglages.LigneBudgetaireForm,
        reglages.ModifierLigneForm,
        reglages.SupprimerLigneForm,
        reglages.TerritoireForm,
        reglages.RenommerTerritoireForm,
        reglages.CommuneForm,
        reglages.RetirerCommuneForm,
        acces.BesoinsForm,
        acces.LogementVacantForm,
        acces.ProposerForm,
        acces.DateForm,
        acces.PieceForm,
        acces.ReponseForm,
        acces.DecisionCALForm,
        acces.BailForm,
        acces.AideForm,
        acces.OuvrirSuiviForm,
        acces.MutationForm,
        acces.OrganisationAutourForm,
        acces.RetraitForm,
        equipes.InvitationForm,
        equipes.ModificationForm,
        equipes.DepartForm,
        equipes.AcceptationForm,
        equipes.ReaffectationForm,
    ],
    ids=lambda classe: classe.__name__,
)
def test_un_formulaire_est_valide_ou_refuse_jamais_en_exception(donnees, classe):
    construire = fabriques(donnees)[classe]
    vide = construire(None)
    noms = [vide.add_prefix(nom) for nom in vide.fields]
    identifiants = [
        str(donnees.coordinateur.pk),
        str(donnees.programme.ts.pk),
        str(donnees.objectif.pk),
        str(donnees.organisation.pk),
        str(donnees.territoire.pk),
        str(donnees.ligne.pk),
        str(donnees.vacant.public_id),
        str(donnees.association.pk),
        str(donnees.referent_bailleur.pk),
    ]

    @REGLAGES
    @given(saisies(noms, identifiants))
    def propriete(data):
        form = construire(data)
        if form.is_valid():
            verifier_bornes(form)
        else:
            assert form.errors

    propriete()


def test_les_filtres_de_la_file_active_et_du_journal_ne_levent_jamais(donnees):
    user, dispositif = donnees.coordinateur, donnees.dispositif

    noms_file = [*FiltresFileActive.base_filters, "page"]
    noms_journal = list(FiltresJournal.base_filters)

    @REGLAGES
    @given(saisies(noms_file, [str(user.pk)]), saisies(noms_journal, [str(user.public_id)]))
    def propriete(file, journal):
        filtres = FiltresFileActive(file, queryset=selectors.file_active(user), user=user)
        list(filtres.qs[:5])
        filtres = FiltresJournal(
            journal,
            queryset=selectors.journal_du_dispositif(user, dispositif),
            user=user,
            dispositif=dispositif,
        )
        list(filtres.qs[:5])

    propriete()


# --- L'import ---------------------------------------------------------------------------------

COLONNES = [colonne.nom for colonne in importation.COLONNES]
cellules = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["maintien", "acces", "15000", "Aurillac", "impayés", "recouvrement", "oui", "T3", "2"]
    ),
    dates,
    nombres,
    st.sampled_from(HOSTILES_EN_BLOC),
)
entetes = st.lists(
    st.one_of(st.sampled_from(COLONNES), st.text(max_size=12)), min_size=0, max_size=30
)


LIGNE_JUSTE = {
    "reference_locataire": "L-1",
    "date_orientation": "15/03/2025",
    "parcours": "maintien",
    "nom": "Martin",
    "adresse": "3 rue des Lilas",
    "code_postal": "15000",
    "commune": "Aurillac",
    "problematiques": "impayés",
    "source": "recouvrement",
}


@st.composite
def fichiers_csv(draw):
    """Un en-tête quelconque et des lignes quelconques ; ou les colonnes du format dans un ordre
    quelconque et des lignes justes dont quelques cellules sont remplacées au hasard (ce qui
    mène jusqu'à l'enregistrement)."""
    if draw(st.booleans()):
        entete = draw(entetes)
        lignes = draw(st.lists(st.lists(cellules, max_size=len(entete) + 2), max_size=8))
    else:
        entete = draw(st.permutations(COLONNES))
        lignes = []
        for rang in range(draw(st.integers(min_value=1, max_value=4))):
            ligne = {**LIGNE_JUSTE, "reference_locataire": f"L-{rang}"}
            for colonne in draw(st.lists(st.sampled_from(COLONNES), max_size=3)):
                ligne[colonne] = draw(cellules)
            lignes.append([ligne.get(colonne, "") for colonne in entete])
    separateur = draw(st.sampled_from([";", ","]))
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\n")
    ecrivain.writerow(entete)
    ecrivain.writerows(lignes)
    encodage = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return tampon.getvalue().encode(encodage, errors="replace")


def test_l_import_rend_un_rapport_ou_un_refus_jamais_une_exception(donnees):
    dispositif, coordinateur = donnees.dispositif, donnees.coordinateur

    issues = set()

    @settings(REGLAGES, max_examples=80)
    @given(st.one_of(fichiers_csv(), st.binary(max_size=500)))
    def propriete(contenu):
        with transaction.atomic():
            try:
                importation.importer_orientations(contenu, dispositif, coordinateur)
            except importation.ImportRefuse as refus:
                assert refus.erreurs
                assert len(refus.erreurs) <= 100
                assert refus.total >= len(refus.erreurs)
                issues.add("refusé")
            else:
                issues.add("importé")
            transaction.set_rollback(True)

    propriete()
    assert issues == {"refusé", "importé"}  # les deux chemins ont été parcourus


def test_une_date_heure_de_l_an_1_ou_9999_est_refusee_sans_debordement():
    champ = DateHeureBornee()
    for saisie in ("0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31"):
        with pytest.raises(forms.ValidationError):
            champ.clean(saisie)
    assert champ.clean(timezone.localtime().strftime("%Y-%m-%dT%H:%M")).year == (
        datetime.now().year
    )
