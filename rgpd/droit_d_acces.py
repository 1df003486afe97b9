"""Le droit d'accès d'un ménage (RGPD art. 15) : le dossier de tout ce qui est détenu sur lui.

La coordination du dispositif produit le dossier à la demande du ménage (ou de son
représentant légal, de son mandataire). Il reprend **tout** ce que le produit détient sur le
ménage, y compris ce que la coordination ne lit pas ailleurs :

- les notes d'intervention de toutes les confidentialités. Le secret professionnel protège la
  personne : il s'oppose à ce qu'un tiers lise ses informations, pas à ce qu'elle les reçoive.
  Les notes « soignants » (santé) et « personnelles » (notes de travail d'un·e
  professionnel·le, rattachées au dossier du ménage) sont des données le concernant et entrent
  donc dans le droit d'accès. Le dossier les signale ; la coordination le remet sans le lire,
  de préférence sous pli fermé ou en main propre, et vérifie avant la remise qu'aucune note ne
  porte atteinte aux droits d'un tiers (art. 15 §4 : ce qui concerne une autre personne
  nommément s'occulte) ;
- les destinataires : les rôles et les dates de chaque consultation ou édition journalisée
  (journal d'audit), et l'équipe qui le suit, nommée ;
- le parcours accès au logement : besoins exprimés, logements proposés (réponse, visite,
  pièces du dossier), décisions de la commission d'attribution (CAL), bail ou bail glissant
  (glissement, aides versées), étapes du relais du lien, mutations et structures autour du
  ménage ;
- les durées de conservation applicables et la date prévue de l'anonymisation.

Chaque production écrit au journal d'audit une ligne « Export » (dossier du droit d'accès), et
une ligne « Lecture d'une note soignants » par note de santé incluse.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from acces.models import BesoinsLogement, Proposition
from accompagnement.enums import Confidentialite
from accompagnement.models import Accompagnement, Intervention
from comites.models import Decision, PointOrdreDuJour
from core.enums import Role
from core.models import JournalAudit

from .conservation import derniers_contacts


@dataclass(frozen=True)
class Consultation:
    date: object
    roles: str
    action: str
    objet: str


def _roles(ligne):
    libelles = ligne.libelles_roles
    if libelles:
        return ", ".join(libelles)
    return "Administration" if ligne.user_id is None else "Professionnel·le du dispositif"


def consultations(menage):
    """Ce que le journal d'audit garde des consultations et éditions du dossier, du plus
    récent : quand, par quel rôle, quoi (jamais le nom des professionnel·les, jamais le
    contenu)."""
    lignes = JournalAudit.objects.filter(menage_public_id=menage.public_id).order_by("-date", "-pk")
    return [
        Consultation(ligne.date, _roles(ligne), ligne.get_action_display(), ligne.libelle_objet)
        for ligne in lignes
    ]


def dossier(menage):
    """Le contexte du PDF : tout ce qui est détenu sur le ménage, sans filtre de rôle."""
    interventions = Intervention.objects.select_related("auteur").order_by("date_heure", "pk")
    accompagnements = list(
        Accompagnement.objects.filter(menage=menage)
        .select_related("referent", "plan", "cloture")
        .prefetch_related(
            "equipe__user",
            "objectifs",
            "bilans",
            Prefetch(
                "interventions", queryset=interventions.prefetch_related("orientations_partenaires")
            ),
        )
        .order_by("date_debut", "pk")
    )
    for accompagnement in accompagnements:
        # Le plan et la clôture manquent souvent : None plutôt qu'une exception au gabarit.
        accompagnement.plan_action = getattr(accompagnement, "plan", None)
        accompagnement.fiche_cloture = getattr(accompagnement, "cloture", None)
    notes = [i for a in accompagnements for i in a.interventions.all()]
    dernier_contact = derniers_contacts(type(menage).objects.filter(pk=menage.pk)).get(menage.pk)
    return {
        "menage": menage,
        "personnes": list(menage.personnes.all()),
        "ressources": list(menage.ressources.all()),
        "informations": list(menage.informations.select_related("enregistree_par")),
        "logements": list(menage.logements.select_related("territoire").order_by("-actuel", "-pk")),
        "orientations": list(
            menage.orientations.select_related("prescripteur", "orientee_par")
            .prefetch_related("problematiques")
            .order_by("date_orientation", "pk")
        ),
        "dettes": list(menage.dettes.all()),
        "plans_apurement": list(menage.plans_apurement.order_by("date_debut", "pk")),
        "accompagnements": accompagnements,
        "points": list(
            PointOrdreDuJour.objects.filter(menage=menage)
            .select_related("seance__comite")
            .order_by("seance__date")
        ),
        "decisions": list(
            Decision.objects.filter(menage=menage)
            .select_related("seance__comite")
            .order_by("seance__date", "pk")
        ),
        **parcours_acces(menage),
        "consultations": consultations(menage),
        "dernier_contact": dernier_contact,
        "anonymisation_prevue": dernier_contact
        + timedelta(days=settings.CONSERVATION_MENAGES_JOURS)
        if dernier_contact
        else None,
        "conservation_jours": settings.CONSERVATION_MENAGES_JOURS,
        "conservation_journal_jours": settings.DUREE_CONSERVATION_JOURNAL_JOURS,
        "notes": notes,
        "nombre_soignants": sum(n.confidentialite == Confidentialite.SOIGNANTS for n in notes),
        "nombre_personnelles": sum(n.confidentialite == Confidentialite.PERSONNELLE for n in notes),
        "destinataires": destinataires(),
        "edition": timezone.localtime(),
    }


def parcours_acces(menage):
    """Ce que le parcours accès détient sur le ménage, sans filtre de rôle."""
    return {
        "besoins_logement": list(
            BesoinsLogement.objects.filter(menage=menage)
            .prefetch_related(
                "secteurs_souhaites", "secteurs_evites", "communes_souhaitees", "communes_evitees"
            )
            .order_by("-date", "-pk")
        ),
        "propositions": list(
            Proposition.objects.filter(menage=menage)
            .select_related(
                "logement__territoire",
                "decision__seance__bailleur",
                "bail__association_preneuse",
                "bail__referent_bailleur",
            )
            .prefetch_related("pieces", "bail__etapes", "bail__aides")
            .order_by("date_proposition", "pk")
        ),
        "mutations": list(menage.mutations.order_by("date", "pk")),
        "organisations_autour": list(menage.organisations_autour.select_related("organisation")),
    }


def destinataires():
    """Qui peut lire quoi, en clair, pour le ménage (DESIGN.md §3, core.permissions.MATRICE)."""
    return [
        (
            Role.COORDINATEUR.label,
            "tout le dossier du dispositif (ou de son territoire), sauf les notes « soignants » et "
            "les notes personnelles des autres",
        ),
        (
            "Équipe qui suit le ménage (travailleur social, infirmier·e, psychologue)",
            "identité, logement, orientation, plan d'action, décisions, notes d'équipe ; la dette "
            "pour le travailleur social ; les notes « soignants » pour les soignant·es de l'équipe",
        ),
        (
            Role.AGENT_BAILLEUR.label,
            "ce qu'il ou elle a orienté : identité, orientation, dette, résumé du plan, décisions",
        ),
        (
            Role.MEMBRE_COTECH.label,
            "le dossier (sans les notes) pendant son inscription à l'ordre du jour et "
            f"{settings.DELAI_ORDRE_DU_JOUR_JOURS} jours après la séance",
        ),
        (
            "Comité de pilotage, financeur",
            "des chiffres agrégés seulement, jamais le nom du ménage",
        ),
    ]
