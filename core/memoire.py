"""Une mémoire du processus bornée en nombre : les entrées les plus récemment servies restent,
les plus anciennes sortent d'abord. Partagée entre les fils d'un processus (verrou)."""

from collections import OrderedDict
from threading import Lock


class MemoireBornee(OrderedDict):
    def __init__(self, taille):
        super().__init__()
        self.taille = taille
        self.verrou = Lock()

    def get(self, cle):
        with self.verrou:
            valeur = super().get(cle)
            if valeur is not None:
                self.move_to_end(cle)
            return valeur

    def garder(self, cle, valeur):
        with self.verrou:
            self[cle] = valeur
            while len(self) > self.taille:
                self.popitem(last=False)
