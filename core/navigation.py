"""La barre de navigation : chaque rôle ne voit que les entrées qu'il peut utiliser."""

from dataclasses import dataclass

from . import permissions
from .adresses_fixes import adresse_fixe
from .enums import Role
from .permissions import Action


@dataclass(frozen=True)
class Lien:
    libelle: str
    url: str
    icone: str
    secondaire: bool = False  # rangé dans le menu de la personne plutôt que dans la barre
    groupe: str = ""  # rangé sous un menu déroulant de la barre quand le groupe a plusieurs liens

    # Lu par base.html à chaque entrée de la barre : un attribut absent coûterait une exception.
    est_groupe = False


@dataclass(frozen=True)
class Groupe:
    libelle: str
    icone: str
    liens: tuple

    est_groupe = True


# Les menus déroulants de la barre : la barre tient sur une ligne à 1 200 px quel que soit le rôle.
GROUPES = {"orientations": ("Orientations", "send")}


def barre(liens):
    """Les entrées de la barre, dans l'ordre : un lien seul, ou un groupe de plusieurs liens."""
    entrees, groupes = [], {}
    for lien in liens:
        if lien.secondaire:
            continue
        if not lien.groupe:
            entrees.append(lien)
            continue
        if lien.groupe not in groupes:
            groupes[lien.groupe] = []
            entrees.append(lien.groupe)
        groupes[lien.groupe].append(lien)
    resultat = []
    for entree in entrees:
        if isinstance(entree, Lien):
            resultat.append(entree)
        elif len(groupes[entree]) == 1:
            resultat.append(groupes[entree][0])
        else:
            libelle, icone = GROUPES[entree]
            resultat.append(Groupe(libelle, icone, tuple(groupes[entree])))
    return resultat


def voit_la_file_active(user):
    """La file active est la liste de travail des équipes, de la coordination et du comité ;
    l'agent du bailleur et le prescripteur suivent « Mes orientations »."""
    return permissions.a_le_role(
        user,
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
    )


def liens_de_navigation(user):
    liens = [Lien("Accueil", adresse_fixe("ecrans:accueil"), "house")]
    if voit_la_file_active(user):
        liens.append(Lien("File active", adresse_fixe("ecrans:file_active"), "people"))
    if permissions.a_le_role(user, Role.AGENT_BAILLEUR, Role.PRESCRIPTEUR):
        liens.append(
            Lien(
                "Mes orientations",
                adresse_fixe("menages:mes_orientations"),
                "send",
                groupe="orientations",
            )
        )
    if permissions.peut_quelque_part(user, Action.ORIENTER):
        liens.append(
            Lien(
                "Orienter un ménage",
                adresse_fixe("menages:nouvelle_orientation"),
                "plus-circle",
                groupe="orientations",
            )
        )
    if permissions.peut_quelque_part(user, Action.GERER_ORIENTATIONS):
        liens.append(
            Lien(
                "À rattacher",
                adresse_fixe("menages:a_rattacher"),
                "link-45deg",
                groupe="orientations",
            )
        )
    if permissions.peut_quelque_part(user, Action.IMPORTER):
        liens.append(
            Lien("Importer", adresse_fixe("menages:importer"), "upload", groupe="orientations")
        )
    if permissions.peut_quelque_part(user, Action.GERER_LOGEMENTS):
        liens.append(Lien("Logements vacants", adresse_fixe("acces:logements_choix"), "building"))
    if permissions.a_le_role(user, Role.COORDINATEUR, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL):
        liens.append(Lien("Comités", adresse_fixe("comites:accueil"), "calendar-event"))
    if permissions.a_le_role(
        user,
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
        Role.EVALUATEUR,
    ):
        liens.append(Lien("Rapports", adresse_fixe("rapports:liste"), "file-earmark-bar-graph"))
    if permissions.a_le_role(user, Role.EVALUATEUR):
        liens.append(Lien("Extraits pour l'évaluation", adresse_fixe("rapports:extraits"), "table"))
    if permissions.habilite_national(user):
        liens.append(Lien("Vue nationale", adresse_fixe("rapports:national"), "globe"))
    if permissions.peut_quelque_part(user, Action.CONSULTER_JOURNAL):
        liens.append(
            Lien(
                "Journal d'accès", adresse_fixe("ecrans:journaux"), "journal-text", secondaire=True
            )
        )
    if permissions.roles_par_dispositif(user):
        liens.append(
            Lien("Mes dispositifs", adresse_fixe("core:dispositifs"), "diagram-3", secondaire=True)
        )
    if user.is_staff:
        liens.append(
            Lien("Administration technique", adresse_fixe("admin:index"), "gear", secondaire=True)
        )
    return liens
