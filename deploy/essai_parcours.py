"""Le parcours de l'essai de déploiement (lancé par deploy/essai.sh, jamais seul).

Deux instances (A et B) derrière nginx, un worker à part, un stockage objet : une session ouverte
sur A sert sur B, un rapport demandé sur A est produit par le worker et téléchargé sur B, la
sonde et les fichiers statiques répondent partout, une session fermée sur A l'est aussi sur B, et
le service continue par le proxy quand A s'arrête. Chaque vérification qui échoue arrête
l'essai avec un message en clair.
"""

import base64
import hashlib
import hmac
import os
import re
import signal
import struct
import sys
import time
from pathlib import Path

import boto3
import psycopg
import requests
import urllib3

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # certificat de l'essai

TRAVAIL = Path(os.environ["ESSAI_TRAVAIL"])
PROXY, A, B = os.environ["ESSAI_PROXY"], os.environ["ESSAI_A"], os.environ["ESSAI_B"]
COMPTE = "coordinateur.cantal@demo.test"
DISPOSITIF = "cantal"
# Les instances ne sont jointes en direct que par l'essai ; elles se croient derrière le proxy.
DERRIERE_LE_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def echec(message):
    print(f"ÉCHEC : {message}", file=sys.stderr)
    sys.exit(1)


def verifier(condition, message):
    if not condition:
        echec(message)
    print(f"  ok : {message}")


def totp(secret_base32, instant=None):
    cle = base64.b32decode(secret_base32)
    compteur = int((instant or time.time()) // 30)
    empreinte = hmac.new(cle, struct.pack(">Q", compteur), hashlib.sha1).digest()
    decalage = empreinte[-1] & 0x0F
    valeur = struct.unpack(">I", empreinte[decalage : decalage + 4])[0] & 0x7FFFFFFF
    return f"{valeur % 1_000_000:06d}"


def secret_du_compte():
    for ligne in (TRAVAIL / "demo.txt").read_text().splitlines():
        morceaux = ligne.split()
        if morceaux and morceaux[0] == COMPTE:
            return morceaux[-1]
    echec(f"{COMPTE} absent de la sortie de seed_demo")


def csrf(html):
    trouve = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not trouve:
        echec("jeton CSRF introuvable")
    return trouve.group(1)


def se_connecter(code):
    """Une connexion par le proxy (mot de passe puis second facteur) ; rend le navigateur."""
    nav = Navigateur()
    page = nav.get(PROXY, "/compte/connexion/")
    reponse = nav.post(
        PROXY,
        "/compte/connexion/",
        {"csrfmiddlewaretoken": csrf(page.text), "username": COMPTE, "password": "demo-logisens"},
        PROXY + "/compte/connexion/",
    )
    verifier("double-authentification" in reponse.url, "le mot de passe mène au second facteur")
    reponse = nav.post(
        PROXY,
        "/compte/double-authentification/code/",
        {"csrfmiddlewaretoken": csrf(reponse.text), "code": code},
        reponse.url,
    )
    verifier(reponse.status_code == 200 and "Se déconnecter" in reponse.text, "connecté·e")
    return nav


class Navigateur:
    """Une session HTTP qui peut s'adresser à l'une ou l'autre instance, ou au proxy."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, base, chemin, **kwargs):
        entetes = DERRIERE_LE_PROXY if base in (A, B) else {}
        return self.session.get(base + chemin, headers=entetes, timeout=30, verify=False, **kwargs)

    def post(self, base, chemin, donnees, referent):
        entetes = {**(DERRIERE_LE_PROXY if base in (A, B) else {}), "Referer": referent}
        return self.session.post(
            base + chemin, data=donnees, headers=entetes, timeout=30, verify=False
        )

    def cookies_pour(self, base):
        # Le cookie de session est « Secure » : requests ne l'envoie qu'en HTTPS. Les instances
        # sont jointes en HTTP sur la boucle locale ; on le passe donc explicitement.
        return {c.name: c.value for c in self.session.cookies}


def main():
    print("Sonde et fichiers statiques")
    for base in (PROXY, A, B):
        reponse = requests.get(
            base + "/sante/", headers=DERRIERE_LE_PROXY, verify=False, timeout=10
        )
        verifier(reponse.status_code == 200 and reponse.text == "ok", f"/sante/ sur {base}")
    connexion = requests.get(PROXY + "/compte/connexion/", verify=False, timeout=10)
    verifier(connexion.status_code == 200, "page de connexion par le proxy")
    feuille = re.search(r'href="(/static/[^"]+\.css)"', connexion.text)
    verifier(feuille is not None, "la page cite une feuille de style")
    for base in (PROXY, A, B):
        statique = requests.get(base + feuille.group(1), headers=DERRIERE_LE_PROXY, verify=False)
        verifier(
            statique.status_code == 200 and "text/css" in statique.headers["Content-Type"],
            f"fichier statique servi par {base}",
        )

    print("Connexion sur l'instance A (mot de passe puis second facteur)")
    nav = se_connecter(totp(secret_du_compte()))
    cookies = nav.cookies_pour(A)

    print("La même session sur A puis sur B, en direct")
    for base in (A, B):
        accueil = requests.get(base + "/", headers=DERRIERE_LE_PROXY, cookies=cookies, timeout=30)
        verifier(
            accueil.status_code == 200 and "Se déconnecter" in accueil.text,
            f"session reconnue par {base}",
        )

    print("Rapport demandé sur A, produit par le worker, téléchargé sur B")
    liste = requests.get(
        A + "/rapports/", headers=DERRIERE_LE_PROXY, cookies=cookies, timeout=30
    ).text
    semestres = re.findall(rf'id="semestre-{DISPOSITIF}">(.*?)</select>', liste, re.S)
    verifier(semestres, "la liste des rapports propose des semestres")
    semestre = re.findall(r'<option value="([^"]+)"', semestres[0])[-1]
    reponse = requests.post(
        A + f"/rapports/{DISPOSITIF}/demander/",
        data={"csrfmiddlewaretoken": csrf(liste), "semestre": semestre},
        headers={**DERRIERE_LE_PROXY, "Referer": PROXY + "/rapports/"},
        cookies={**cookies, "csrftoken": cookies.get("csrftoken", "")},
        allow_redirects=False,
        timeout=30,
    )
    verifier(reponse.status_code == 302, f"demande du rapport {semestre} acceptée")
    base = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    with base.cursor() as curseur:
        for _ in range(240):
            curseur.execute(
                "select r.public_id, r.statut, r.erreur, r.fichier_pdf"
                " from comites_rapportsemestriel r join core_dispositif d on d.id = r.dispositif_id"
                " where d.slug = %s and r.annee = %s and r.semestre = %s",
                (DISPOSITIF, int(semestre[:4]), int(semestre[-1])),
            )
            public_id, statut, erreur, fichier = curseur.fetchone()
            if statut in ("pret", "echec"):
                break
            time.sleep(0.5)
    verifier(statut == "pret", f"rapport prêt (statut {statut} {erreur})")
    journal_worker = (TRAVAIL / "worker.log").read_text()
    verifier("produire_rapport_semestriel" in journal_worker, "produit par le worker Celery")
    telechargement = requests.get(
        B + f"/rapports/{public_id}/rapport.pdf",
        headers={**DERRIERE_LE_PROXY, "X-Forwarded-For": "203.0.113.7, 127.0.0.1"},
        cookies=cookies,
        timeout=60,
    )
    verifier(
        telechargement.status_code == 200 and telechargement.content.startswith(b"%PDF"),
        "PDF téléchargé sur l'instance B",
    )
    for instance in ("var-a", "var-b", "var-worker"):
        verifier(
            not list((TRAVAIL / instance).rglob(fichier)),
            f"aucune copie du rapport dans le dossier de {instance}",
        )
    s3 = boto3.client(
        "s3", endpoint_url=os.environ["STOCKAGE_S3_ENDPOINT"], region_name="eu-west-3"
    )
    objet = s3.get_object(Bucket=os.environ["STOCKAGE_S3_BUCKET"], Key=f"rapports/{fichier}")
    verifier(objet["Body"].read() == telechargement.content, "le PDF vient du stockage objet")
    with base.cursor() as curseur:
        curseur.execute(
            "select adresse_ip from core_journalaudit where action = 'telechargement_rapport'"
            " order by id desc limit 1"
        )
        (adresse,) = curseur.fetchone()
    verifier(
        str(adresse) == "127.0.0.1",
        "le journal garde l'adresse vue par le proxy, pas celle que le client annonce",
    )

    print("Tableau de bord (lu sur la réplique) par le proxy")
    tableau = nav.get(PROXY, f"/tableau-de-bord/{DISPOSITIF}/")
    verifier(tableau.status_code == 200 and "File active" in tableau.text, "tableau de bord")

    print("Déconnexion sur A : la session est refusée sur A et sur B")
    # Une seconde session du même compte ; un code déjà servi ne sert pas deux fois : celui de
    # la période suivante, que la tolérance d'une période accepte.
    cookies_2 = se_connecter(totp(secret_du_compte(), time.time() + 30)).cookies_pour(A)
    accueil = requests.get(B + "/", headers=DERRIERE_LE_PROXY, cookies=cookies_2, timeout=30)
    verifier("Se déconnecter" in accueil.text, "seconde session reconnue par B")
    reponse = requests.post(
        A + "/compte/deconnexion/",
        data={"csrfmiddlewaretoken": csrf(accueil.text)},
        headers={**DERRIERE_LE_PROXY, "Referer": PROXY + "/"},
        cookies=cookies_2,
        allow_redirects=False,
        timeout=30,
    )
    verifier(reponse.status_code == 302, "déconnexion acceptée par A")
    for base in (A, B, A, B):  # plusieurs requêtes : les workers de chaque instance
        refus = requests.get(
            base + "/",
            headers=DERRIERE_LE_PROXY,
            cookies=cookies_2,
            allow_redirects=False,
            timeout=30,
        )
        verifier(
            refus.status_code == 302 and "/compte/connexion/" in refus.headers["Location"],
            f"session fermée refusée par {base}",
        )
    accueil = requests.get(B + "/", headers=DERRIERE_LE_PROXY, cookies=cookies, timeout=30)
    verifier("Se déconnecter" in accueil.text, "la première session tient toujours")

    print("L'instance A s'arrête : le proxy continue avec B, la session tient")
    pid_a = int((TRAVAIL / "gunicorn-a.pid").read_text())
    os.kill(pid_a, signal.SIGTERM)
    for _ in range(60):
        try:
            requests.get(A + "/sante/", timeout=1)
        except requests.ConnectionError:
            break
        time.sleep(0.5)
    else:
        echec("l'instance A ne s'arrête pas")
    for _ in range(4):  # plusieurs requêtes : l'aller-retour entre les deux serveurs amont
        accueil = nav.get(PROXY, "/")
        verifier(
            accueil.status_code == 200 and "Se déconnecter" in accueil.text,
            "accueil par le proxy sans l'instance A",
        )


if __name__ == "__main__":
    main()
