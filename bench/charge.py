"""Essai de charge borné sur la boucle locale : `python -m bench charge`.

1. Prépare les comptes : les N premiers travailleurs sociaux du dispositif national, chacun
   avec une session ouverte (comme après sa connexion) et les ménages de sa file.
2. Démarre gunicorn avec la configuration de production (`deploy/gunicorn.conf.py`), 2 workers
   par défaut, sur un port de la boucle locale, réglages du banc.
3. Lance locust en mode headless (`bench/locustfile.py`) : N utilisateurs à une requête par
   seconde chacun, pendant une durée bornée.
4. Imprime le p95, les erreurs, les requêtes servies et le temps CPU des processus gunicorn
   par requête servie (lu dans /proc, avant et après), et celui de PostgreSQL quand il tourne
   sur la même machine, puis arrête gunicorn.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import Client

from accompagnement.models import Accompagnement
from core.models import User

from .construire import NATIONAL
from .etalon import etalon_ms

SEUIL_P95_MS = 300
SEUIL_CPU_MS = 25
TICKS = os.sysconf("SC_CLK_TCK")


def preparer_les_comptes(nombre, slug=NATIONAL, suivis_par_compte=10):
    """[{cookie, session, suivis: [{menage, accompagnement}]}] pour `nombre` travailleurs
    sociaux du dispositif, chacun avec les ménages qu'il suit (ouverts)."""
    comptes = []
    travailleurs = User.objects.filter(
        email__regex=rf"^ts[0-9]+@{slug}\.test$",
        adhesions__dispositif__slug=slug,
    ).order_by("pk")[:nombre]
    for user in travailleurs:
        suivis = [
            {"menage": str(menage), "accompagnement": str(accompagnement)}
            for menage, accompagnement in Accompagnement.objects.ouverts()
            .filter(referent=user)
            .order_by("pk")
            .values_list("menage__public_id", "public_id")[:suivis_par_compte]
        ]
        if not suivis:
            continue
        client = Client()
        client.force_login(user)
        comptes.append(
            {
                "email": user.email,
                "cookie": settings.SESSION_COOKIE_NAME,
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "suivis": suivis,
            }
        )
    return comptes


PROC = Path("/proc")
# Dans /proc/<pid>/stat, après le nom : état (0), parent (1), … utime (11), stime (12),
# cutime (13), cstime (14) : le temps du processus, puis celui de ses enfants terminés.
PROPRE, AVEC_ENFANTS = (11, 12), (11, 12, 13, 14)


def _stat(pid, proc=PROC):
    """(nom de la commande, champs qui la suivent) de /proc/<pid>/stat ; (None, []) pour un
    processus qui n'existe plus."""
    try:
        texte = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None, []
    nom, reste = texte.split("(", 1)[1].rsplit(")", 1)
    return nom, reste.split()


def _ticks(champs, indices):
    return sum(int(champs[i]) for i in indices)


def _temps_cpu(pid):
    """Temps CPU (secondes) d'un processus et de ses enfants terminés, lu dans /proc."""
    _, champs = _stat(pid)
    return _ticks(champs, AVEC_ENFANTS) / TICKS if champs else 0.0


def _enfants(pid):
    enfants = []
    for tache in Path(f"/proc/{pid}/task").glob("*"):
        try:
            enfants += [int(p) for p in (tache / "children").read_text().split()]
        except OSError:
            continue
    return enfants


def cpu_gunicorn(pid_maitre):
    """Le temps CPU du maître et de ses workers (les workers remplacés comptent par cutime)."""
    return _temps_cpu(pid_maitre) + sum(_temps_cpu(p) for p in _enfants(pid_maitre))


def cpu_postgresql(proc=PROC):
    """Le temps CPU (secondes) des processus PostgreSQL de cette machine : chaque processus
    serveur, plus, pour le processus principal (celui dont le parent n'est pas PostgreSQL), ses
    enfants terminés (une connexion fermée pendant l'essai reste comptée, une seule fois).
    0 quand la base est sur une autre machine."""
    stats = {dossier.name: _stat(dossier.name, proc) for dossier in proc.glob("[0-9]*")}
    total = 0
    for nom, champs in stats.values():
        if nom != "postgres" or not champs:
            continue
        principal = stats.get(champs[1], (None, []))[0] != "postgres"
        total += _ticks(champs, AVEC_ENFANTS if principal else PROPRE)
    return total / TICKS


def _attendre(url, delai=60):
    fin = time.monotonic() + delai
    while time.monotonic() < fin:
        try:
            with urllib.request.urlopen(url, timeout=2) as reponse:
                if reponse.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def _lire_stats(prefixe):
    with open(f"{prefixe}_stats.csv", encoding="utf-8") as fichier:
        lignes = list(csv.DictReader(fichier))
    return lignes


def main(arguments):
    dossier = Path(settings.BASE_DIR) / "var" / "bench"
    dossier.mkdir(parents=True, exist_ok=True)
    comptes = preparer_les_comptes(arguments.utilisateurs)
    if not comptes:
        print("Aucun travailleur social du banc : construisez d'abord le jeu.", file=sys.stderr)
        return 1
    # Avant l'essai, la machine au repos : l'étalon ne mesure que la machine.
    etalon = etalon_ms()
    fichier_comptes = dossier / "charge_comptes.json"
    fichier_comptes.write_text(json.dumps(comptes), encoding="utf-8")
    journal_acces = dossier / "charge_acces.log"
    journal_acces.write_text("")
    hote = f"127.0.0.1:{arguments.port}"
    environnement = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.reglages"),
        "GUNICORN_BIND": hote,
        "GUNICORN_WORKERS": str(arguments.workers),
        "GUNICORN_ACCESSLOG": str(journal_acces),
    }
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"),
            # Pas de socket de contrôle : il est commun à toutes les instances d'un compte, et
            # d'autres gunicorn (deploy/essai.sh) peuvent tourner à côté.
            "--no-control-socket",
            "logisens_suivi.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=environnement,
        stdout=subprocess.DEVNULL,
        stderr=open(dossier / "charge_gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        if not _attendre(f"http://{hote}/sante/"):
            print("gunicorn ne répond pas (var/bench/charge_gunicorn.log).", file=sys.stderr)
            return 1
        # Chaque worker sert une première page (imports, gabarits) avant la mesure.
        for _ in range(arguments.workers * 2):
            _attendre(f"http://{hote}/sante/")
        deja_servies = len(journal_acces.read_text().splitlines())
        cpu_avant = cpu_gunicorn(gunicorn.pid)
        cpu_base_avant = cpu_postgresql()
        prefixe = dossier / "charge"
        locust = subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(len(comptes)),
                "--spawn-rate",
                str(max(len(comptes) // 5, 1)),
                "--run-time",
                f"{arguments.duree}s",
                "--host",
                f"http://{hote}",
                "--csv",
                str(prefixe),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "BANC_COMPTES": str(fichier_comptes)},
            capture_output=True,
            text=True,
            check=False,
        )
        cpu_apres = cpu_gunicorn(gunicorn.pid)
        cpu_base_apres = cpu_postgresql()
        servies = len(journal_acces.read_text().splitlines()) - deja_servies
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    try:
        lignes = _lire_stats(prefixe)
    except OSError:
        print(locust.stderr[-2000:], file=sys.stderr)
        return 1
    total = next(ligne for ligne in lignes if ligne["Name"] == "Aggregated")
    p95 = float(total["95%"] or 0)
    erreurs = int(total["Failure Count"])
    requetes = int(total["Request Count"])
    cpu_ms = (cpu_apres - cpu_avant) * 1000 / max(servies, 1)
    cpu_base_ms = (cpu_base_apres - cpu_base_avant) * 1000 / max(servies, 1)
    print(
        f"Essai de charge : {len(comptes)} travailleurs de terrain, 1 requête/s chacun, "
        f"{arguments.duree} s, {arguments.workers} workers gunicorn sur {hote}."
    )
    print(f"{'page':34} {'requêtes':>9} {'erreurs':>8} {'médiane':>9} {'p95':>8}")
    for ligne in lignes:
        print(
            f"{ligne['Name'][:34]:34} {ligne['Request Count']:>9} {ligne['Failure Count']:>8} "
            f"{ligne['50%']:>6} ms {ligne['95%']:>5} ms"
        )
    debit = requetes / max(arguments.duree, 1)
    print(
        f"Débit {debit:.1f} req/s ; p95 {p95:.0f} ms (budget ≤ {SEUIL_P95_MS} ms : "
        f"{'tenu' if p95 <= SEUIL_P95_MS else 'NON TENU'}) ; erreurs {erreurs} "
        f"({'tenu' if erreurs == 0 else 'NON TENU'}) ; CPU {cpu_ms:.1f} ms par requête servie "
        f"({servies} servies ; budget ≤ {SEUIL_CPU_MS} ms : "
        f"{'tenu' if cpu_ms <= SEUIL_CPU_MS else 'NON TENU'})."
    )
    print(
        f"Étalon de la machine : {etalon:.1f} ms de CPU pour un travail Python fixe "
        f"(bench/etalon.py) ; CPU par requête : {cpu_ms / etalon:.2f} étalon. Deux passages "
        "se comparent par ce rapport."
    )
    if cpu_base_ms:
        # Sur la même machine, la base prend sa part des mêmes cœurs.
        print(f"PostgreSQL (processus de cette machine) : {cpu_base_ms:.1f} ms de CPU par requête.")
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as fichier:
            json.dump(
                {
                    "utilisateurs": len(comptes),
                    "duree_s": arguments.duree,
                    "workers": arguments.workers,
                    "requetes": requetes,
                    "servies": servies,
                    "erreurs": erreurs,
                    "p95_ms": p95,
                    "debit_req_s": round(debit, 1),
                    "cpu_ms_par_requete": round(cpu_ms, 1),
                    "cpu_postgresql_ms_par_requete": round(cpu_base_ms, 1),
                    "etalon_ms": round(etalon, 1),
                    "cpu_par_requete_en_etalons": round(cpu_ms / etalon, 3),
                    "par_page": lignes,
                    "charge_machine": os.getloadavg(),
                },
                fichier,
                ensure_ascii=False,
                indent=1,
            )
    return 0
