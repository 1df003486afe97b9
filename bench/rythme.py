"""Le rythme des utilisateurs de l'essai de charge : une tâche par seconde, chacun à son instant.

À part de `bench/locustfile.py` (qui importe locust, dont l'import modifie tout le processus) :
la suite de tests le vérifie sans locust.
"""


def prochaine_tache(prevue, maintenant):
    """(instant de la tâche suivante, attente jusque-là) pour une tâche commencée à `prevue` (en
    secondes, horloge monotone) et finie à `maintenant`.

    La suivante vient une seconde après le début de la précédente, à l'instant propre à la
    personne (sa phase, tirée au démarrage), pas une seconde après sa création : démarrés par
    groupes, des utilisateurs comptés depuis leur création (`constant_throughput` de locust)
    frappent tous au même instant de chaque seconde, une rafale que de vraies personnes ne font
    pas. Une tâche plus longue qu'une seconde décale la suite au lieu de la rattraper en rafale.
    """
    prochaine = max(prevue + 1, maintenant)
    return prochaine, prochaine - maintenant
