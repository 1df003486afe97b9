"""L'étalon de la machine : le temps de CPU d'un travail Python fixe, qui ne dépend ni du code du
produit, ni des données, ni de la base.

Le budget de CPU de l'essai de charge (≤ 25 ms par requête) se mesure en millisecondes d'une
machine donnée : sur une machine partagée, le même code en prend 23 un jour et 27 le lendemain
(docs/performance.md). L'étalon, imprimé à côté, dit de combien la machine a changé : deux passages
se comparent par leur CPU par requête rapporté à l'étalon du même passage.

Le travail ressemble à celui d'une page (des chaînes formatées et échappées, des dictionnaires,
un tri), en Python pur ; il dure quelques dizaines de millisecondes.
"""

import html
import statistics
import time

LIGNES = 20_000


def _travail():
    lignes = []
    for rang in range(LIGNES):
        ligne = {"nom": f"Nom {rang % 97} & fils", "rang": rang, "parts": (rang % 7, rang % 11)}
        lignes.append(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(ligne["nom"]), ligne["rang"], sum(ligne["parts"])
            )
        )
    lignes.sort()
    return len("".join(lignes))


def etalon_ms(repetitions=7):
    """La médiane, en millisecondes de CPU de ce processus, de `repetitions` passages du travail
    fixe (après un passage de mise en route)."""
    _travail()
    mesures = []
    for _ in range(repetitions):
        debut = time.process_time()
        _travail()
        mesures.append(time.process_time() - debut)
    return statistics.median(mesures) * 1000
