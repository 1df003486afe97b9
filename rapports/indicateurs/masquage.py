"""Le secret statistique des croisements d'une catégorie sensible par territoire (DESIGN.md §4).

Aucune case d'un tel croisement ne montre un effectif de 1 à 4, et aucune case masquée ne se
retrouve par différence : ni avec les totaux de ligne, de colonne ou le total général, ni avec un
autre tableau du rapport qui donne ces totaux (les orientations par problématique sont les totaux
de ligne du croisement problématique × territoire).

`appliquer(chiffres)` est LA fonction de masquage : `calculer_periode` l'appelle une fois sur les
chiffres bruts, avant tout rendu. Le PDF, le classeur XLSX, le tableau de bord, les graphiques et
le JSON gardé avec le rapport lisent tous ce même dictionnaire : les mêmes cases y sont masquées.
Aujourd'hui un seul croisement est sensible (problématique × territoire) ; les autres
répartitions du rapport ne croisent pas une catégorie sensible avec un territoire. Un nouveau
croisement sensible passe par `proteger`, et ses marges publiées ailleurs sont masquées de même.

La méthode, sur un tableau lu avec ses marges (une ligne par catégorie et son total, une colonne
par territoire et son total, le total général) :

1. Masquage primaire : toute case intérieure de 1 à 4 se lit « < 5 » (`MASQUE`) ; 0 reste 0.
2. Masquage complémentaire : toute ligne et toute colonne, marges comprises, qui n'a qu'une case
   masquée en reçoit une deuxième (sinon « total − cases visibles » la donne) : la plus petite
   case non nulle encore visible de cette ligne, une case intérieure d'abord, à défaut un total
   (un total de territoire ou le total général avant un total de catégorie, que la section
   Orientations reprend) ; à égalité, la première dans l'ordre du tableau. Jamais un 0 : un 0
   masqué se déduirait (les cases masquées ne sont jamais nulles). On recommence jusqu'à ce que
   plus aucune ligne n'ait une seule case masquée. Une case masquée en complément se lit « s »
   (`MASQUE_COMPLEMENTAIRE`).
3. Vérification exacte, puis complément au besoin. Le lecteur sait qu'une case « < 5 » vaut 1 à
   4, qu'une case intérieure « s » vaut 5 ou plus (toutes les cases de 1 à 4 sont des « < 5 »),
   qu'un total « s » vaut au moins 1. Une case masquée est protégée quand au moins deux valeurs
   sont compatibles avec tout ce qui est publié. Les tableaux compatibles sont le vrai tableau
   plus une circulation entière sur le graphe « source → catégories → territoires → puits →
   source » (une flèche par case, marges comprises), nulle sur les cases visibles et qui garde
   chaque case masquée dans ses bornes ; par décomposition conforme, une case peut changer de
   valeur si et seulement si elle est sur un circuit de cases masquées où l'on peut ajouter 1 aux
   unes et retirer 1 aux autres sans sortir de leurs bornes (`_protegee`). Tant qu'une case est
   exposée, on masque la case visible qui la protège (même ordre de préférence), puis on reprend
   l'étape 2. Tout masquer protège toujours (chaque total masqué peut augmenter), donc la boucle
   s'arrête.

Le résultat ne dépend que des effectifs : mêmes données, mêmes cases masquées.
"""

from collections import deque

SEUIL_SECRET = 5
MASQUE = "< 5"
MASQUE_COMPLEMENTAIRE = "s"

# Les cases d'un tableau lu avec ses marges : (ligne, colonne) ; la ligne `R` est celle des totaux
# de colonne, la colonne `C` celle des totaux de ligne, (R, C) le total général.

# Ordre de préférence d'une case complémentaire : intérieure, puis total de colonne ou total
# général (publiés dans le seul croisement), puis total de ligne (repris par un autre tableau).
_INTERIEURE, _TOTAL_DU_CROISEMENT, _TOTAL_REPRIS = 0, 1, 2


def masquer(nombre):
    """Masquage primaire d'une case : 1 à 4 → « < 5 » ; 0 et 5 ou plus restent des nombres."""
    return MASQUE if 0 < nombre < SEUIL_SECRET else nombre


def proteger(effectifs):
    """Le tableau publiable : `effectifs` (lignes × colonnes d'entiers ≥ 0) avec ses marges.

    Rend {"cellules": [[…]], "totaux_lignes": […], "totaux_colonnes": […], "total": …}, où chaque
    nombre est soit l'effectif, soit « < 5 », soit « s » (voir la méthode en tête du module).
    """
    valeurs, nb_lignes, nb_colonnes = _avec_marges(effectifs)
    masque = cases_masquees(effectifs)

    def publie(case):
        valeur = valeurs[case]
        if case not in masque:
            return valeur
        interieure = case[0] < nb_lignes and case[1] < nb_colonnes
        return MASQUE if interieure and valeur < SEUIL_SECRET else MASQUE_COMPLEMENTAIRE

    return {
        "cellules": [[publie((i, j)) for j in range(nb_colonnes)] for i in range(nb_lignes)],
        "totaux_lignes": [publie((i, nb_colonnes)) for i in range(nb_lignes)],
        "totaux_colonnes": [publie((nb_lignes, j)) for j in range(nb_colonnes)],
        "total": publie((nb_lignes, nb_colonnes)),
    }


def cases_masquees(effectifs):
    """Les cases masquées (primaires et complémentaires) du tableau lu avec ses marges."""
    valeurs, nb_lignes, nb_colonnes = _avec_marges(effectifs)
    masque = {
        (i, j)
        for i in range(nb_lignes)
        for j in range(nb_colonnes)
        if 0 < valeurs[(i, j)] < SEUIL_SECRET
    }
    if not masque:
        return masque
    lignes = _lignes(nb_lignes, nb_colonnes)

    def preference(case):
        i, j = case
        if i < nb_lignes and j < nb_colonnes:
            rang = _INTERIEURE
        elif j == nb_colonnes and i < nb_lignes:
            rang = _TOTAL_REPRIS
        else:
            rang = _TOTAL_DU_CROISEMENT
        return rang, valeurs[case], i, j

    while True:
        _completer(lignes, valeurs, masque, preference)
        bornes = _bornes(valeurs, masque, nb_lignes, nb_colonnes)
        exposee = next(
            (
                case
                for case in sorted(masque)
                if not _protegee(case, valeurs, masque, bornes, nb_lignes, nb_colonnes)
            ),
            None,
        )
        if exposee is None:
            return masque
        # Il reste une case non nulle visible : un tableau entièrement masqué est protégé.
        visibles = sorted(
            (case for case, valeur in valeurs.items() if valeur > 0 and case not in masque),
            key=preference,
        )
        choix = next(
            (
                case
                for case in visibles
                if _protegerait(exposee, case, valeurs, masque, nb_lignes, nb_colonnes)
            ),
            None,
        )
        if choix is None:
            voisines = {case for ligne in lignes if exposee in ligne for case in ligne}
            choix = next((case for case in visibles if case in voisines), visibles[0])
        masque.add(choix)


def _avec_marges(effectifs):
    """{(ligne, colonne): effectif}, marges comprises ; et les dimensions du tableau."""
    nb_lignes = len(effectifs)
    nb_colonnes = len(effectifs[0]) if effectifs else 0
    valeurs = {}
    for i, ligne in enumerate(effectifs):
        if len(ligne) != nb_colonnes:
            raise ValueError("Toutes les lignes du tableau doivent avoir le même nombre de cases.")
        for j, nombre in enumerate(ligne):
            if not isinstance(nombre, int) or nombre < 0:
                raise ValueError(f"Effectif invalide : {nombre!r} (un entier positif ou nul).")
            valeurs[(i, j)] = nombre
        valeurs[(i, nb_colonnes)] = sum(ligne)
    for j in range(nb_colonnes):
        valeurs[(nb_lignes, j)] = sum(ligne[j] for ligne in effectifs)
    valeurs[(nb_lignes, nb_colonnes)] = sum(map(sum, effectifs))
    return valeurs, nb_lignes, nb_colonnes


def _lignes(nb_lignes, nb_colonnes):
    """Chaque ligne et chaque colonne du tableau avec ses marges : ses cases, total compris."""
    rangees = [[(i, j) for j in range(nb_colonnes + 1)] for i in range(nb_lignes + 1)]
    colonnes = [[(i, j) for i in range(nb_lignes + 1)] for j in range(nb_colonnes + 1)]
    return rangees + colonnes


def _completer(lignes, valeurs, masque, preference):
    """Étape 2 : aucune ligne ni colonne avec une seule case masquée."""
    change = True
    while change:
        change = False
        for ligne in lignes:
            if sum(1 for case in ligne if case in masque) != 1:
                continue
            candidates = [case for case in ligne if case not in masque and valeurs[case] > 0]
            # Une case masquée est non nulle : sa ligne a toujours une autre case non nulle.
            masque.add(min(candidates, key=preference))
            change = True


def _bornes(valeurs, masque, nb_lignes, nb_colonnes):
    """Ce que le lecteur sait de chaque case masquée : (minimum, maximum ou None)."""
    bornes = {}
    for case in masque:
        i, j = case
        if i < nb_lignes and j < nb_colonnes:
            valeur = valeurs[case]
            bornes[case] = (1, SEUIL_SECRET - 1) if valeur < SEUIL_SECRET else (SEUIL_SECRET, None)
        else:
            bornes[case] = (1, None)
    return bornes


def _fleche(case, nb_lignes, nb_colonnes):
    """La flèche de la case dans le graphe source → lignes → colonnes → puits → source."""
    i, j = case
    if i < nb_lignes and j < nb_colonnes:
        return ("ligne", i), ("colonne", j)
    if i < nb_lignes:
        return "source", ("ligne", i)
    if j < nb_colonnes:
        return ("colonne", j), "puits"
    return "puits", "source"


def _protegee(case, valeurs, masque, bornes, nb_lignes, nb_colonnes):
    """Vrai si la case masquée peut prendre une autre valeur compatible avec ce qui est publié.

    Elle peut augmenter de 1 si un circuit part de sa flèche et revient à son origine par des
    cases masquées qu'on peut augmenter (dans le sens de leur flèche) ou diminuer (à rebours) ;
    diminuer, de même dans l'autre sens.
    """
    suivants = {}
    for autre in masque:
        if autre == case:
            continue
        origine, fin = _fleche(autre, nb_lignes, nb_colonnes)
        minimum, maximum = bornes[autre]
        if maximum is None or valeurs[autre] < maximum:
            suivants.setdefault(origine, []).append(fin)
        if valeurs[autre] > minimum:
            suivants.setdefault(fin, []).append(origine)
    origine, fin = _fleche(case, nb_lignes, nb_colonnes)
    minimum, maximum = bornes[case]
    peut_augmenter = maximum is None or valeurs[case] < maximum
    peut_diminuer = valeurs[case] > minimum
    return (peut_augmenter and _chemin(suivants, fin, origine)) or (
        peut_diminuer and _chemin(suivants, origine, fin)
    )


def _chemin(suivants, depart, arrivee):
    vus, file = {depart}, deque([depart])
    while file:
        noeud = file.popleft()
        if noeud == arrivee:
            return True
        for suivant in suivants.get(noeud, ()):
            if suivant not in vus:
                vus.add(suivant)
                file.append(suivant)
    return False


def _protegerait(exposee, case, valeurs, masque, nb_lignes, nb_colonnes):
    """Vrai si masquer aussi `case` rend la case `exposee` protégée."""
    essai = masque | {case}
    bornes = _bornes(valeurs, essai, nb_lignes, nb_colonnes)
    return _protegee(exposee, valeurs, essai, bornes, nb_lignes, nb_colonnes)


def appliquer(chiffres):
    """Les chiffres publiables du rapport : les chiffres bruts, croisements sensibles masqués.

    Appelée une fois par calcul, avant tout rendu. Le croisement problématique × territoire
    reçoit ses marges (total de chaque problématique, de chaque territoire, total général) ;
    les orientations par problématique, qui sont ses totaux de ligne, sont masquées de même.
    """
    croisement = chiffres["croisement_problematique_territoire"]
    par_problematique = chiffres["orientations"]["par_problematique"]
    lignes = croisement["lignes"]
    effectifs = [ligne["cellules"] for ligne in lignes]
    repris = [(ligne["code"], ligne["nombre"]) for ligne in par_problematique]
    if repris != [(ligne["code"], sum(ligne["cellules"])) for ligne in lignes]:
        raise ValueError(
            "Les orientations par problématique doivent être les totaux de ligne du croisement "
            "problématique × territoire."
        )
    publie = proteger(effectifs)
    return {
        **chiffres,
        "orientations": {
            **chiffres["orientations"],
            "par_problematique": [
                {**ligne, "nombre": total}
                for ligne, total in zip(par_problematique, publie["totaux_lignes"], strict=True)
            ],
        },
        "croisement_problematique_territoire": {
            **croisement,
            "lignes": [
                {**ligne, "cellules": cellules, "total": total}
                for ligne, cellules, total in zip(
                    lignes, publie["cellules"], publie["totaux_lignes"], strict=True
                )
            ],
            "totaux_colonnes": publie["totaux_colonnes"],
            "total": publie["total"],
            "secret_statistique": {
                "seuil": SEUIL_SECRET,
                "masque": MASQUE,
                "masque_complementaire": MASQUE_COMPLEMENTAIRE,
            },
        },
    }
