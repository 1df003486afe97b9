"""Ménages et orientations de démonstration, réalistes et reproductibles.

Les situations suivent les dossiers des programmes : maintien avec impayés, souffrance psychique
et incurie dans le Cantal, accès depuis l'hébergement en Haute-Savoie, locataires injoignables
au contentieux à Toulouse, les deux parcours dans le Nord. Le hasard est tiré d'une graine fixe
par programme ; un programme qui a déjà ses ménages de démonstration n'est pas rechargé, ce qui
rend le chargement idempotent d'un jour à l'autre. Profils, phrases et tables de tirage :
`donnees/menages.toml`.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from core.enums import Parcours
from core.models import Dispositif, Organisation, User
from menages import services
from menages.enums import (
    Composition,
    LienPersonne,
    NatureRessource,
    OrigineDette,
    Problematique,
    StadeProcedure,
    StatutOccupation,
    StatutOrientation,
)
from menages.models import DetteLocative, Menage, Orientation, Personne, Ressource

from .comptes import email_demo
from .lecture import lire

DONNEES = lire("menages")
PROFILS = DONNEES["profils"]
PHRASES = DONNEES["phrases"]
LOYERS = DONNEES["loyers"]
TIRAGES = DONNEES["tirages"]
RESSOURCES = DONNEES["ressources"]
MOTIFS_STATUT = DONNEES["motifs_statut"]


@transaction.atomic
def charger_menages():
    aujourd_hui = timezone.localdate()
    for slug, profil in PROFILS.items():
        dispositif = Dispositif.objects.filter(slug=slug).first()
        if dispositif is None:
            continue
        prefixe = profil["prefixe"]
        if Menage.objects.filter(
            dispositif=dispositif, reference_locataire__startswith=prefixe
        ).exists():
            continue
        _charger_dispositif(dispositif, profil, aujourd_hui)


def _charger_dispositif(dispositif, profil, aujourd_hui):
    hasard = random.Random(f"menages-{dispositif.slug}")
    faux = Faker("fr_FR")
    faux.seed_instance(f"menages-{dispositif.slug}")
    agent = User.objects.get(email=email_demo("bailleur", dispositif.slug))
    coordinateur = User.objects.get(email=email_demo("coordinateur", dispositif.slug))
    communes = [
        commune
        for territoire in dispositif.territoires.prefetch_related("communes")
        for commune in territoire.communes.all()
    ]
    partenaires = list(
        Organisation.objects.filter(dispositifs=dispositif).exclude(pk=dispositif.porteur_id)
    )
    for rang in range(profil["nombre"]):
        acces = hasard.random() < profil["acces"]
        # Deux ans d'orientations, plus nombreuses récemment.
        anciennete = int(730 * hasard.random() ** 1.3)
        date_orientation = aujourd_hui - timedelta(days=anciennete)
        fiche = _fiche(hasard, faux, profil, acces, date_orientation, communes, partenaires, rang)
        auteur = agent if not acces and hasard.random() < 0.7 else coordinateur
        resultat = services.orienter_menage(auteur, dispositif, fiche)
        menage = resultat.orientation.menage
        _composer(hasard, faux, menage, fiche)
        _avancer(hasard, resultat.orientation, anciennete, aujourd_hui)
        if fiche.dette_locative:
            _historique_dette(hasard, menage, resultat.orientation, aujourd_hui, agent)


def _fiche(hasard, faux, profil, acces, date_orientation, communes, partenaires, rang):
    cle = "_acces" if acces else ""
    problematiques = _tirer(hasard, profil[f"problematiques{cle}"], hasard.choice([1, 1, 2, 2, 3]))
    composition = _tirage(hasard, TIRAGES["composition"])
    adultes = 2 if composition in (Composition.COUPLE, Composition.COUPLE_AVEC_ENFANTS) else 1
    enfants = (
        hasard.randint(1, 4)
        if composition in (Composition.MONOPARENTALE, Composition.COUPLE_AVEC_ENFANTS)
        else 0
    )
    typologie = (
        "T1"
        if adultes + enfants == 1 and hasard.random() < 0.5
        else f"T{min(5, 1 + adultes + enfants // 2)}"
    )
    commune = hasard.choice(communes)
    loyer = Decimal(LOYERS[typologie] + hasard.randint(-30, 40))
    dette = None
    procedure = StadeProcedure.AUCUNE
    if Problematique.IMPAYES in problematiques or (not acces and hasard.random() < 0.4):
        dette = Decimal(hasard.randint(3, 60) * 100 + hasard.choice([0, 50]))
        procedure = _tirage(hasard, TIRAGES["stade_procedure"])
    mois = hasard.randint(3, 18)
    description = " ".join(PHRASES[p].format(mois=mois) for p in problematiques)
    source = hasard.choice(profil[f"sources{cle}"])
    prescripteur = hasard.choice(partenaires) if acces and partenaires else None
    return services.FicheOrientation(
        date_orientation=date_orientation,
        parcours=Parcours.ACCES if acces else Parcours.MAINTIEN,
        source=source,
        problematiques=problematiques,
        nom=faux.last_name().upper(),
        prenom=faux.first_name(),
        reference_locataire=f"{profil['prefixe']}{100231 + rang * 37:06d}",
        composition=composition,
        nb_adultes=adultes,
        nb_enfants=enfants,
        telephone=faux.phone_number() if hasard.random() < 0.8 else "",
        mesure_protection=_tirage(hasard, TIRAGES["mesure_protection"]),
        adresse=faux.street_address(),
        code_postal=commune.code_postal,
        commune=commune.nom,
        commune_du_dispositif=commune,
        typologie=typologie,
        statut_occupation=(
            hasard.choice(
                [
                    StatutOccupation.EN_ATTENTE,
                    StatutOccupation.BAIL_GLISSANT,
                    StatutOccupation.HEBERGE,
                ]
            )
            if acces
            else StatutOccupation.LOCATAIRE_EN_TITRE
        ),
        loyer=loyer,
        charges=Decimal(hasard.randint(45, 120)),
        apl=Decimal(hasard.randint(0, int(loyer * Decimal("0.7")))),
        dette_locative=dette,
        stade_procedure=procedure,
        lien_rompu=hasard.random() < profil["lien_rompu"],
        description=description,
        prescripteur=prescripteur,
        contact_prescripteur=faux.name() if prescripteur else "",
    )


def _tirage(hasard, ponderes):
    """Un code tiré selon les poids de la table {code: poids}."""
    return hasard.choices(list(ponderes), weights=list(ponderes.values()))[0]


def _tirer(hasard, ponderes, nombre):
    """`nombre` codes distincts tirés selon les poids de la table {code: poids}."""
    choisies = []
    codes = list(ponderes)
    poids = list(ponderes.values())
    while len(choisies) < min(nombre, len(codes)):
        code = hasard.choices(codes, weights=poids)[0]
        if code not in choisies:
            choisies.append(code)
    return choisies


def _composer(hasard, faux, menage, fiche):
    annee = timezone.localdate().year
    personnes = [
        Personne(
            menage=menage,
            prenom=menage.prenom,
            nom=menage.nom,
            annee_naissance=annee - hasard.randint(23, 78),
            lien=LienPersonne.TITULAIRE,
        )
    ]
    if fiche.nb_adultes == 2:
        personnes.append(
            Personne(
                menage=menage,
                prenom=faux.first_name(),
                nom=menage.nom,
                annee_naissance=annee - hasard.randint(23, 70),
                lien=LienPersonne.CONJOINT,
            )
        )
    personnes += [
        Personne(
            menage=menage,
            prenom=faux.first_name(),
            nom=menage.nom,
            annee_naissance=annee - hasard.randint(0, 17),
            adulte=False,
            lien=LienPersonne.ENFANT,
        )
        for _ in range(fiche.nb_enfants or 0)
    ]
    Personne.objects.bulk_create(personnes)
    nature = _tirage(hasard, {code: r["poids"] for code, r in RESSOURCES.items()})
    bas, haut = RESSOURCES[nature]["montant"]
    ressources = [
        Ressource(menage=menage, nature=nature, montant_mensuel=Decimal(hasard.randint(bas, haut)))
    ]
    if fiche.nb_enfants:
        ressources.append(
            Ressource(
                menage=menage,
                nature=NatureRessource.PRESTATIONS_FAMILIALES,
                montant_mensuel=Decimal(140 * fiche.nb_enfants + hasard.randint(0, 90)),
            )
        )
    Ressource.objects.bulk_create(ressources)


def _avancer(hasard, orientation, anciennete, aujourd_hui):
    """Donne à l'orientation le statut qu'elle aurait aujourd'hui (les anciennes sont jugées)."""
    if anciennete < 20:
        statut = hasard.choice([StatutOrientation.RECUE, StatutOrientation.A_EXAMINER])
    elif anciennete < 45:
        statut = hasard.choices(
            [StatutOrientation.A_EXAMINER, StatutOrientation.EN_ATTENTE, StatutOrientation.ADMISE],
            weights=[4, 2, 4],
        )[0]
    else:
        statut = hasard.choices(
            [
                StatutOrientation.ADMISE,
                StatutOrientation.REFUSEE,
                StatutOrientation.REORIENTEE,
                StatutOrientation.EN_ATTENTE,
            ],
            weights=[76, 9, 10, 5],
        )[0]
    Orientation.objects.filter(pk=orientation.pk).update(
        statut=statut,
        date_statut=min(
            aujourd_hui, orientation.date_orientation + timedelta(days=hasard.randint(7, 35))
        )
        if statut != StatutOrientation.RECUE
        else orientation.date_orientation,
        motif_statut=MOTIFS_STATUT.get(statut, ""),
    )


def _historique_dette(hasard, menage, orientation, aujourd_hui, agent):
    montant = orientation.dette_locative
    date = orientation.date_orientation
    stade = orientation.stade_procedure
    releves = []
    while True:
        date = date + timedelta(days=hasard.randint(60, 120))
        if date > aujourd_hui:
            break
        montant = max(Decimal(0), montant + Decimal(hasard.randint(-9, 4) * 100))
        releves.append(
            DetteLocative(
                menage=menage,
                date=date,
                montant=montant,
                stade_procedure=stade,
                origine=OrigineDette.RELEVE,
                saisie_par=agent,
            )
        )
    DetteLocative.objects.bulk_create(releves)


def actualiser_les_situations():
    """Les statuts et les relevés de la démonstration s'écrivent en groupe (`update`,
    `bulk_create`) : la situation du jour que porte chaque ménage se recalcule à la fin."""
    services.actualiser_situation(Menage.objects.values_list("pk", flat=True))
