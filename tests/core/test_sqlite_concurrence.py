"""La base SQLite embarquée fait attendre les écritures simultanées au lieu d'échouer.

Un interpréteur neuf lit les réglages du produit (sans DATABASE_URL : la base embarquée, dans un
dossier temporaire) ; quatre fils y lisent puis réécrivent le même compteur, chacun dans sa
transaction. Sans verrou pris au début de la transaction, deux fils qui ont lu veulent écrire en
même temps : SQLite refuse l'un d'eux sur-le-champ (« database is locked »), quel que soit le
délai d'attente.
"""

import json

from tests.core.test_reglages import lancer

ECRITURES_CONCURRENTES = """
import json, threading, time, django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as curseur:
    curseur.execute("CREATE TABLE compteur (id INTEGER PRIMARY KEY, valeur INTEGER)")
    curseur.execute("INSERT INTO compteur VALUES (1, 0)")
    curseur.execute("PRAGMA journal_mode")
    journal = curseur.fetchone()[0]
connections.close_all()

erreurs = []
depart = threading.Barrier(4)

def ecrire():
    depart.wait()
    try:
        for _ in range(40):
            with transaction.atomic(), connection.cursor() as curseur:
                curseur.execute("SELECT valeur FROM compteur WHERE id = 1")
                (valeur,) = curseur.fetchone()
                time.sleep(0.002)  # le travail d'une requête entre sa lecture et son écriture
                curseur.execute("UPDATE compteur SET valeur = %s WHERE id = 1", [valeur + 1])
    except Exception as erreur:
        erreurs.append(repr(erreur))
    finally:
        connections.close_all()

fils = [threading.Thread(target=ecrire) for _ in range(4)]
for un_fil in fils:
    un_fil.start()
for un_fil in fils:
    un_fil.join()
with connection.cursor() as curseur:
    curseur.execute("SELECT valeur FROM compteur WHERE id = 1")
    (valeur,) = curseur.fetchone()
print(json.dumps({"erreurs": erreurs, "valeur": valeur, "journal": journal}))
"""


def test_quatre_ecritures_simultanees_attendent_leur_tour(tmp_path):
    resultat = lancer(ECRITURES_CONCURRENTES, DEBUG="1", VAR_DIR=str(tmp_path))
    assert resultat.returncode == 0, resultat.stderr
    sortie = json.loads(resultat.stdout.strip().splitlines()[-1])
    assert sortie["erreurs"] == []
    assert sortie["valeur"] == 4 * 40  # aucune écriture perdue
    assert sortie["journal"] == "wal"
