"""Le périmètre d'un calcul : un dispositif, ou l'ensemble des dispositifs (vue nationale).

Consolider des chiffres déjà masqués est faux (une somme de « < 5 » ne se lit pas, et le
masquage d'un dispositif ne protège pas le total) : les chiffres consolidés se recalculent sur
les données de l'ensemble, puis se masquent une fois (`masquage.appliquer`), comme ceux d'un
dispositif. Chaque section filtre donc ses lignes par `du_perimetre(chemin, perimetre)`, qui
vaut `{chemin: dispositif}` pour un dispositif et `{chemin__in: [ids]}` pour un ensemble.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Ensemble:
    """Plusieurs dispositifs lus comme un seul."""

    dispositifs: tuple
    nom: str = "Ensemble des dispositifs"

    @property
    def ids(self):
        return sorted(dispositif.pk for dispositif in self.dispositifs)

    def budget_annuel(self):
        return sum((d.budget_annuel() for d in self.dispositifs), Decimal(0))

    @property
    def cout_menage_prevu(self):
        # Pas de coût prévu commun : chaque dispositif a le sien (voir leurs colonnes).
        return None


def du_perimetre(chemin, perimetre):
    """Les arguments d'un `filter` qui restreint au dispositif ou à l'ensemble."""
    if isinstance(perimetre, Ensemble):
        return {f"{chemin}__in": perimetre.ids}
    return {chemin: perimetre}
