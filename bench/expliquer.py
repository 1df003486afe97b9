"""Les plans des requêtes clés sur le jeu du banc : `python -m bench expliquer`.

EXPLAIN (ANALYZE, BUFFERS) de la file active (page 1 et page profonde), des interventions
visibles d'un ménage et d'un accompagnement, pour la coordination et pour un membre de
l'équipe, et de leur base simple ; des deux grands extraits de l'évaluation. C'est de là que
docs/performance.md recopie les formes retenues. Un sélecteur renommé ou retiré est signalé sans
arrêter les autres.
"""

from accompagnement import selectors as selectors_accompagnement
from accompagnement.models import Intervention
from core import listes
from ecrans import selectors as selectors_ecrans
from rapports import extraits

from .mesurer import PAGE_PROFONDE, PAR_PAGE, Jeu


def requetes_cles(jeu):
    coordination = jeu.comptes["coordination"]
    ts = jeu.comptes["ts.repere"]
    profond = (PAGE_PROFONDE - 1) * PAR_PAGE
    yield (
        "file active, page 1, tri par nom (coordination)",
        lambda: selectors_ecrans.file_active(coordination).order_by("nom", "pk")[:PAR_PAGE],
    )
    yield (
        f"file active, page {PAGE_PROFONDE}, tri par nom (coordination)",
        lambda: selectors_ecrans.file_active(coordination).order_by("nom", "pk")[
            profond : profond + PAR_PAGE
        ],
    )
    yield (
        "file active, page 1, tri par nom (membre de l'équipe)",
        lambda: selectors_ecrans.file_active(ts).order_by("nom", "pk")[:PAR_PAGE],
    )
    # La requête des clés de la file active (celle que pagine la vue), pour les tris et les
    # filtres sur la situation du jour : ce que coûte une page profonde, hors lecture des lignes.
    for parametre, tri, filtre in (
        ("tri par date", ("-date_orientation", "pk"), {}),
        ("tri par statut", ("statut", "pk"), {}),
        ("tri par dette", ("-dette", "pk"), {}),
        (
            "filtre statut=a_examiner",
            (*selectors_ecrans.ORDRE_PAR_DEFAUT, "pk"),
            {"statut": "a_examiner"},
        ),
    ):
        for page in (1, PAGE_PROFONDE):
            debut = (page - 1) * PAR_PAGE
            yield (
                f"file active, clés de la page {page}, {parametre} (coordination)",
                lambda tri=tri, filtre=filtre, debut=debut: listes.cles(
                    selectors_ecrans.file_active(coordination).filter(**filtre).order_by(*tri)
                )[debut : debut + PAR_PAGE],
            )
    for nombre in (30, 500):
        menage = jeu.menages[nombre]
        accompagnement = jeu.accompagnements[nombre]
        for role, user in (("coordination", coordination), ("membre de l'équipe", ts)):
            yield (
                f"interventions visibles du ménage à {nombre} ({role})",
                lambda user=user, menage=menage: selectors_accompagnement.interventions_du_menage(
                    user, menage
                ).order_by("-date_heure"),
            )
            yield (
                f"interventions visibles de l'accompagnement à {nombre} ({role})",
                lambda user=user, a=accompagnement: selectors_accompagnement.interventions_de(
                    user, a
                ).order_by("-date_heure"),
            )
        yield (
            f"base : interventions du ménage à {nombre} (queryset simple)",
            lambda menage=menage: Intervention.objects.filter(
                accompagnement__menage=menage
            ).order_by("-date_heure"),
        )
    evaluation = jeu.comptes["evaluation"]
    yield (
        "extrait des épisodes (évaluation)",
        lambda: extraits.requete_des_episodes(evaluation, jeu.dispositif),
    )
    yield (
        "extrait des interventions, groupes dans l'ordre des épisodes (évaluation)",
        lambda: extraits.groupes_des_interventions(evaluation, jeu.dispositif).order_by(
            "accompagnement__menage_id", "accompagnement__date_debut", "accompagnement_id"
        ),
    )


def main(arguments):
    jeu = Jeu()
    morceaux = []
    for titre, fabrique in requetes_cles(jeu):
        try:
            queryset = fabrique()
            plan = queryset.explain(analyze=True, buffers=True)
            sql = str(queryset.query)
        except Exception as erreur:  # un sélecteur réécrit ne doit pas arrêter les autres
            plan, sql = f"(indisponible : {type(erreur).__name__} : {erreur})", ""
        morceaux.append(f"### {titre}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n")
        print(morceaux[-1], flush=True)
    if arguments.sortie:
        with open(arguments.sortie, "w", encoding="utf-8") as fichier:
            fichier.write("\n".join(morceaux))
    return 0
