"""`python -m bench parcourir` : chaque compte du banc suit les liens que le produit lui montre,
depuis son accueil, et chaque page atteinte se mesure à chaud.

`mesurer` mesure une liste de cas choisis, chacun face à sa base ; ce parcours couvre le reste :
toute page qu'un lien montre (`href` et `hx-get`, pages et fragments), pour chaque rôle, sans
base. Il imprime les plus lentes (médiane, p95, requêtes) : une page à l'échelle nationale
qu'aucun cas ne couvre s'y verrait. Les fiches PDF, exports et pièces ne s'ouvrent pas ici
(`mesurer` les mesure face à WeasyPrint ou au `csv.writer`). Un lien qui ne s'ouvre pas (403,
404, 405, 500) s'imprime à part et fait rendre 1 à la commande : la personne ne devait pas le
voir. Jamais une durée n'y est un budget.
"""

import html
import re
import statistics
import time
from collections import Counter, deque
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from bench.mesurer import Jeu, _lire, _p95

LIEN = re.compile(r'(?:href|hx-get)="([^"#][^"]*)"')
FICHIERS = (".pdf", ".csv", ".xlsx")
FICHIERS_SANS_EXTENSION = ("/export/", "/pieces/")


@dataclass
class PageParcourue:
    role: str
    motif: str
    adresse: str
    mediane_ms: float
    p95_ms: float
    requetes: int


def a_ne_pas_suivre():
    """Les débuts d'adresse que le parcours ne suit pas : la sortie et la prolongation de la
    session (des envois), l'administration technique, les fichiers statiques (aucun fichier
    privé n'a d'adresse publique)."""
    return (
        reverse("logout"),
        reverse("core:session_etat"),
        reverse("admin:index"),
        settings.STATIC_URL,
    )


def _liens(adresse, texte, fichiers=False):
    """Les liens de la page à suivre ; ceux des fichiers seulement si `fichiers`."""
    exclus = a_ne_pas_suivre()
    for lien in LIEN.findall(texte):
        lien = urljoin(adresse, urldefrag(html.unescape(lien))[0])
        partie = urlsplit(lien)
        if partie.scheme or partie.netloc or lien.startswith(exclus):
            continue
        if not fichiers and (
            partie.path.endswith(FICHIERS) or any(m in partie.path for m in FICHIERS_SANS_EXTENSION)
        ):
            continue
        yield lien


def _motif(adresse):
    try:
        return resolve(urlsplit(adresse).path).view_name
    except Resolver404:
        return None


def atteindre(client, liens_par_motif, pages_au_plus, depart="/", fichiers=False):
    """Les pages HTML que les liens montrés mènent à ouvrir depuis `depart` (l'accueil), au plus
    `liens_par_motif` par motif d'URL : [(motif, adresse)], et les liens refusés
    [(depuis, adresse, statut)]. Avec `fichiers`, les liens des fiches, exports et pièces
    s'ouvrent aussi (pour savoir qu'ils s'ouvrent ; ils ne sont pas des pages)."""
    a_voir, vues, par_motif = deque([(depart, "(départ)")]), set(), Counter()
    pages, refus = [], []
    while a_voir and len(vues) < pages_au_plus:
        adresse, depuis = a_voir.popleft()
        motif = _motif(adresse)
        if adresse in vues or par_motif[motif] >= liens_par_motif:
            continue
        vues.add(adresse)
        par_motif[motif] += 1
        reponse = client.get(adresse)
        contenu = _lire(reponse)
        if reponse.status_code in (301, 302):
            a_voir.appendleft((reponse.url, adresse))
            continue
        if reponse.status_code != 200:
            refus.append((depuis, adresse, reponse.status_code))
            continue
        if "html" in reponse.get("Content-Type", ""):
            pages.append((motif, adresse))
            texte = contenu.decode("utf-8", errors="replace")
            a_voir.extend(
                (lien, adresse) for lien in _liens(adresse, texte, fichiers) if lien not in vues
            )
    return pages, refus


def mesurer_page(client, adresse, repetitions):
    """(médiane, p95, requêtes) d'une page ouverte `repetitions` fois après un premier appel."""
    client.get(adresse)
    durees = []
    for _ in range(repetitions):
        with CaptureQueriesContext(connection) as requetes:
            debut = time.perf_counter()
            _lire(client.get(adresse))
            durees.append((time.perf_counter() - debut) * 1000)
    return statistics.median(durees), _p95(durees), len(requetes.captured_queries)


def main(arguments):
    jeu = Jeu()
    roles = arguments.roles.split(",") if arguments.roles else list(jeu.comptes)
    mesurees, tous_les_refus = [], []
    for role in roles:
        client = jeu.client(role)
        pages, refus = atteindre(client, arguments.liens_par_motif, arguments.pages_au_plus)
        tous_les_refus += [(role, *r) for r in refus]
        for motif, adresse in pages:
            mediane, p95, requetes = mesurer_page(client, adresse, arguments.repetitions)
            mesurees.append(PageParcourue(role, motif, adresse, mediane, p95, requetes))
        print(f"{role} : {len(pages)} pages ouvertes, {len({m for m, _ in pages})} motifs.")
    mesurees.sort(key=lambda p: p.mediane_ms, reverse=True)
    print()
    print(f"{'médiane':>9} {'p95':>9} {'req.':>5}  {'rôle':<18} {'motif':<36} adresse")
    for page in mesurees[: arguments.premieres]:
        print(
            f"{page.mediane_ms:7.1f} ms {page.p95_ms:6.1f} ms {page.requetes:5d}  "
            f"{page.role:<18} {page.motif or '?':<36} {page.adresse}"
        )
    if mesurees:
        print(
            f"\n{len(mesurees)} pages mesurées ; la plus lente : {mesurees[0].mediane_ms:.1f} ms."
        )
    if tous_les_refus:
        print("\nLiens montrés qui ne s'ouvrent pas :")
        for role, depuis, adresse, statut in tous_les_refus:
            print(f"  {role} : {depuis} → {adresse} : {statut}")
        return 1
    print("Chaque lien montré s'ouvre.")
    return 0
