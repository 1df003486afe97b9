"""Ce que les tests des ménages construisent : un ménage complet, tel qu'une fiche le laisse."""

from datetime import date
from decimal import Decimal

from core.factories import TerritoireFactory
from menages.enums import OrigineDette, Problematique
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
    RessourceFactory,
)


def menage_complet(dispositif, orientee_par=None):
    """Un ménage tel qu'une fiche le laisse : logement, ressources, orientation, dettes."""
    territoire = TerritoireFactory(dispositif=dispositif, nom="Bassin d'Aurillac")
    menage = MenageFactory(
        dispositif=dispositif,
        nom="Martin",
        prenom="Hélène",
        reference_locataire="AUR-4521",
        telephone="06 12 34 56 78",
        nb_adultes=1,
        nb_enfants=2,
    )
    RessourceFactory(menage=menage, montant_mensuel=Decimal("1000.00"))
    LogementFactory(
        menage=menage,
        adresse="3 rue des Lilas",
        code_postal="15000",
        commune="Aurillac",
        territoire=territoire,
        loyer=Decimal("420"),
        charges=Decimal("80"),
        apl=Decimal("250"),
    )
    OrientationFactory(
        menage=menage,
        avec_dette=True,
        orientee_par=orientee_par,
        description="Courriers sans réponse depuis janvier.",
        problematiques=[Problematique.IMPAYES, Problematique.TROUBLES_VOISINAGE],
    )
    DetteLocativeFactory(
        menage=menage,
        date=date(2026, 3, 2),
        montant=Decimal("2450.00"),
        origine=OrigineDette.ORIENTATION,
    )
    DetteLocativeFactory(menage=menage, date=date(2026, 6, 15), montant=Decimal("1830.50"))
    return menage
