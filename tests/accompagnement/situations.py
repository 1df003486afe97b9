"""Ce que les tests de l'accompagnement construisent : un dispositif, sa coordination et une
équipe autour d'un ménage orienté, accompagné depuis deux mois, avec ou sans interventions."""

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import Confidentialite, MotifCloture, TypeIntervention
from accompagnement.factories import ObjectifFactory
from core.enums import Role
from core.factories import DispositifFactory
from menages.enums import StatutOrientation
from menages.factories import MenageFactory, OrientationFactory
from tests.outils import membre


class Equipe:
    """Un dispositif, sa coordination et un ménage orienté, accompagné depuis deux mois."""

    def __init__(self, nom="Zorglub", dispositif=None, reference="AUR-4521", **orientation):
        self.dispositif = dispositif or DispositifFactory()
        self.coordinateur = membre(self.dispositif, Role.COORDINATEUR)
        self.ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.autre_ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.infirmier = membre(self.dispositif, Role.INFIRMIER)
        self.menage = MenageFactory(
            dispositif=self.dispositif, nom=nom, prenom="Hortense", reference_locataire=reference
        )
        self.orientation = OrientationFactory(
            menage=self.menage, statut=StatutOrientation.A_EXAMINER, **orientation
        )
        self.accompagnement = None

    def ouvrir(self, debut=None):
        self.accompagnement = services.ouvrir_accompagnement(
            self.coordinateur,
            self.menage,
            referent=self.ts,
            equipe=[self.autre_ts, self.infirmier],
            date_debut=debut or timezone.localdate() - relativedelta(months=2),
        )
        return self.accompagnement

    def clore(self, par=None):
        """Clôt l'accompagnement aujourd'hui, par la coordination ou par `par` (ménage
        stabilisé, resté dans son logement)."""
        services.cloturer_accompagnement(
            par or self.coordinateur,
            self.accompagnement,
            date=timezone.localdate(),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
        )

    def url(self, nom):
        return reverse(f"accompagnement:{nom}", args=[self.accompagnement.public_id])


def equipe_ouverte(**kwargs):
    equipe = Equipe(**kwargs)
    equipe.ouvrir()
    return equipe


def equipe_avec_interventions(nombre):
    equipe = equipe_ouverte(avec_dette=True)
    for rang in range(nombre):
        objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
        services.enregistrer_intervention(
            equipe.infirmier,
            equipe.accompagnement,
            type=TypeIntervention.VISITE_DOMICILE,
            note=f"Note soignants {rang}",
            confidentialite=Confidentialite.SOIGNANTS,
            destinations=["cmp"],
            objectifs=[objectif],
        )
        services.enregistrer_intervention(
            equipe.ts,
            equipe.accompagnement,
            type=TypeIntervention.ENTRETIEN_BUREAU,
            note=f"Note équipe {rang}",
            participants=[equipe.infirmier],
            destinations=["fsl"],
        )
    return equipe
