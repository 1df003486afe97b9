"""Les partenaires prescripteurs de la démonstration : leurs comptes et ce qu'ils ont orienté.

En Haute-Savoie, le SIAO 74 (`prescripteur.savoie@demo.test`) et l'association ARIES
(`prescripteur2.savoie@demo.test`) ; dans le Nord, l'EPSM (`prescripteur.nord@demo.test`).
Chacun oriente quelques ménages par le service (`orienter_menage`, sans dette ni procédure) ;
la coordination met une orientation en attente, le dernier COTECH en admet et en refuse avec
l'explication à transmettre (`comites.services.decider`), les plus récentes sont inscrites au
COTECH du jour, où la coordination peut les décider. Une admission nomme le référent du bailleur
dans l'équipe. Idempotent : un programme dont un prescripteur a déjà orienté n'est pas rechargé.
Données : `donnees/prescripteurs.toml`.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from faker import Faker

from comites import services as comites
from comites.enums import NaturePoint, TypeComite, TypeDecision
from comites.models import PointOrdreDuJour, Seance
from core.enums import Parcours, Profession, Role
from core.models import Dispositif, Membre, Organisation, User
from menages import services
from menages.enums import StatutOrientation
from menages.models import Orientation

from .comptes import compte, email_demo
from .lecture import lire

DONNEES = lire("prescripteurs")
DECISION_PAR_ETAT = {"admise": TypeDecision.ADMISSION, "refusee": TypeDecision.REFUS}


def charger_prescripteurs():
    # La démonstration ne prévient personne par courriel (les décisions en enverraient).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _charger()


@transaction.atomic
def _charger():
    for slug, programme in DONNEES.items():
        dispositif = Dispositif.objects.filter(slug=slug).first()
        if dispositif is None:
            continue
        prescripteurs = _comptes(dispositif, programme["comptes"])
        if Orientation.objects.filter(
            menage__dispositif=dispositif, orientee_par__in=prescripteurs.values()
        ).exists():
            continue
        _orienter(dispositif, prescripteurs, programme["orientations"])


def _comptes(dispositif, comptes):
    """{préfixe: compte} des prescripteurs du programme, membres de leur structure."""
    prescripteurs = {}
    for prefixe, nom_structure in comptes.items():
        email = email_demo(prefixe, dispositif.slug)
        faux = Faker("fr_FR")
        faux.seed_instance(email)
        user = compte(email, faux.first_name(), faux.last_name())
        Membre.objects.get_or_create(
            user=user,
            dispositif=dispositif,
            role=Role.PRESCRIPTEUR,
            defaults={
                "profession": Profession.PARTENAIRE,
                "organisation": Organisation.objects.get(nom=nom_structure),
                "date_debut": dispositif.date_debut,
            },
        )
        prescripteurs[prefixe] = user
    return prescripteurs


def _orienter(dispositif, prescripteurs, orientations):
    aujourd_hui = timezone.localdate()
    coordinateur = User.objects.get(email=email_demo("coordinateur", dispositif.slug))
    ts = User.objects.get(email=email_demo("ts", dispositif.slug))
    bailleur = User.objects.get(email=email_demo("bailleur", dispositif.slug))
    technique = dispositif.comites.filter(type=TypeComite.TECHNIQUE).first()
    communes = {
        commune.nom: commune
        for territoire in dispositif.territoires.prefetch_related("communes")
        for commune in territoire.communes.all()
    }
    parcours = Parcours.ACCES if dispositif.parcours_acces else dispositif.parcours[0]
    a_decider = []
    for donnees in orientations:
        commune = communes.get(donnees["commune"])
        fiche = services.FicheOrientation(
            date_orientation=aujourd_hui - timedelta(days=donnees["jours"]),
            parcours=parcours,
            source="",
            problematiques=donnees["problematiques"],
            nom=donnees["nom"].upper(),
            prenom=donnees["prenom"],
            composition=donnees["composition"],
            nb_adultes=donnees["nb_adultes"],
            nb_enfants=donnees["nb_enfants"],
            commune=donnees["commune"],
            code_postal=donnees["code_postal"],
            commune_du_dispositif=commune,
            statut_occupation="heberge",
            ressources_mensuelles=Decimal(donnees["ressources"]),
            description=donnees["description"],
            contact_prescripteur=donnees["contact"],
        )
        orientation = services.orienter_menage(
            prescripteurs[donnees["compte"]], dispositif, fiche
        ).orientation
        if donnees["etat"] == "en_attente":
            services.changer_statut_orientation(
                coordinateur, orientation, StatutOrientation.EN_ATTENTE, donnees["motifs"]
            )
        elif donnees["etat"] in DECISION_PAR_ETAT:
            a_decider.append((orientation, donnees))
    if technique is None:
        return
    _decider_au_dernier_cotech(technique, a_decider, coordinateur, ts, bailleur)
    # Les orientations reçues entrent à l'ordre du jour du COTECH d'aujourd'hui.
    du_jour = (
        technique.seances.filter(date__date=aujourd_hui).order_by("date").first()
        or technique.seances.filter(date__gte=timezone.now()).order_by("date").first()
    )
    if du_jour is not None:
        comites.construire_ordre_du_jour(coordinateur, du_jour)


def _decider_au_dernier_cotech(technique, a_decider, coordinateur, ts, bailleur):
    """Le dernier COTECH passé admet et refuse, avec l'explication à transmettre ; une admission
    nomme le travailleur social référent et le référent du bailleur dans l'équipe."""
    derniere = (
        Seance.objects.filter(comite=technique, date__date__lt=timezone.localdate())
        .order_by("-date")
        .first()
    )
    if derniere is None:
        return
    rang = derniere.points.count()
    for orientation, donnees in a_decider:
        rang += 1
        point = PointOrdreDuJour.objects.create(
            seance=derniere,
            menage=orientation.menage,
            nature=NaturePoint.NOUVELLE_ORIENTATION,
            orientation=orientation,
            rang=rang,
        )
        type_decision = DECISION_PAR_ETAT[donnees["etat"]]
        admission = type_decision == TypeDecision.ADMISSION
        comites.decider(
            coordinateur,
            point,
            type_decision,
            motifs=donnees["motifs"],
            referent=ts if admission else None,
            equipe=[bailleur] if admission else (),
            explication_prescripteur=donnees["explication"],
        )
