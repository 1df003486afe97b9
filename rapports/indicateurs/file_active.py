"""File active : les épisodes d'accompagnement actifs sur la période."""

from collections import Counter

from core.enums import Parcours

from .mise_en_forme import NON_RENSEIGNE, colonnes_territoires, repartition
from .periode import mois_de

TITRE = "File active"

DEFINITIONS = {
    "file_active.episodes_actifs": "Épisodes d'accompagnement du dispositif actifs sur la "
    "période : commencés au plus tard le dernier jour de la période, et sans date de fin ou "
    "terminés au plus tôt le premier jour de la période.",
    "file_active.menages_actifs": "Ménages distincts ayant au moins un épisode actif sur la "
    "période (un ménage dont l'accompagnement a été rouvert n'est compté qu'une fois).",
    "file_active.nouveaux_episodes": "Épisodes dont la date de début est dans la période.",
    "file_active.episodes_clos": "Épisodes dont la date de fin est dans la période.",
    "file_active.par_parcours": "Épisodes actifs sur la période, par parcours : celui de "
    "l'orientation qui a ouvert l'épisode, à défaut celui de la dernière orientation du ménage "
    "datée au plus tard du dernier jour de la période ; « non renseigné » sans orientation.",
    "file_active.par_territoire": "Épisodes actifs sur la période, par territoire du logement "
    "actuel du ménage (au jour du calcul) ; « non renseigné » si le logement actuel n'a pas de "
    "territoire ou s'il n'y a pas de logement actuel.",
    "file_active.courbe_mensuelle": "Pour chaque mois de la période, épisodes actifs au moins "
    "un jour du mois (commencés au plus tard le dernier jour du mois, et sans date de fin ou "
    "terminés au plus tôt le premier jour du mois).",
}


MOIS_ABREGES = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def calculer(episodes, debut, fin, territoires):
    """Épisodes actifs, nouveaux, clos ; par parcours, par territoire ; courbe mensuelle."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    par_parcours = Counter(e.parcours or "non_renseigne" for e in actifs)
    par_territoire = Counter(e.territoire or NON_RENSEIGNE for e in actifs)
    colonnes = colonnes_territoires(territoires, par_territoire)
    return {
        "episodes_actifs": len(actifs),
        "menages_actifs": len({e.menage_id for e in actifs}),
        "nouveaux_episodes": sum(1 for e in actifs if debut <= e.date_debut <= fin),
        "episodes_clos": sum(1 for e in actifs if e.date_fin and debut <= e.date_fin <= fin),
        "par_parcours": [
            *repartition(Parcours, par_parcours),
            {
                "code": "non_renseigne",
                "libelle": NON_RENSEIGNE,
                "nombre": par_parcours.get("non_renseigne", 0),
            },
        ],
        "par_territoire": [
            {"libelle": nom, "nombre": par_territoire.get(nom, 0)} for nom in colonnes
        ],
        "courbe_mensuelle": [
            {
                "mois": f"{premier:%Y-%m}",
                "libelle": f"{MOIS_ABREGES[premier.month - 1]} {premier.year}",
                # `actif_entre` écrit en ligne : six mois × dix mille épisodes.
                "nombre": sum(
                    1
                    for e in actifs
                    if e.date_debut <= dernier and (e.date_fin is None or e.date_fin >= premier)
                ),
            }
            for premier, dernier in mois_de(debut, fin)
        ],
    }
