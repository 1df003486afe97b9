"""Les travailleurs de terrain de l'essai de charge (locust) : `python -m bench charge`.

Chaque utilisateur simulé est un travailleur social du banc, déjà connecté (sa session est
préparée par `bench.charge`), qui fait une requête par seconde : son accueil, la page d'un
ménage de sa file, celle de l'accompagnement, la file active, et de temps en temps il note une
intervention (le formulaire lu, puis envoyé).
"""

import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import datetime

import gevent
from locust import HttpUser, task

from bench.rythme import prochaine_tache

with open(os.environ["BANC_COMPTES"], encoding="utf-8") as _fichier:
    COMPTES = json.load(_fichier)
_SUIVANT = itertools.count()
JETON_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def une_requete_par_seconde(user):
    """Une tâche par seconde à l'instant propre à la personne (`bench.rythme`)."""
    user.prochaine, attente = prochaine_tache(user.prochaine, time.perf_counter())
    return attente


class TravailleurDeTerrain(HttpUser):
    wait_time = une_requete_par_seconde

    def on_start(self):
        compte = COMPTES[next(_SUIVANT) % len(COMPTES)]
        self.client.cookies.set(compte["cookie"], compte["session"])
        self.suivis = compte["suivis"]
        # Chaque personne commence à un instant à elle dans la seconde.
        gevent.sleep(random.random())
        self.prochaine = time.perf_counter()

    def _suivi(self):
        return random.choice(self.suivis)

    @task(4)
    def accueil(self):
        self.client.get("/", name="accueil")

    @task(4)
    def page_menage(self):
        self.client.get(f"/menages/{self._suivi()['menage']}/", name="page du ménage")

    @task(3)
    def page_accompagnement(self):
        self.client.get(
            f"/accompagnements/{self._suivi()['accompagnement']}/", name="page de l'accompagnement"
        )

    @task(1)
    def file_active(self):
        self.client.get("/menages/", name="file active")

    @task(1)
    def noter_une_intervention(self):
        url = f"/accompagnements/{self._suivi()['accompagnement']}/intervention/"
        formulaire = self.client.get(url, name="formulaire d'intervention")
        jeton = JETON_CSRF.search(formulaire.text or "")
        if not jeton:
            return
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": jeton.group(1),
                "type": "visite_domicile",
                "date_heure": datetime.now().strftime("%Y-%m-%dT%H:%M"),
                "duree_minutes": "45",
                "note": "Visite faite, point sur le budget du mois.",
                "confidentialite": "equipe",
                "uuid_client": str(uuid.uuid4()),
            },
            headers={"Referer": f"{self.host}{url}"},
            name="noter une intervention",
            allow_redirects=False,
            catch_response=True,
        ) as reponse:
            # Enregistrée : redirection vers la page de l'accompagnement ; un formulaire
            # rendu de nouveau (200) dit une saisie refusée.
            if reponse.status_code not in (302, 303):
                reponse.failure(f"intervention non enregistrée (HTTP {reponse.status_code})")
