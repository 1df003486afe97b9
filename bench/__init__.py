"""Le banc de mesure : un jeu de données à l'échelle du programme national, la mesure des pages
côte à côte avec leur base de référence, et un essai de charge borné (docs/performance.md).

Un paquet à part, hors des apps du produit : il n'est pas dans INSTALLED_APPS (rien de lui ne
part en production), il importe les apps du domaine et aucune d'elles ne l'importe (contrat
d'import-linter). On le lance par `python -m bench <commande>`.
"""
