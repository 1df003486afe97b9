"""Ce que partagent les longues listes filtrées et paginées (file active, journal d'accès, « Mes
orientations ») : le champ de recherche et sa borne, la recherche mot à mot, la pagination par
les clés et les paramètres d'une page à l'autre ; et les suggestions d'une liste de choix trop
longue pour être rendue (`suggestions`).

Une liste se pagine par ses **clés** : le décompte et les lignes sautées d'une page profonde ne
lisent que les clés (triées et filtrées par la base), puis la page entière se lit par ses clés,
dans cet ordre. Le coût d'une page suit sa taille, pas sa profondeur ni le volume du programme.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.query import EmptyQuerySet
from django.http import Http404, JsonResponse
from django.utils.functional import cached_property

from .sans_accents import sans_accents
from .selects import ChampDeFiltreEnUneRequete, listes_rapides

# Une recherche plus longue ne désigne aucun ménage, et SQLite refuse un motif LIKE de plus de
# 50 000 octets : elle est refusée avant d'atteindre la base.
LONGUEUR_RECHERCHE = 100
RECHERCHE_TROP_LONGUE = (
    f"La recherche compte au plus {LONGUEUR_RECHERCHE} caractères : raccourcissez-la."
)


def champ_de_recherche(method, label):
    return django_filters.CharFilter(
        method=method,
        label=label,
        max_length=LONGUEUR_RECHERCHE,
        error_messages={"max_length": RECHERCHE_TROP_LONGUE},
    )


class ChoixModeleFiltre(django_filters.ModelChoiceFilter):
    """Le filtre d'une liste de modèles (territoire, référent·e, personne du journal) dont les
    choix se lisent en une requête (`core.selects.ChoixEnUneRequete`)."""

    field_class = ChampDeFiltreEnUneRequete


def habiller(formulaire):
    """Les champs d'un formulaire de filtres à la taille d'une barre de filtres : listes
    `form-select-sm`, saisies `form-control-sm`."""
    for champ in formulaire.fields.values():
        liste = isinstance(champ.widget, forms.Select)
        champ.widget.attrs["class"] = (
            "form-select form-select-sm" if liste else "form-control form-control-sm"
        )


class _ChampsDuJeu(dict):
    """Les champs du formulaire d'un jeu de filtres, créés pour ce seul jeu : le formulaire les
    prend tels quels (`BaseForm.__init__` recopie en profondeur ses `base_fields`)."""

    def __deepcopy__(self, memo):
        return dict(self)


class JeuDeFiltres(django_filters.FilterSet):
    """Un jeu de filtres dont le formulaire ne recopie pas ses champs.

    django-filters recopie les filtres de la classe pour chaque jeu, crée pour lui les champs
    (`Filter.field`), puis une classe de formulaire qui ne sert qu'à lui ; `forms.Form` en
    recopiait encore une fois chaque champ, widget et liste de choix compris (environ une
    milliseconde par page de la file active). Rien n'est partagé d'un jeu, ni d'une requête, à
    l'autre : chaque jeu a ses filtres, ses champs et sa classe de formulaire."""

    def get_form_class(self):
        formulaire = super().get_form_class()
        formulaire.base_fields = _ChampsDuJeu(formulaire.base_fields)
        return formulaire


class FiltresDeListe(JeuDeFiltres):
    """Les filtres d'une liste paginée : ses champs habillés pour la barre de filtres
    (`composants/filtres.html`), ses listes écrites sans gabarit par option
    (`core.selects`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        habiller(self.form)
        listes_rapides(self.form)


# Un mot dont l'index par trigrammes trouve les lignes : trois lettres ou chiffres de suite
# (`pg_trgm` ne forme ses trigrammes que de ceux-là ; « de », « l-a » liraient tout l'index).
MOT_INDEXABLE = re.compile(r"[^\W_]{3}")


def chercher_les_mots(queryset, texte, champs, par_trigrammes=()):
    """Les lignes où chaque mot de `texte` se trouve dans l'un des `champs` (sans tenir compte
    de la casse ni des accents, `core.sans_accents`) : « martin 75 » trouve Martin dont la
    référence contient 75, « helene » trouve Hélène. `par_trigrammes` : ceux des champs qui ont
    un index par trigrammes sous PostgreSQL, qu'un mot d'au moins trois lettres ou chiffres
    cherche par cet index (mêmes lignes trouvées)."""
    for mot in sans_accents(texte).split():
        indexable = MOT_INDEXABLE.search(mot) is not None
        condition = Q()
        for champ in champs:
            lookup = (
                "sans_accents_indexable"
                if indexable and champ in par_trigrammes
                else "sans_accents"
            )
            condition |= Q(**{f"{champ}__{lookup}__icontains": mot})
        queryset = queryset.filter(condition)
    return queryset


def cles(queryset):
    """Les seules clés de `queryset` (filtré et trié), pour paginer : Django n'y garde que les
    expressions dont un filtre ou le tri a besoin, si bien qu'une page profonde ne calcule pas
    les colonnes annotées (la situation du jour d'un ménage) des lignes sautées, ni le décompte.
    """
    return queryset.values_list("pk", flat=True)


def lire(queryset):
    """Les lignes de `queryset`, sans requête ni compilation quand il est vide d'avance : les
    droits n'en laissent aucune (`permissions.filtrer` rend alors `none()`) ou c'est la
    tranche vide d'une page sans ligne. Django compilerait encore toute la requête, jointures
    et annotations comprises, avant de s'apercevoir qu'elle ne rend rien."""
    if isinstance(queryset, EmptyQuerySet):
        return []
    return list(queryset)


def les_premieres(queryset, nombre):
    """Les `nombre` premières lignes de `queryset` (trié), en une requête (aucune s'il est
    vide d'avance : `lire`)."""
    return lire(queryset[:nombre])


def premiers(queryset, nombre):
    """`(lignes, il_en_reste)` : les `nombre` premières lignes de `queryset` (trié), et s'il y en
    a d'autres, lu en une requête (une ligne de plus, jamais un décompte) ; pour une liste bornée
    qui renvoie ailleurs pour la suite."""
    lignes = les_premieres(queryset, nombre + 1)
    return lignes[:nombre], len(lignes) > nombre


# La première page d'une liste lit les clés de quelques pages d'un coup : une liste qui tient
# dedans (la file d'un·e travailleur·se social·e, les orientations d'un prescripteur) se compte
# par elles, sans une requête de décompte qui recalculerait tous les droits.
PAGES_LUES_D_AVANCE = 4


def page_par_les_cles(queryset, par_page, numero, lire_les_lignes=None):
    """La page `numero` de `queryset` (filtré et trié), `par_page` lignes : les clés de la page
    viennent d'une requête qui ne lit qu'elles, puis `lire_les_lignes(clés)` rend les lignes
    (par défaut, celles de `queryset` qui ont ces clés), qu'on remet dans l'ordre des clés (une
    ligne qui n'est plus lisible entre-temps disparaît de la page).

    Le décompte (le nombre de lignes et de pages) est une requête de plus, sauf à la première
    page d'une liste courte : ses clés, lues jusqu'à `PAGES_LUES_D_AVANCE` pages, sont toute la
    liste, et leur nombre est le décompte."""
    toutes = cles(queryset)
    if _premiere_page(numero):
        limite = par_page * PAGES_LUES_D_AVANCE
        premieres = list(toutes[: limite + 1])
        if len(premieres) <= limite:
            page = Paginator(premieres, par_page).get_page(1)
        else:
            page = Paginator(toutes, par_page).get_page(1)
            page.object_list = premieres[:par_page]
    else:
        page = Paginator(toutes, par_page).get_page(numero)
    cles_de_la_page = list(page.object_list)
    lignes = (
        lire_les_lignes(cles_de_la_page)
        if lire_les_lignes
        else queryset.filter(pk__in=cles_de_la_page)
    )
    par_cle = {ligne.pk: ligne for ligne in lignes}
    page.object_list = [par_cle[cle] for cle in cles_de_la_page if cle in par_cle]
    return page


def _premiere_page(numero):
    """Si `Paginator.get_page(numero)` rendrait la première page quelle que soit la liste : « 1 »,
    ou rien, ou ce qui n'est pas un nombre entier (« 0 » et les nombres négatifs donnent la
    dernière page)."""
    try:
        return int(numero) == 1
    except (TypeError, ValueError):
        return True


@dataclass(frozen=True)
class PageSansCompte:
    """Une page d'une liste lue de la plus récente à la plus ancienne, sans décompte : ses
    éléments, son numéro et s'il y en a après (lien « plus anciens ») ou avant (« plus
    récents »). Pour une liste qui grandit sans fin avec le suivi (interventions, chronologie) :
    le coût d'une page suit sa taille, jamais l'ancienneté du suivi."""

    elements: list
    numero: int
    a_suivante: bool

    @property
    def a_precedente(self):
        return self.numero > 1

    def __iter__(self):
        return iter(self.elements)

    def __len__(self):
        return len(self.elements)


def numero_de_page(valeur):
    """Le numéro de page demandé (un entier à partir de 1) ; 1 pour toute autre saisie."""
    try:
        numero = int(valeur)
    except (TypeError, ValueError):
        return 1
    return numero if 1 <= numero <= 10_000 else 1


def page_sans_compte(queryset, numero, par_page):
    """La page `numero` de `queryset` (trié), lue en une requête : une ligne de plus que la page
    dit s'il en reste après, sans jamais compter la liste."""
    debut = (numero - 1) * par_page
    lignes = list(queryset[debut : debut + par_page + 1])
    return PageSansCompte(lignes[:par_page], numero=numero, a_suivante=len(lignes) > par_page)


class PaginatorBorne(Paginator):
    """Un `Paginator` qui ne compte pas au-delà de `limite` lignes : pour une liste sans borne
    (le journal d'accès d'un programme national en garde des millions), le décompte lit au plus
    `limite + 1` clés au lieu de toute la table, et les pages s'arrêtent à la `limite`-ième
    ligne ; `depasse` dit qu'il y en a davantage, qu'un filtre (période, personne) retrouve."""

    def __init__(self, object_list, per_page, *, limite, **kwargs):
        self.limite = limite
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def _lignes_comptees(self):
        # Sans tri : compter les `limite + 1` premières lignes dans n'importe quel ordre donne
        # le même nombre, et PostgreSQL n'a plus à trier ce qu'il compte (le journal d'accès
        # national : 4 ms au lieu de 18 ms pour 10 001 lignes).
        return self.object_list.order_by()[: self.limite + 1].count()

    @cached_property
    def count(self):
        return min(self._lignes_comptees, self.limite)

    @property
    def depasse(self):
        return self._lignes_comptees > self.limite


def parametres_sans_page(request):
    """Les paramètres de la requête (filtres, tri), sans le numéro de page : les liens vers les
    autres pages les gardent."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


# Les suggestions d'une recherche dans une liste de choix trop longue (core.forms.
# choix_ou_recherche) : au plus ce nombre, à partir de deux lettres.
SUGGESTIONS = 20
LETTRES_POUR_CHERCHER = 2


class _Recherche(forms.Form):
    # Un CharField refuse aussi le caractère nul, que PostgreSQL refuserait dans la requête.
    q = forms.CharField(
        required=False,
        max_length=LONGUEUR_RECHERCHE,
        error_messages={"max_length": RECHERCHE_TROP_LONGUE},
    )


# Ce que dit une liste de personnes qui se cherche : l'aide sous le champ, l'invite dans la
# saisie, la réponse quand rien ne correspond.
AIDE_RECHERCHE = "Tapez au moins deux lettres du nom, puis choisissez dans les suggestions."
INVITE_RECHERCHE = "Rechercher par le nom"
AUCUN_RESULTAT = "Personne de ce nom."


@dataclass(frozen=True)
class ListeCherchee:
    """Une liste de choix qui se cherche : ce qu'elle propose (`queryset`, déjà restreint),
    comment nommer une ligne (`libelle`), où chercher (`champs`), ce que le champ attend
    (`valeur`) et ce qu'elle dit à qui cherche (`aide`, `invite`, `aucun`). Par défaut, une
    liste de personnes.

    `memoire` : la clé sous laquelle se garde un moment le verdict « trop longue pour être
    rendue » (`core.widgets.sue_longue`), faite de tout ce dont la liste dépend (ce qu'elle
    propose, le dispositif, la personne et ses adhésions quand ses droits la restreignent) ;
    sans clé, la liste se relit à chaque rendu."""

    queryset: object
    libelle: object = str
    champs: tuple = ("last_name", "first_name")
    valeur: str = "pk"
    aide: str = AIDE_RECHERCHE
    invite: str = INVITE_RECHERCHE
    aucun: str = AUCUN_RESULTAT
    memoire: object = None


class ListesALaDemande(Mapping):
    """Nom de champ → ce qu'il propose, chaque liste construite seulement quand on la lit : le
    formulaire les lit toutes, la recherche d'un seul champ (`suggestions`) la sienne seule.
    `ListesALaDemande(referent=lambda: …, equipe=lambda: …)`."""

    def __init__(self, **fabriques):
        self._fabriques = fabriques

    def __getitem__(self, nom):
        return self._fabriques[nom]()

    def __iter__(self):
        return iter(self._fabriques)

    def __len__(self):
        return len(self._fabriques)


def structures(queryset, *memoire):
    """Les structures (bailleurs, associations, services) comme liste cherchée : par le nom, le
    sigle ou la commune (« CCAS », « Aurillac ») ; `memoire` : ce qui fait la liste (la clé du
    verdict « trop longue », `ListeCherchee.memoire`)."""
    return ListeCherchee(
        queryset,
        champs=("nom", "sigle", "commune"),
        aide="Tapez au moins deux lettres du nom, du sigle ou de la commune de la structure, "
        "puis choisissez dans les suggestions.",
        invite="Rechercher une structure",
        aucun="Aucune structure trouvée.",
        memoire=memoire,
    )


def suggestions(request, listes, libelle=str, champs=("last_name", "first_name"), valeur="pk"):
    """La réponse JSON d'une recherche dans une liste de choix : `listes` associe le nom de
    chaque champ (`?liste=`) à tout ce qu'il propose, déjà restreint à ce que la personne a le
    droit de choisir (un queryset, ou une `ListeCherchee` qui dit elle-même comment chercher et
    nommer) ; on y cherche chaque mot de `?q=` dans `champs`. Rend
    `{"resultats": [{"value", "text"}]}` (`value` : l'attribut `valeur` de chaque ligne, celui
    que le champ attend), les `SUGGESTIONS` premiers dans l'ordre de la liste.
    Une liste inconnue : 404 ; une recherche trop longue : 400."""
    try:
        liste = listes[request.GET.get("liste", "")]
    except KeyError:
        raise Http404("Liste inconnue.") from None
    if not isinstance(liste, ListeCherchee):
        liste = ListeCherchee(liste, libelle, champs, valeur)
    recherche = _Recherche(request.GET)
    if not recherche.is_valid():
        erreurs = [e for du_champ in recherche.errors.values() for e in du_champ]
        return JsonResponse({"erreur": " ".join(erreurs)}, status=400)
    texte = recherche.cleaned_data["q"]
    if len(texte) < LETTRES_POUR_CHERCHER:
        return JsonResponse({"resultats": []})
    lignes = chercher_les_mots(liste.queryset, texte, liste.champs)[:SUGGESTIONS]
    return JsonResponse(
        {
            "resultats": [
                {"value": str(getattr(ligne, liste.valeur)), "text": liste.libelle(ligne)}
                for ligne in lignes
            ]
        }
    )
