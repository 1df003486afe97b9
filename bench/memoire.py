"""Le pic de mémoire d'un processus, mesuré pour lui seul.

`resource.getrusage(...).ru_maxrss` ne convient pas au rapport, produit dans un sous-processus
du passage de mesure : sous Linux, un processus lancé par `subprocess` en hérite le pic du
processus qui l'a lancé (le passage du banc, plus gros que le rapport), et le rapport paraîtrait
aussi lourd que lui. `VmHWM` de /proc/self/status est le pic de la mémoire du processus depuis
son lancement.
"""

import resource
import sys


def pic_de_memoire_mio():
    """Le pic de mémoire résidente du processus depuis son lancement, en Mio (`VmHWM`) ; là où
    /proc n'existe pas, `ru_maxrss`, faute de mieux."""
    try:
        with open("/proc/self/status", encoding="ascii") as statut:
            for ligne in statut:
                if ligne.startswith("VmHWM:"):
                    return int(ligne.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss : en octets sous macOS, en Kio ailleurs.
    diviseur = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / diviseur
