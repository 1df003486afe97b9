from datetime import date
from decimal import Decimal

import factory

from core.factories import DispositifFactory, TerritoireFactory

from .models import LogementVacant


class LogementVacantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogementVacant

    dispositif = factory.SubFactory(DispositifFactory, acces=True)
    reference = factory.Sequence(lambda n: f"LGT{n:05d}")
    adresse = factory.Sequence(lambda n: f"{n} rue des Tilleuls")
    code_postal = "74000"
    commune = "Annecy"
    territoire = factory.SubFactory(
        TerritoireFactory, dispositif=factory.SelfAttribute("..dispositif")
    )
    typologie = "T3"
    etage = 1
    ascenseur = True
    loyer = Decimal("450.00")
    charges = Decimal("90.00")
    apl_estimee = Decimal("280.00")
    disponible_le = date(2026, 1, 15)
