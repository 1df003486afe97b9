"""Les personnes et les lignes du test d'accès généré (`test_matrice_urls.py`).

Deux parties :

- ce qui se calcule sans base, à la collecte : les personnes à essayer (chaque rôle seul, chaque
  paire de rôles dont l'union diffère de chacun des deux rôles seuls, un coordinateur
  territorial, un membre d'un autre dispositif, un visiteur anonyme), les lignes (qui elles sont
  pour ces personnes) et ce que la matrice leur ouvre sur chacune (`ouvre`, `ouvre_dans`,
  `peut`) ;
- `Monde` : ces personnes et ces lignes construites en base, une fois par module.

Les lignes du dispositif A, et ce qu'elles sont pour chaque personne de A (toutes les personnes
essayées de A y ont les mêmes liens, quel que soit leur rôle : c'est la matrice, pas les
données, qui dit ce qu'un lien ouvre) :

- « equipe » : la personne est dans l'équipe de ses accompagnements (l'ouvert et le clos) ;
- « oriente » : la personne a saisi une orientation de ce ménage (un tiers aussi : l'orientation
  du tiers ne lui est pas ouverte) ;
- « agenda » : inscrit à l'ordre du jour d'une séance récente (3 jours) du comité dont la
  personne est membre ;
- « ancien » : inscrit à une séance de ce comité d'il y a 60 jours (la fenêtre est passée) ;
- « ancienne_equipe » : la personne était dans l'équipe de l'épisode clos, pas dans celle de
  l'épisode en cours (elle voit le ménage, pas l'épisode en cours, ni son plan, ni ses notes) ;
- « aucun » : rien de cela ; il est aussi le seul ménage du territoire du coordinateur
  territorial (les autres sont dans un autre territoire) ;
- « structure » : un collègue prescripteur de la structure de la personne (toutes les personnes
  essayées de A tiennent leur adhésion au nom de la même structure) l'a orienté ; le bailleur
  aussi, par une orientation qui, elle, n'est pas celle de la structure ; le comité a décidé
  sur l'orientation de la structure, avec une explication à transmettre ;
- « autre » (dispositif B) : la personne est dans son équipe, l'a orienté, sa structure aussi,
  siège au comité qui l'a inscrit, sans être membre de B : rien ne doit s'ouvrir.

Les orientations du bailleur (le tiers) sont celles d'une autre structure.
"""

from dataclasses import dataclass, field, replace
from datetime import timedelta
from decimal import Decimal
from itertools import combinations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import Confidentialite
from accompagnement.factories import InterventionFactory, ObjectifFactory
from accompagnement.models import MembreEquipe
from comites.enums import NaturePoint
from comites.factories import ComiteFactory, DecisionFactory, PointOrdreDuJourFactory, SeanceFactory
from core.enums import Profession, Role
from core.factories import (
    DispositifFactory,
    MembreFactory,
    OrganisationFactory,
    TerritoireFactory,
    UserFactory,
)
from core.models import JournalAudit
from core.permissions import (
    ACTIONS,
    ECRITURE,
    MATRICE,
    ROLES_PAR_STRUCTURE,
    ROLES_TERRITORIAUX,
    Ecriture,
    portees_de_la_case,
)
from core.permissions import Portee as P
from core.services import journaliser
from menages.enums import StadeProcedure, StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from menages.models import Menage, Orientation
from rapports import documents
from rapports.enums import StatutRapport
from rapports.models import RapportSemestriel

# --- Les personnes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Personne:
    cle: str
    roles: frozenset = frozenset()
    dispositif: str | None = None  # "A" ou "B" ; None : le visiteur anonyme
    territoire: str | None = None  # le territoire que nomme son adhésion de coordinateur

    @property
    def anonyme(self):
        return self.dispositif is None

    def __str__(self):
        return self.cle


def _ouverture(role):
    """Ce qu'un rôle ouvre : {(donnée ou écriture, portée)}."""
    return {
        (cle, portee)
        for matrice in (MATRICE, ECRITURE)
        for cle, case in matrice[role].items()
        for portee in portees_de_la_case(case)
    }


def _couvre(role, autre):
    """Vrai si tout ce que `autre` ouvre, `role` l'ouvre déjà (la portée « dispositif » couvre
    toutes les autres sur la même donnée)."""
    ouvert = _ouverture(role)
    return all(
        (cle, portee) in ouvert or (cle, P.DISPOSITIF) in ouvert
        for cle, portee in _ouverture(autre)
    )


def paires_utiles():
    """Les paires de rôles dont l'union diffère de chacun des deux rôles seuls (depuis la matrice
    de lecture et celle d'écriture)."""
    return [
        (un, autre)
        for un, autre in combinations(list(MATRICE), 2)
        if not _couvre(un, autre) and not _couvre(autre, un)
    ]


def _nom(roles):
    return "+".join(role.value for role in roles)


PERSONNES = [
    *(Personne(role.value, frozenset({role}), "A") for role in MATRICE),
    *(Personne(_nom(paire), frozenset(paire), "A") for paire in paires_utiles()),
    Personne("coordinateur_territorial", frozenset({Role.COORDINATEUR}), "A", territoire="T2"),
    Personne("autre_dispositif", frozenset({Role.COORDINATEUR}), "B"),
    Personne("anonyme"),
]
PERSONNES_DE_A = [p for p in PERSONNES if p.dispositif == "A"]


# --- Les lignes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    """Une ligne, et ce qu'elle est pour chaque personne essayée du dispositif A."""

    cle: str
    dispositif: str
    territoire: str | None = None
    liens: frozenset = frozenset()  # les portées que la ligne ouvre aux personnes de A
    siege: bool = False  # (séance, comité) les personnes de A siègent à ce comité
    menage: str | None = None  # (séance, point) le ménage inscrit à son ordre du jour
    # (ménage) les portées que l'épisode en cours ouvre aux personnes de A, quand elles
    # diffèrent de celles du ménage : l'équipe ouvre l'épisode dont elle est l'équipe
    episode_en_cours: frozenset | None = None

    def __str__(self):
        return self.cle

    @property
    def en_cours(self):
        """La ligne telle que la voit l'épisode en cours (et ses objectifs, bilans, notes)."""
        if self.episode_en_cours is None:
            return self
        return replace(self, liens=self.episode_en_cours, episode_en_cours=None)

    @property
    def sans_orientes(self):
        """La ligne vue par une orientation d'un tiers : elle n'ouvre rien à qui a orienté le
        ménage par une autre orientation, ni à la structure qui l'a fait."""
        return replace(self, liens=self.liens - {P.ORIENTES, P.ORGANISATION})


TOUS_LES_LIENS = frozenset({P.EQUIPE, P.ORIENTES, P.ORDRE_DU_JOUR, P.ORGANISATION})

MENAGES = {
    "equipe": Ligne("equipe", "A", "T1", frozenset({P.EQUIPE})),
    "oriente": Ligne("oriente", "A", "T1", frozenset({P.ORIENTES})),
    "agenda": Ligne("agenda", "A", "T1", frozenset({P.ORDRE_DU_JOUR})),
    "ancien": Ligne("ancien", "A", "T1"),
    "ancienne_equipe": Ligne(
        "ancienne_equipe", "A", "T1", frozenset({P.EQUIPE}), episode_en_cours=frozenset()
    ),
    "aucun": Ligne("aucun", "A", "T2"),
    "structure": Ligne("structure", "A", "T1", frozenset({P.ORGANISATION})),
    "autre": Ligne("autre", "B", "TB", TOUS_LES_LIENS),
}
# Les ménages provisoires d'une orientation « à rattacher » (saisie par un tiers) : doublons
# possibles de « aucun » (A) et de « autre » (B).
# L'orientation qu'un tiers a saisie pour le ménage « oriente ».
ORIENTATION_D_UN_TIERS = replace(MENAGES["oriente"].sans_orientes, cle="orientation_d_un_tiers")
PROVISOIRES = {
    "provisoire": Ligne("provisoire", "A", "T2", menage="aucun"),
    "provisoire_autre": Ligne("provisoire_autre", "B", "TB", menage="autre"),
}
SEANCES = {
    "seance": Ligne("seance", "A", siege=True, menage="agenda"),
    "seance_autre_comite": Ligne("seance_autre_comite", "A", menage="aucun"),
    "seance_autre": Ligne("seance_autre", "B", siege=True, menage="autre"),
}
DISPOSITIFS = {
    "dispositif": Ligne("dispositif", "A"),
    "dispositif_autre": Ligne("dispositif_autre", "B"),
}

# Les noms, références et montants qui disent, dans une page, qu'une donnée d'un ménage y est.
NOMS = {
    "equipe": "Aubepine",
    "oriente": "Bergamote",
    "agenda": "Camomille",
    "ancien": "Digitale",
    "ancienne_equipe": "Iris",
    "aucun": "Eglantine",
    "structure": "Jacinthe",
    "autre": "Fougeraie",
    "provisoire": "Gentiane",
    "provisoire_autre": "Hellebore",
}
DETTES = {  # (relevé du bailleur, dette déclarée à l'orientation)
    "equipe": (Decimal("4817.63"), Decimal("3529.41")),
    "oriente": (Decimal("6143.87"), Decimal("2971.59")),
    "agenda": (Decimal("5388.26"), Decimal("1654.92")),
    "ancien": (Decimal("7236.18"), Decimal("8412.74")),
    "ancienne_equipe": (Decimal("1947.53"), Decimal("6380.14")),
    "aucun": (Decimal("9075.31"), Decimal("3168.45")),
    "structure": (Decimal("8529.64"), Decimal("7093.18")),
    "autre": (Decimal("2583.97"), Decimal("6721.09")),
    "provisoire": (None, Decimal("4392.86")),
    "provisoire_autre": (None, Decimal("5917.23")),
}


def _montant(valeur):
    """Ce qui reste d'un montant quelle que soit sa mise en forme (1 234,56 / 1234.56)."""
    centimes = f"{valeur:.2f}"
    return [centimes[-6:].replace(".", ","), centimes[-6:]]


def marqueurs(cle):
    """[(donnée, ligne, textes)] : ce qui, d'un ménage, ne doit apparaître que pour qui voit la
    donnée sur cette ligne (le ménage, son épisode en cours, l'orientation d'un tiers)."""
    from core.permissions import Donnee as D

    nom = NOMS[cle]
    releve, declaree = DETTES[cle]
    if cle in PROVISOIRES:
        ligne = PROVISOIRES[cle]
        return [(D.IDENTITE, ligne, [nom]), (D.DETTE, ligne, _montant(declaree))]
    ligne = MENAGES[cle]
    resultat = [
        (D.IDENTITE, ligne, [nom, f"REF-{nom.upper()}"]),
        (D.DETTE, ligne, [*_montant(releve), *_montant(declaree)]),
        (D.ORIENTATION, ligne.sans_orientes, [f"Signalement du tiers {nom}"]),
        (D.PLAN, ligne, [f"Objectif clos {nom}"]),
        (D.PLAN, ligne.en_cours, [f"Objectif secret {nom}"]),
        (D.NOTE_EQUIPE, ligne.en_cours, [f"Note équipe {nom}"]),
        (D.NOTE_SOIGNANTS, ligne.en_cours, [f"Note soignants {nom}"]),
        (D.NOTE_PERSONNELLE, ligne.en_cours, [f"Note personnelle {nom}"]),
    ]
    if cle in ("agenda", "equipe", "structure"):
        resultat.append((D.DECISIONS, ligne, [f"Motif du comité {nom}"]))
    if cle == "structure":
        resultat.append((D.DECISIONS, ligne, [f"Explication pour la structure {nom}"]))
    return resultat


# --- Ce que la matrice ouvre ---------------------------------------------------------------


def liens(personne, ligne):
    return ligne.liens if personne.dispositif == "A" else frozenset()


def ouvre(personne, cle, ligne):
    """Vrai si l'union des rôles de la personne ouvre `cle` (une `Donnee` ou une `Ecriture`) sur
    cette ligne-ci, d'après `MATRICE` et `ECRITURE` seules."""
    if personne.dispositif != ligne.dispositif:
        return False
    matrice = ECRITURE if isinstance(cle, Ecriture) else MATRICE
    sur_la_ligne = liens(personne, ligne)
    for role in personne.roles:
        for portee in portees_de_la_case(matrice[role].get(cle)):
            if portee == P.DISPOSITIF and personne.territoire and role in ROLES_TERRITORIAUX:
                if ligne.territoire == personne.territoire or P.EQUIPE in sur_la_ligne:
                    return True
            elif portee == P.ORGANISATION and role not in ROLES_PAR_STRUCTURE:
                continue
            elif portee == P.DISPOSITIF or portee in sur_la_ligne:
                return True
    return False


def ouvre_dans(personne, cle, dispositif=None):
    """Vrai si l'un des rôles ouvre `cle` sur une partie au moins du dispositif (ou, sans
    dispositif, de l'un de ceux de la personne) : l'agrégé et la navigation."""
    if dispositif is not None and personne.dispositif != dispositif:
        return False
    matrice = ECRITURE if isinstance(cle, Ecriture) else MATRICE
    return any(cle in matrice[role] for role in personne.roles)


def peut(personne, action, dispositif=None):
    if dispositif is not None and personne.dispositif != dispositif:
        return False
    return bool(personne.roles & ACTIONS[action])


def voit_seance(personne, seance):
    """La coordination du dispositif, ou qui siège au comité avec un rôle de comité."""
    if personne.dispositif != seance.dispositif:
        return False
    siege = seance.siege and personne.roles & {Role.MEMBRE_COTECH, Role.MEMBRE_COPIL}
    return Role.COORDINATEUR in personne.roles or bool(siege)


def decide(personne, seance):
    """La coordination du dispositif, ou un membre du COTECH qui siège à ce comité."""
    if personne.dispositif != seance.dispositif:
        return False
    return Role.COORDINATEUR in personne.roles or (
        seance.siege and Role.MEMBRE_COTECH in personne.roles
    )


# --- Le monde en base --------------------------------------------------------------------------


@dataclass
class Monde:
    users: dict = field(default_factory=dict)  # clé de la personne -> User
    dispositifs: dict = field(default_factory=dict)  # "A"/"B" -> Dispositif
    territoires: dict = field(default_factory=dict)
    objets: dict = field(default_factory=dict)  # (sorte, clé de ligne) -> objet
    orientations_de: dict = field(default_factory=dict)  # (clé de ligne, personne) -> orientation
    siegeants: dict = field(default_factory=dict)  # clé de séance -> pk d'une personne qui siège

    def objet(self, sorte, ligne, personne=None):
        if sorte == "orientation" and personne is not None:
            propre = self.orientations_de.get((ligne.cle, personne.cle))
            if propre is not None:
                return propre
        return self.objets[sorte, ligne.cle]


def construire():
    """Construit le monde : deux dispositifs, les personnes, les lignes de chaque sorte."""
    aujourd_hui = timezone.localdate()
    monde = Monde()
    for nom, territoires in (("A", ("T1", "T2")), ("B", ("TB",))):
        dispositif = DispositifFactory(nom=f"Dispositif {nom} du test d'accès")
        monde.dispositifs[nom] = dispositif
        for territoire in territoires:
            monde.territoires[territoire] = TerritoireFactory(
                dispositif=dispositif, nom=f"Territoire {territoire}"
            )
    structure = OrganisationFactory(nom="Structure du test d'accès")
    bailleur = OrganisationFactory(nom="Bailleur du test d'accès")
    for personne in PERSONNES:
        if personne.anonyme:
            continue
        user = UserFactory()
        for role in sorted(personne.roles):
            MembreFactory(
                user=user,
                dispositif=monde.dispositifs[personne.dispositif],
                role=role,
                organisation=structure,
                territoire=monde.territoires[personne.territoire] if personne.territoire else None,
            )
        monde.users[personne.cle] = user
    essayes_de_a = [monde.users[p.cle] for p in PERSONNES_DE_A]

    # Des personnes qui ne sont pas essayées : la coordination qui ouvre et clôt, le TS référent,
    # l'infirmière qui écrit les notes « soignants », l'agent qui oriente.
    tiers = {}
    for nom, dispositif in monde.dispositifs.items():
        tiers[nom] = {
            role: MembreFactory(dispositif=dispositif, role=role).user
            for role in (
                Role.COORDINATEUR,
                Role.TRAVAILLEUR_SOCIAL,
                Role.INFIRMIER,
                Role.AGENT_BAILLEUR,
            )
        }
        # Un collègue de la structure des personnes essayées, prescripteur dans ce dispositif.
        tiers[nom][Role.PRESCRIPTEUR] = MembreFactory(
            dispositif=dispositif, role=Role.PRESCRIPTEUR, organisation=structure
        ).user

    # Les comités et leurs séances
    comite = ComiteFactory(
        dispositif=monde.dispositifs["A"], membres=[tiers["A"][Role.COORDINATEUR], *essayes_de_a]
    )
    autre_comite = ComiteFactory(
        dispositif=monde.dispositifs["A"], membres=[tiers["A"][Role.COORDINATEUR]]
    )
    comite_b = ComiteFactory(
        dispositif=monde.dispositifs["B"], membres=[tiers["B"][Role.COORDINATEUR], *essayes_de_a]
    )
    maintenant = timezone.now()
    seances = {
        "seance": SeanceFactory(comite=comite, date=maintenant - timedelta(days=3)),
        "seance_autre_comite": SeanceFactory(
            comite=autre_comite, date=maintenant - timedelta(days=3)
        ),
        "seance_autre": SeanceFactory(comite=comite_b, date=maintenant - timedelta(days=3)),
    }
    ancienne = SeanceFactory(comite=comite, date=maintenant - timedelta(days=60))
    ancienne_d_un_autre_comite = SeanceFactory(
        comite=autre_comite, date=maintenant - timedelta(days=60)
    )
    for cle, seance in seances.items():
        monde.objets["seance", cle] = seance
        monde.objets["comite", cle] = seance.comite
        monde.siegeants[cle] = tiers[SEANCES[cle].dispositif][Role.COORDINATEUR].pk

    # Les ménages
    for cle, ligne in MENAGES.items():
        tiers_ = tiers[ligne.dispositif]
        nom = NOMS[cle]
        releve, declaree = DETTES[cle]
        menage = MenageFactory(
            dispositif=monde.dispositifs[ligne.dispositif],
            nom=nom,
            prenom="",
            reference_locataire=f"REF-{nom.upper()}",
        )
        LogementFactory(menage=menage, territoire=monde.territoires[ligne.territoire])
        orientation = OrientationFactory(
            menage=menage,
            orientee_par=tiers_[Role.AGENT_BAILLEUR],
            organisation=bailleur,
            date_orientation=aujourd_hui - timedelta(days=400),
            dette_locative=declaree,
            stade_procedure=StadeProcedure.ASSIGNATION,
            description=f"Signalement du tiers {nom}",
        )
        if P.ORGANISATION in ligne.liens:
            # L'orientation que la structure a faite (sans dette : un prescripteur n'en déclare
            # pas) ; c'est elle que chaque personne essaie, sauf celles qui ont la leur.
            de_la_structure = OrientationFactory(
                menage=menage,
                orientee_par=tiers_[Role.PRESCRIPTEUR],
                organisation=structure,
                parcours="acces",
                date_orientation=aujourd_hui - timedelta(days=390),
            )
            monde.objets["orientation_de_la_structure", cle] = de_la_structure
            if P.ORIENTES not in ligne.liens:
                for personne in PERSONNES_DE_A:
                    monde.orientations_de[cle, personne.cle] = de_la_structure
        if P.ORIENTES in ligne.liens:
            for personne in PERSONNES_DE_A:
                monde.orientations_de[cle, personne.cle] = OrientationFactory(
                    menage=menage,
                    orientee_par=monde.users[personne.cle],
                    date_orientation=aujourd_hui - timedelta(days=380),
                    dette_locative=declaree,
                    stade_procedure=StadeProcedure.ASSIGNATION,
                )
        DetteLocativeFactory(
            menage=menage,
            date=aujourd_hui - timedelta(days=30),
            montant=releve,
            stade_procedure=StadeProcedure.ASSIGNATION,
        )
        dans_l_equipe = essayes_de_a if P.EQUIPE in ligne.liens else []
        dans_l_equipe_en_cours = essayes_de_a if P.EQUIPE in ligne.en_cours.liens else []

        # Un épisode clos (pour sa fiche de clôture), puis l'épisode en cours.
        clos = accompagnement.ouvrir_accompagnement(
            tiers_[Role.COORDINATEUR],
            menage,
            referent=tiers_[Role.TRAVAILLEUR_SOCIAL],
            date_debut=aujourd_hui - relativedelta(months=14),
            orientation=orientation,
        )
        ObjectifFactory(accompagnement=clos, libelle=f"Objectif clos {nom}")
        _dans_l_equipe(clos, dans_l_equipe)
        accompagnement.cloturer_accompagnement(
            tiers_[Role.COORDINATEUR],
            clos,
            date=aujourd_hui - relativedelta(months=8),
            motif="stabilisee",
            maintien_dans_logement=True,
            commentaire=f"Objectif clos {nom} atteint",
        )
        suivi = accompagnement.ouvrir_accompagnement(
            tiers_[Role.COORDINATEUR],
            menage,
            referent=tiers_[Role.TRAVAILLEUR_SOCIAL],
            equipe=[tiers_[Role.INFIRMIER]],
            date_debut=aujourd_hui - relativedelta(months=2),
        )
        _dans_l_equipe(suivi, dans_l_equipe_en_cours)
        objectif = ObjectifFactory(accompagnement=suivi, libelle=f"Objectif secret {nom}")
        for auteur, profession, confidentialite, note in (
            (
                Role.TRAVAILLEUR_SOCIAL,
                Profession.TRAVAILLEUR_SOCIAL,
                Confidentialite.EQUIPE,
                "équipe",
            ),
            (Role.INFIRMIER, Profession.INFIRMIER, Confidentialite.SOIGNANTS, "soignants"),
            (
                Role.TRAVAILLEUR_SOCIAL,
                Profession.TRAVAILLEUR_SOCIAL,
                Confidentialite.PERSONNELLE,
                "personnelle",
            ),
        ):
            InterventionFactory(
                accompagnement=suivi,
                auteur=tiers_[auteur],
                profession_auteur=profession,
                confidentialite=confidentialite,
                note=f"Note {note} {nom}",
            )
        # Une ligne du journal par ménage : la coordination y lit qui a fait quoi, et de quel
        # ménage, seulement s'il le voit.
        journaliser(
            tiers_[Role.COORDINATEUR],
            JournalAudit.Action.EXPORT,
            dispositif=menage.dispositif,
            objet=menage,
            detail="fiche de suivi social (PDF)",
        )
        monde.objets["menage", cle] = menage
        monde.objets["orientation", cle] = orientation
        if cle == "oriente":
            monde.objets["orientation", ORIENTATION_D_UN_TIERS.cle] = orientation
        monde.objets["accompagnement", cle] = suivi
        monde.objets["accompagnement_clos", cle] = clos
        monde.objets["objectif", cle] = objectif
        monde.objets["bilan", cle] = suivi.bilans.order_by("date_prevue").first()

    # Les ordres du jour
    for cle, seance in (
        ("equipe", ancienne_d_un_autre_comite),
        ("agenda", seances["seance"]),
        ("ancien", ancienne),
        ("aucun", seances["seance_autre_comite"]),
        ("autre", seances["seance_autre"]),
        ("structure", ancienne_d_un_autre_comite),
    ):
        orientation_examinee = monde.objets.get(("orientation_de_la_structure", cle))
        point = PointOrdreDuJourFactory(
            seance=seance,
            menage=monde.objets["menage", cle],
            accompagnement=monde.objets["accompagnement", cle],
            orientation=orientation_examinee if cle == "structure" else None,
            nature=NaturePoint.BILAN_A_VENIR,
        )
        if cle in ("agenda", "equipe", "structure"):
            DecisionFactory(
                point=point,
                motifs=f"Motif du comité {NOMS[cle]}",
                explication_prescripteur=f"Explication pour la structure {NOMS[cle]}"
                if cle == "structure"
                else "",
            )
        seance_cle = next((s for s, ligne in SEANCES.items() if ligne.menage == cle), None)
        if seance_cle:
            monde.objets["point", seance_cle] = point

    # Ouvrir un accompagnement admet l'orientation : elles redeviennent « reçues », pour qu'un
    # changement de statut soit possible.
    Orientation.objects.filter(statut=StatutOrientation.ADMISE).update(
        statut=StatutOrientation.RECUE
    )

    # Les orientations « à rattacher », sur un ménage provisoire
    for cle, ligne in PROVISOIRES.items():
        connu = monde.objets["menage", ligne.menage]
        provisoire = MenageFactory(
            dispositif=monde.dispositifs[ligne.dispositif],
            nom=NOMS[cle],
            prenom="",
            reference_locataire=connu.reference_locataire,
            provisoire=True,
            doublon_possible_de=connu,
        )
        monde.objets["a_rattacher", cle] = OrientationFactory(
            menage=provisoire,
            orientee_par=tiers[ligne.dispositif][Role.AGENT_BAILLEUR],
            statut=StatutOrientation.A_RATTACHER,
            territoire=monde.territoires[ligne.territoire],
            dette_locative=DETTES[cle][1],
            stade_procedure=StadeProcedure.ASSIGNATION,
        )
        assert Menage.objects.get(pk=provisoire.pk).territoire_id is not None

    # Les dispositifs et leurs rapports prêts
    for cle, ligne in DISPOSITIFS.items():
        dispositif = monde.dispositifs[ligne.dispositif]
        monde.objets["dispositif", cle] = dispositif
        rapport = RapportSemestriel.objects.create(
            dispositif=dispositif, annee=2025, semestre=1, statut=StatutRapport.PRET
        )
        noms = documents.noms_des_fichiers(rapport)
        for format, nom in noms.items():
            documents.enregistrer(nom, f"rapport {format}".encode())
        rapport.fichier_pdf, rapport.fichier_xlsx = noms["pdf"], noms["xlsx"]
        rapport.save(update_fields=["fichier_pdf", "fichier_xlsx"])
        monde.objets["rapport", cle] = rapport
    return monde


def _dans_l_equipe(suivi, personnes):
    """Met les personnes essayées dans l'équipe (par l'ORM : une équipe ne prend d'ordinaire que
    des rôles de terrain ; ici, c'est le rôle seul qui doit décider de ce que le lien ouvre)."""
    MembreEquipe.objects.bulk_create(
        MembreEquipe(accompagnement=suivi, user=user, profession=Profession.PARTENAIRE)
        for user in personnes
    )
