"""`python -m bench construire|mesurer|parcourir|charge …` : voir docs/performance.md."""

import argparse
import os
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.reglages")
    import django

    django.setup()


def main(argv=None):
    analyseur = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commandes = analyseur.add_subparsers(dest="commande", required=True)

    construire = commandes.add_parser("construire", help="construit le jeu national du banc")
    construire.add_argument(
        "--menages", type=int, default=10_000, help="ménages du dispositif national"
    )
    construire.add_argument(
        "--second",
        type=int,
        default=None,
        help="ménages du second dispositif (défaut : le dixième)",
    )
    construire.add_argument(
        "--interventions", type=int, default=40, help="interventions par ménage"
    )
    construire.add_argument("--graine", type=int, default=2026)

    mesurer = commandes.add_parser("mesurer", help="mesure les pages à côté de leur base")
    mesurer.add_argument("--repetitions", type=int, default=15)
    mesurer.add_argument("--json", metavar="FICHIER", help="écrit aussi les résultats en JSON")
    mesurer.add_argument(
        "--filtre",
        help="ne mesure que les cas dont le nom contient l'un de ces textes (séparés par virgules)",
    )
    mesurer.add_argument(
        "--sans-rapport", action="store_true", help="ne produit pas le rapport semestriel"
    )

    parcourir = commandes.add_parser(
        "parcourir", help="suit les liens de chaque compte et mesure chaque page atteinte"
    )
    parcourir.add_argument(
        "--roles", help="les comptes du banc (séparés par virgules ; défaut : tous)"
    )
    parcourir.add_argument("--liens-par-motif", type=int, default=2)
    parcourir.add_argument("--pages-au-plus", type=int, default=400, help="par compte")
    parcourir.add_argument("--repetitions", type=int, default=7)
    parcourir.add_argument("--premieres", type=int, default=30, help="les pages imprimées")

    rapport = commandes.add_parser(
        "rapport", help="produit le rapport semestriel (pour la mesure : un processus neuf)"
    )
    rapport.add_argument("--dispositif", default="banc-national")
    rapport.add_argument("--repetitions", type=int, default=3)

    charge = commandes.add_parser("charge", help="essai de charge borné (gunicorn + locust)")
    charge.add_argument("--utilisateurs", type=int, default=50)
    charge.add_argument("--duree", type=int, default=60, help="secondes")
    charge.add_argument("--workers", type=int, default=2)
    charge.add_argument("--port", type=int, default=8765)
    charge.add_argument("--json", metavar="FICHIER")

    expliquer = commandes.add_parser("expliquer", help="EXPLAIN ANALYZE des requêtes clés")
    expliquer.add_argument("--sortie", metavar="FICHIER", help="écrit aussi les plans (Markdown)")

    tableau = commandes.add_parser("tableau", help="tableau Markdown d'un passage enregistré")
    tableau.add_argument("fichier", help="le JSON écrit par mesurer --json")

    arguments = analyseur.parse_args(argv)
    _django()
    if arguments.commande == "construire":
        from bench.construire import construire as construire_

        try:
            resumes = construire_(
                menages=arguments.menages,
                second=arguments.second,
                interventions=arguments.interventions,
                graine=arguments.graine,
            )
        except ValueError as erreur:
            print(erreur, file=sys.stderr)
            return 1
        for slug, resume in resumes.items():
            print(f"{slug} : " + ", ".join(f"{nom} {nombre}" for nom, nombre in resume.items()))
        return 0
    if arguments.commande in ("mesurer", "rapport"):
        from bench.mesurer import main as mesurer_

        return mesurer_(arguments)
    if arguments.commande == "parcourir":
        from bench.parcourir import main as parcourir_

        return parcourir_(arguments)
    if arguments.commande == "tableau":
        from bench.mesurer import tableau_markdown

        print(tableau_markdown(arguments.fichier))
        return 0
    if arguments.commande == "expliquer":
        from bench.expliquer import main as expliquer_

        return expliquer_(arguments)
    if arguments.commande == "charge":
        from bench.charge import main as charge_

        return charge_(arguments)
    return 2


if __name__ == "__main__":
    sys.exit(main())
