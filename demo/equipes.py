"""Les équipes de la démonstration : dans chaque programme, une invitation en attente et un ancien
membre (adhésion terminée, ménages réaffectés). Tout passe par les services de `equipes`.

Idempotent : un programme qui a déjà son invitation ou son ancien membre n'est pas retouché.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accompagnement.models import Accompagnement, MembreEquipe
from accompagnement.services import changer_referent
from core.models import Dispositif, Membre, Organisation
from equipes import services
from equipes.models import Invitation

from .comptes import compte, email_demo
from .lecture import lire
from .programmes import DISPOSITIFS

DONNEES = lire("equipes")


def charger_equipes():
    for donnees in DISPOSITIFS:
        dispositif = Dispositif.objects.filter(slug=donnees["slug"]).first()
        if dispositif is None:
            continue
        coordinateur = Membre.objects.actifs().filter(
            dispositif=dispositif, user__email=email_demo("coordinateur", dispositif.slug)
        )
        if not coordinateur.exists():
            continue
        coordinateur = coordinateur.first().user
        _invitation_en_attente(dispositif, donnees, coordinateur)
        _ancien_membre(dispositif, donnees, coordinateur)


def _structure(donnees, cle):
    nom = donnees["porteur"] if cle == "porteur" else donnees[cle]
    return Organisation.objects.get(nom=nom)


@transaction.atomic
def _invitation_en_attente(dispositif, donnees, coordinateur):
    invitation = DONNEES["invitation"]
    email = email_demo(invitation["prefixe"], dispositif.slug)
    if Invitation.objects.filter(dispositif=dispositif, email=email).exists():
        return
    # La démonstration n'écrit à personne : l'invitation attend, sans courriel.
    services.inviter(
        coordinateur,
        dispositif,
        email=email,
        prenom=invitation["prenom"],
        nom=invitation["nom"],
        role=invitation["role"],
        profession=invitation["profession"],
        organisation=_structure(donnees, invitation["structure"]),
        envoyer=False,
    )


@transaction.atomic
def _ancien_membre(dispositif, donnees, coordinateur):
    ancien = DONNEES["ancien"]
    email = email_demo(ancien["prefixe"], dispositif.slug)
    if Membre.objects.filter(dispositif=dispositif, user__email=email).exists():
        return
    successeur = (
        Membre.objects.actifs()
        .filter(dispositif=dispositif, user__email=email_demo("ts", dispositif.slug))
        .first()
    )
    if successeur is None:
        return
    user = compte(email, ancien["prenom"], ancien["nom"])
    adhesion = Membre.objects.create(
        user=user,
        dispositif=dispositif,
        role=ancien["role"],
        profession=ancien["profession"],
        organisation=_structure(donnees, ancien["structure"]),
        date_debut=dispositif.date_debut,
    )
    depart = timezone.localdate() - timedelta(days=ancien["parti_depuis_jours"])
    suivis = list(
        Accompagnement.objects.ouverts()
        .filter(dispositif=dispositif, referent=successeur.user, date_debut__lt=depart)
        .order_by("date_debut", "pk")[: ancien["menages_suivis"]]
    )
    # L'histoire : l'ancien membre a été référent de ces ménages depuis leur début…
    for accompagnement in suivis:
        changer_referent(coordinateur, accompagnement, user)
        MembreEquipe.objects.filter(accompagnement=accompagnement, user=user).update(
            depuis=accompagnement.date_debut
        )
    # … puis il est parti ; la coordination a confié ses ménages au TS du programme.
    services.terminer_adhesion(coordinateur, adhesion, date_fin=depart)
    services.reaffecter(
        coordinateur,
        dispositif,
        referents=[(accompagnement, successeur.user) for accompagnement in suivis],
    )
