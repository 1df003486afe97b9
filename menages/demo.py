"""Ménages et orientations de démonstration, réalistes et reproductibles.

Les situations suivent les dossiers des programmes : maintien avec impayés, souffrance psychique
et incurie dans le Cantal, accès depuis l'hébergement en Haute-Savoie, locataires injoignables
au contentieux à Toulouse, les deux parcours dans le Nord. Le hasard est tiré d'une graine fixe
par programme ; un programme qui a déjà ses ménages de démonstration n'est pas rechargé, ce qui
rend le chargement idempotent d'un jour à l'autre.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

from core.demo import email_demo
from core.enums import Parcours
from core.models import Dispositif, Organisation, User

from . import services
from .enums import (
    Composition,
    LienPersonne,
    MesureProtection,
    NatureRessource,
    OrigineDette,
    Problematique,
    Source,
    StadeProcedure,
    StatutOccupation,
    StatutOrientation,
)
from .models import DetteLocative, Menage, Orientation, Personne, Ressource

P = Problematique

PROFILS = {
    "cantal": {
        "nombre": 36,
        "prefixe": "CAN",
        "acces": 0.0,
        "problematiques": [
            (P.IMPAYES, 6),
            (P.SOUFFRANCE_PSYCHIQUE, 6),
            (P.HYGIENE_INCURIE, 4),
            (P.ISOLEMENT_RUPTURE, 4),
            (P.ADDICTIONS, 3),
            (P.TROUBLES_VOISINAGE, 4),
            (P.ANIMAUX, 1),
            (P.DEGRADATION_LOGEMENT, 2),
            (P.HANDICAP, 1),
        ],
        "sources": [Source.GESTION_LOCATIVE, Source.PROXIMITE, Source.RECOUVREMENT, Source.CESF],
        "lien_rompu": 0.25,
    },
    "nord": {
        "nombre": 60,
        "prefixe": "PNH",
        "acces": 0.3,
        "problematiques": [
            (P.IMPAYES, 6),
            (P.TROUBLES_VOISINAGE, 3),
            (P.SOUFFRANCE_PSYCHIQUE, 3),
            (P.DEGRADATION_LOGEMENT, 2),
            (P.ISOLEMENT_RUPTURE, 2),
            (P.ADDICTIONS, 2),
            (P.VIOLENCES_CONJUGALES, 1),
        ],
        "problematiques_acces": [
            (P.SORTIE_HEBERGEMENT, 5),
            (P.SORTIE_DETENTION, 2),
            (P.SORTIE_HOSPITALISATION, 2),
            (P.VIOLENCES_CONJUGALES, 2),
            (P.SOUFFRANCE_PSYCHIQUE, 1),
        ],
        "sources": [Source.GESTION_LOCATIVE, Source.RECOUVREMENT, Source.PROXIMITE],
        "sources_acces": [Source.SIAO, Source.ASSOCIATION, Source.SPIP, Source.SANTE],
        "lien_rompu": 0.15,
    },
    "savoie": {
        "nombre": 30,
        "prefixe": "HSH",
        "acces": 1.0,
        "problematiques_acces": [
            (P.SORTIE_HEBERGEMENT, 6),
            (P.VIOLENCES_CONJUGALES, 2),
            (P.SORTIE_DETENTION, 2),
            (P.SORTIE_HOSPITALISATION, 1),
            (P.HANDICAP, 1),
            (P.ISOLEMENT_RUPTURE, 2),
        ],
        "sources_acces": [Source.SIAO, Source.ASSOCIATION, Source.CCAS, Source.SPIP],
        "lien_rompu": 0.0,
    },
    "declic": {
        "nombre": 24,
        "prefixe": "CHT",
        "acces": 0.0,
        "problematiques": [
            (P.IMPAYES, 8),
            (P.ISOLEMENT_RUPTURE, 3),
            (P.SOUFFRANCE_PSYCHIQUE, 2),
            (P.TROUBLES_VOISINAGE, 2),
            (P.HYGIENE_INCURIE, 1),
            (P.ADDICTIONS, 1),
        ],
        "sources": [Source.CONTENTIEUX, Source.PROXIMITE, Source.RECOUVREMENT],
        "lien_rompu": 0.6,
    },
}

PHRASES = {
    P.IMPAYES: (
        "Impayés depuis {mois} mois, plan amiable non tenu ; courriers du "
        "bailleur restés sans réponse."
    ),
    P.TROUBLES_VOISINAGE: (
        "Plaintes répétées du voisinage (bruit la nuit, altercations dans la cage d'escalier)."
    ),
    P.SOUFFRANCE_PSYCHIQUE: (
        "Repli, propos inquiétants rapportés par le gardien ; pas de suivi médical connu."
    ),
    P.ADDICTIONS: "Consommation d'alcool signalée, passages aux urgences l'an dernier.",
    P.HYGIENE_INCURIE: (
        "Logement très encombré, odeurs signalées ; intervention de désinsectisation impossible."
    ),
    P.VIOLENCES_CONJUGALES: (
        "Violences conjugales évoquées par la locataire auprès de l'assistante sociale de secteur."
    ),
    P.SORTIE_DETENTION: (
        "Sortie de détention prévue, accompagnement SPIP en cours ; pas de solution de logement."
    ),
    P.SORTIE_HOSPITALISATION: "Hospitalisation longue en psychiatrie, sortie préparée avec le CMP.",
    P.ISOLEMENT_RUPTURE: "Vit seul·e, aucun lien familial, ne répond plus aux sollicitations.",
    P.HANDICAP: "Handicap moteur, logement actuel inadapté (étage sans ascenseur).",
    P.ANIMAUX: (
        "Nombreux animaux dans le logement, signalement d'une association de protection animale."
    ),
    P.DEGRADATION_LOGEMENT: "Dégradations constatées lors de la dernière visite technique.",
    P.SORTIE_HEBERGEMENT: (
        "En CHRS depuis {mois} mois, prêt·e à accéder à un logement autonome selon le SIAO."
    ),
}

LOYER_PAR_TYPOLOGIE = {"T1": 290, "T2": 360, "T3": 430, "T4": 510, "T5": 580}


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
    composition = hasard.choices([c.value for c in Composition], weights=[45, 12, 25, 15, 3])[0]
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
    loyer = Decimal(LOYER_PAR_TYPOLOGIE[typologie] + hasard.randint(-30, 40))
    dette = None
    procedure = StadeProcedure.AUCUNE
    if P.IMPAYES in problematiques or (not acces and hasard.random() < 0.4):
        dette = Decimal(hasard.randint(3, 60) * 100 + hasard.choice([0, 50]))
        procedure = hasard.choices(list(StadeProcedure), weights=[25, 25, 18, 14, 8, 6, 4])[0]
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
        mesure_protection=hasard.choices(list(MesureProtection), weights=[78, 3, 10, 6, 3])[0],
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


def _tirer(hasard, ponderees, nombre):
    choisies = []
    codes = [code for code, _ in ponderees]
    poids = [poids for _, poids in ponderees]
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
    nature = hasard.choices(
        [
            NatureRessource.RSA,
            NatureRessource.AAH,
            NatureRessource.SALAIRE,
            NatureRessource.RETRAITE,
            NatureRessource.CHOMAGE,
            NatureRessource.INVALIDITE,
        ],
        weights=[35, 20, 18, 12, 10, 5],
    )[0]
    montants = {
        NatureRessource.RSA: (607, 1100),
        NatureRessource.AAH: (1016, 1100),
        NatureRessource.SALAIRE: (900, 1900),
        NatureRessource.RETRAITE: (750, 1400),
        NatureRessource.CHOMAGE: (700, 1300),
        NatureRessource.INVALIDITE: (600, 1000),
    }
    bas, haut = montants[nature]
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
    motifs = {
        StatutOrientation.REFUSEE: "Situation relevant du droit commun (suivi CCAS en place).",
        StatutOrientation.REORIENTEE: "Réorientée vers l'accompagnement FSL / ASLL du Département.",
        StatutOrientation.EN_ATTENTE: "Éléments complémentaires demandés au bailleur.",
    }
    Orientation.objects.filter(pk=orientation.pk).update(
        statut=statut,
        date_statut=min(
            aujourd_hui, orientation.date_orientation + timedelta(days=hasard.randint(7, 35))
        )
        if statut != StatutOrientation.RECUE
        else orientation.date_orientation,
        motif_statut=motifs.get(statut, ""),
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
