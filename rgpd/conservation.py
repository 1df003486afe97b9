"""Durée de conservation des ménages et anonymisation (CNIL, référentiel « accompagnement social
et médico-social » ; DESIGN.md §5).

**Le dernier contact** d'un ménage est la plus récente de ces dates :
création du ménage ; date d'une orientation et de son dernier changement de statut ; relevé de
dette ; début ou constat d'un plan d'apurement ; information sur le partage ; début, premier
contact et fin d'un accompagnement ; intervention (visite, entretien, visite sans réponse…) ;
bilan réalisé ; clôture ; séance de comité où il était à l'ordre du jour ou a fait l'objet d'une
décision.

**Un ménage part à l'anonymisation** quand son dernier contact date de plus de
`CONSERVATION_MENAGES_JOURS` jours (730 par défaut), qu'aucun de ses accompagnements n'est
ouvert ni en suivi post-clôture, qu'aucune de ses orientations n'attend un examen ou un
rattachement, qu'il n'est pas provisoire et qu'aucun ménage provisoire ne l'attend.

**Ce que l'anonymisation efface**, dans les tables et dans leurs tables d'historique : nom,
prénom, référence locataire, téléphone, adresse électronique, mandataire (le ménage s'appelle
désormais « Ménage anonymisé ») ; noms et prénoms des personnes ; adresse, code postal et commune
saisis du logement ; contact chez le prescripteur, description et motif des orientations ;
autres aides du plan d'apurement ; structures autour du ménage ; libellés et indicateurs des
objectifs ; notes et autres personnes présentes des interventions ; synthèses de bilan ;
commentaires de progression et de clôture ; motifs des décisions de comité.

**Ce qu'elle garde** : les dates, catégories, montants, statuts, décisions, durées, la commune
et le territoire du dispositif, les années de naissance et la composition. Le rapport
semestriel se calcule sur eux seuls : un rapport passé recalculé donne les mêmes chiffres. Le
ménage reste compté partout, sans nom.

Les PDF (fiches, comptes rendus, dossier du droit d'accès) et les exports CSV/XLSX sont rendus à
la demande, jamais stockés ; les rapports semestriels stockés ne nomment personne. Les fichiers
d'import sont supprimés après l'import ; la tâche efface en plus, pour les imports plus anciens
que la durée de conservation, un fichier resté (import interrompu), le nom du fichier et les
erreurs gardées (elles citent des valeurs des lignes).

Chaque anonymisation écrit une ligne au journal d'audit (action, dispositif, identifiant public
du ménage, jamais de donnée) et une ligne `rgpd.Anonymisation`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import TruncDate
from django.utils import timezone

from acces.models import BesoinsLogement, DecisionCAL, Mutation, OrganisationAutour, Proposition
from accompagnement.enums import StatutAccompagnement
from accompagnement.models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    InterventionVersion,
    Objectif,
    PlanAction,
    ProgressionObjectif,
)
from comites.models import Decision, DecisionCorrection, PointOrdreDuJour
from core.models import JournalAudit
from core.services import journaliser
from menages.enums import STATUTS_EN_COURS_D_EXAMEN, StatutOrientation
from menages.models import (
    DetteLocative,
    Import,
    InformationPartage,
    Logement,
    Menage,
    Orientation,
    Personne,
    PlanApurement,
)
from menages.services import actualiser_situation

from .models import Anonymisation

NOM_ANONYME = "Ménage anonymisé"
OBJECTIF_ANONYME = "Objectif anonymisé"

# Ce que l'anonymisation écrit à la place, par modèle (mêmes valeurs dans l'historique).
EFFACEMENTS = {
    Menage: {
        "nom": NOM_ANONYME,
        "prenom": "",
        "reference_locataire": "",
        "telephone": "",
        "email": "",
        "mandataire": "",
    },
    Personne: {"prenom": "", "nom": ""},
    Logement: {"adresse": "", "code_postal": "", "commune": ""},
    Orientation: {"description": "", "motif_statut": "", "contact_prescripteur": ""},
    PlanApurement: {"autres_aides": ""},
    PlanAction: {"structures_autour": ""},
    Objectif: {"libelle": OBJECTIF_ANONYME, "indicateur": ""},
    Intervention: {"note": "", "autres_participants": ""},
    Bilan: {"synthese": ""},
    ProgressionObjectif: {"commentaire": ""},
    Cloture: {"commentaire": ""},
    Decision: {"motifs": "", "explication_prescripteur": ""},
    # Les versions remplacées d'une intervention corrigée et les contenus d'avant une
    # correction de décision : les mêmes textes que les lignes qu'elles gardent.
    InterventionVersion: {"note": "", "autres_participants": "", "motif": ""},
    DecisionCorrection: {"anciens_motifs": "", "motif_correction": "—"},
    # Parcours accès : les textes libres des besoins, de la réponse du ménage et de la CAL, les
    # références locataires d'une mutation (le logement proposé, non nominatif, reste) ; ce que
    # fait chaque structure autour du ménage (« CMP : suivi psychiatrique » dit la santé).
    BesoinsLogement: {"commentaire": ""},
    Proposition: {"motif_refus": ""},
    DecisionCAL: {"motif": "", "explication_prescripteur": ""},
    Mutation: {"ancienne_reference": "", "nouvelle_reference": ""},
    OrganisationAutour: {"role": ""},
}


def duree_de_conservation():
    return timedelta(days=settings.CONSERVATION_MENAGES_JOURS)


def limite_de_conservation(maintenant=None):
    """Un ménage dont le dernier contact est antérieur à ce jour a dépassé la conservation."""
    return timezone.localtime(maintenant or timezone.now()).date() - duree_de_conservation()


def _par_menage(queryset, chemin_menage, *champs_date):
    """{id du ménage: date la plus récente} pour chaque champ date (une requête par champ)."""
    dates = {}
    for champ in champs_date:
        lignes = (
            queryset.exclude(**{f"{champ}__isnull": True})
            .values(chemin_menage)
            .annotate(derniere=Max(champ))
            .values_list(chemin_menage, "derniere")
        )
        for menage_id, derniere in lignes:
            if menage_id is not None:
                _garder(dates, menage_id, derniere)
    return dates


def _garder(dates, menage_id, valeur):
    if hasattr(valeur, "hour"):  # un DateTime : son jour, à l'heure de Paris
        valeur = timezone.localtime(valeur).date()
    if menage_id not in dates or valeur > dates[menage_id]:
        dates[menage_id] = valeur


def derniers_contacts(menages):
    """{id du ménage: date du dernier contact} pour les ménages de `menages` (un queryset).

    Un nombre fixe de requêtes, quel que soit le nombre de ménages (voir le module pour la
    définition du dernier contact).
    """
    ids = menages.values("pk")
    sources = [
        (Menage.objects.filter(pk__in=ids).annotate(jour=TruncDate("cree_le")), "pk", ["jour"]),
        (
            Orientation.objects.filter(menage__in=ids),
            "menage_id",
            ["date_orientation", "date_statut"],
        ),
        (DetteLocative.objects.filter(menage__in=ids), "menage_id", ["date"]),
        (
            PlanApurement.objects.filter(menage__in=ids),
            "menage_id",
            ["date_debut", "date_constat"],
        ),
        (InformationPartage.objects.filter(menage__in=ids), "menage_id", ["date_information"]),
        (
            Accompagnement.objects.filter(menage__in=ids),
            "menage_id",
            ["date_debut", "date_premier_contact", "date_fin"],
        ),
        (
            Intervention.objects.filter(accompagnement__menage__in=ids),
            "accompagnement__menage_id",
            ["date_heure"],
        ),
        (
            Bilan.objects.filter(accompagnement__menage__in=ids),
            "accompagnement__menage_id",
            ["date_realisation"],
        ),
        (
            Cloture.objects.filter(accompagnement__menage__in=ids),
            "accompagnement__menage_id",
            ["date"],
        ),
        (Decision.objects.filter(menage__in=ids), "menage_id", ["seance__date"]),
        (PointOrdreDuJour.objects.filter(menage__in=ids), "menage_id", ["seance__date"]),
    ]
    contacts = {}
    for queryset, chemin, champs in sources:
        for menage_id, derniere in _par_menage(queryset, chemin, *champs).items():
            _garder(contacts, menage_id, derniere)
    return contacts


def menages_conservables():
    """Les ménages que la durée de conservation peut atteindre : pas encore anonymisés, sans
    accompagnement en cours (ni en suivi post-clôture), sans orientation en attente, ni
    provisoires ni attendus par un ménage provisoire."""
    en_attente = [*STATUTS_EN_COURS_D_EXAMEN, StatutOrientation.A_RATTACHER]
    return (
        Menage.objects.filter(anonymisation__isnull=True, provisoire=False)
        .exclude(
            Exists(
                Accompagnement.objects.filter(menage=OuterRef("pk")).exclude(
                    statut=StatutAccompagnement.CLOS
                )
            )
        )
        .exclude(Exists(Orientation.objects.filter(menage=OuterRef("pk"), statut__in=en_attente)))
        .exclude(Exists(Menage.objects.filter(doublon_possible_de=OuterRef("pk"), provisoire=True)))
    )


@dataclass(frozen=True)
class AAnonymiser:
    menage: Menage
    dernier_contact: object


def menages_a_anonymiser(maintenant=None):
    """Les ménages à anonymiser aujourd'hui, avec leur dernier contact, du plus ancien."""
    limite = limite_de_conservation(maintenant)
    candidats = menages_conservables()
    contacts = derniers_contacts(candidats)
    retenus = [menage_id for menage_id, jour in contacts.items() if jour < limite]
    menages = Menage.objects.filter(pk__in=retenus).select_related("dispositif")
    return sorted(
        (AAnonymiser(menage, contacts[menage.pk]) for menage in menages),
        key=lambda a: (a.dernier_contact, a.menage.pk),
    )


def imports_a_nettoyer(maintenant=None):
    """Les imports plus anciens que la durée de conservation qui gardent encore un fichier, son
    nom ou des erreurs."""
    limite = timezone.now() if maintenant is None else maintenant
    limite -= duree_de_conservation()
    return Import.objects.filter(demande_le__lt=limite).exclude(
        fichier="", nom_du_fichier="", erreurs=[]
    )


@transaction.atomic
def anonymiser_menage(menage, *, dernier_contact, par=None, maintenant=None):
    """Efface d'un ménage ce qui l'identifie et les textes libres, dans les tables et dans
    leurs historiques ; garde les chiffres (voir le module). Journalisé, sans donnée.

    Refus : `ValueError` si le ménage est déjà anonymisé.
    """
    menage = Menage.objects.select_for_update().get(pk=menage.pk)
    if Anonymisation.objects.filter(menage=menage).exists():
        raise ValueError("Ce ménage est déjà anonymisé.")
    accompagnements = _accompagnements_du_menage(menage)
    lignes = {
        Menage: {"pk": menage.pk},
        Personne: {"menage": menage},
        Logement: {"menage": menage},
        Orientation: {"menage": menage},
        PlanApurement: {"menage": menage},
        PlanAction: {"accompagnement__in": accompagnements},
        Objectif: {"accompagnement__in": accompagnements},
        Intervention: {"accompagnement__in": accompagnements},
        Bilan: {"accompagnement__in": accompagnements},
        ProgressionObjectif: {"bilan__accompagnement__in": accompagnements},
        Cloture: {"accompagnement__in": accompagnements},
        Decision: {"menage": menage},
        InterventionVersion: {"accompagnement__in": accompagnements},
        DecisionCorrection: {"decision__menage": menage},
        BesoinsLogement: {"menage": menage},
        Proposition: {"menage": menage},
        DecisionCAL: {"proposition__menage": menage},
        Mutation: {"menage": menage},
        OrganisationAutour: {"menage": menage},
    }
    for modele, filtre in lignes.items():
        modele.objects.filter(**filtre).update(**EFFACEMENTS[modele])
        _effacer_l_historique(modele, menage, accompagnements)
    # Les orientations et les relevés restent (leurs chiffres comptent) : la situation du jour
    # portée par le ménage se recalcule d'eux, comme après toute écriture.
    actualiser_situation([menage.pk])
    Anonymisation.objects.create(
        menage=menage,
        anonymise_le=maintenant or timezone.now(),
        dernier_contact=dernier_contact,
        conservation_jours=settings.CONSERVATION_MENAGES_JOURS,
        par=par,
    )
    journaliser(
        par,
        JournalAudit.Action.ANONYMISATION,
        dispositif=menage.dispositif_id,
        objet=menage,
        detail=f"conservation de {settings.CONSERVATION_MENAGES_JOURS} jours dépassée",
        adresse=None if par else "127.0.0.1",
    )
    return menage


def _accompagnements_du_menage(menage):
    """Les identifiants des accompagnements du ménage, supprimés compris (leur historique)."""
    ids = set(Accompagnement.objects.filter(menage=menage).values_list("pk", flat=True))
    historique = getattr(Accompagnement, "historique", None)
    if historique is not None:
        ids |= set(historique.filter(menage_id=menage.pk).values_list("id", flat=True))
    return sorted(ids)


def _effacer_l_historique(modele, menage, accompagnements):
    historique = getattr(modele, "historique", None)
    if historique is None:
        return
    if modele is Menage:
        filtre = {"id": menage.pk}
    elif "menage" in {champ.name for champ in modele._meta.fields}:
        filtre = {"menage_id": menage.pk}
    else:
        filtre = {"accompagnement_id__in": accompagnements}
    historique.filter(**filtre).update(**EFFACEMENTS[modele])


@dataclass
class Passe:
    """Ce qu'une passe d'anonymisation a fait (ou ferait, à blanc)."""

    limite: object
    menages: list
    imports: int


def anonymiser_menages(*, maintenant=None, a_blanc=False, par=None):
    """La passe quotidienne : anonymise chaque ménage dont la conservation est dépassée et
    nettoie les vieux imports. Une transaction par ménage (un échec n'annule pas les autres et
    ne laisse jamais un ménage à moitié anonymisé). Avec `a_blanc`, ne change rien et rend ce
    qui partirait."""
    a_anonymiser = menages_a_anonymiser(maintenant)
    imports = imports_a_nettoyer(maintenant)
    nombre_imports = imports.count()
    if not a_blanc:
        for element in a_anonymiser:
            anonymiser_menage(
                element.menage,
                dernier_contact=element.dernier_contact,
                par=par,
                maintenant=maintenant,
            )
        nettoyer_imports(imports)
    return Passe(limite_de_conservation(maintenant), a_anonymiser, nombre_imports)


def nettoyer_imports(imports):
    for demande in imports:
        with transaction.atomic():
            if demande.fichier:
                demande.fichier.delete(save=False)
            Import.objects.filter(pk=demande.pk).update(fichier="", nom_du_fichier="", erreurs=[])
