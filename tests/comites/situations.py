"""Ce que les tests des comités construisent : un dispositif, les personnes de chaque rôle, son
comité technique et son comité de pilotage, et des ménages à inscrire à l'ordre du jour."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.factories import BilanFactory
from comites.factories import ComiteFactory, SeanceFactory
from core.enums import Role
from core.factories import DispositifFactory
from menages.enums import StatutOrientation
from menages.factories import MenageFactory, OrientationFactory
from tests.outils import membre


def a_14h(jour):
    return timezone.make_aware(datetime.combine(jour, time(14, 0)))


class Programme:
    """Un dispositif avec sa coordination, son équipe de terrain, un agent du bailleur, un membre
    de son COTECH et un membre de son COPIL ; le COTECH et le COPIL ont chacun leurs membres."""

    def __init__(self, dispositif=None):
        self.dispositif = dispositif or DispositifFactory()
        self.coordinateur = membre(self.dispositif, Role.COORDINATEUR)
        self.ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.autre_ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.infirmier = membre(self.dispositif, Role.INFIRMIER)
        self.psychologue = membre(self.dispositif, Role.PSYCHOLOGUE)
        self.agent = membre(self.dispositif, Role.AGENT_BAILLEUR)
        self.cotech = membre(self.dispositif, Role.MEMBRE_COTECH)
        self.copil = membre(self.dispositif, Role.MEMBRE_COPIL)
        self.comite = ComiteFactory(
            dispositif=self.dispositif, membres=[self.coordinateur, self.cotech]
        )
        self.pilotage = ComiteFactory(
            dispositif=self.dispositif, pilotage=True, membres=[self.coordinateur, self.copil]
        )

    @property
    def aujourd_hui(self):
        return timezone.localdate()

    def seance(self, jour=None, comite=None, **kwargs):
        return SeanceFactory(
            comite=comite or self.comite, date=a_14h(jour or self.aujourd_hui), **kwargs
        )

    def orientation(self, nom="Zorglub", statut=StatutOrientation.A_EXAMINER, **kwargs):
        """Un ménage orienté par l'agent du bailleur."""
        kwargs.setdefault("date_orientation", self.aujourd_hui - timedelta(days=10))
        return OrientationFactory(
            menage=MenageFactory(dispositif=self.dispositif, nom=nom, prenom="Hortense"),
            orientee_par=self.agent,
            statut=statut,
            **kwargs,
        )

    def accompagne(self, nom="Accompagné", debut=None, **orientation):
        """Un ménage orienté, admis et accompagné par le TS, l'infirmier et la psychologue.

        Ses bilans planifiés sont effacés : chaque test pose ceux dont il a besoin.
        """
        orientee = self.orientation(nom, **orientation)
        suivi = accompagnement.ouvrir_accompagnement(
            self.coordinateur,
            orientee.menage,
            referent=self.ts,
            equipe=[self.infirmier, self.psychologue],
            date_debut=debut or self.aujourd_hui - timedelta(days=200),
        )
        suivi.bilans.all().delete()
        return suivi

    def bilan_en_retard(self, suivi, jours=10, **kwargs):
        return BilanFactory(
            accompagnement=suivi, date_prevue=self.aujourd_hui - timedelta(days=jours), **kwargs
        )
