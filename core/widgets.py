"""Les listes de choix longues : `SelectOuRecherche`, `SelectMultipleParRecherche`, une liste
trop longue pour être rendue entière se choisit par une recherche (voir
`core.forms.choix_ou_recherche`). Le choix simple s'écrit comme `core.selects.SelectRapide`.
"""

import time

from django import forms
from django.utils.html import format_html

from . import bornes
from .listes import AIDE_RECHERCHE, AUCUN_RESULTAT, INVITE_RECHERCHE, premiers
from .memoire import MemoireBornee
from .selects import SelectRapide


def champ_de_cle(champ):
    """Le champ du modèle qui identifie un choix de `champ` (un `ModelChoiceField`) : sa clé,
    ou le champ de `to_field_name`."""
    modele = champ.queryset.model
    return modele._meta.get_field(champ.to_field_name) if champ.to_field_name else modele._meta.pk


# Une liste de choix d'au plus ce nombre se montre entière (liste déroulante, cases à cocher) ;
# au-delà (un programme national compte des centaines de personnes), elle se choisit par une
# recherche.
LISTE_ENTIERE_JUSQU_A = 60

# Une liste trouvée trop longue le reste un moment : pendant `DUREE_D_UNE_LISTE_LONGUE`
# secondes, la page qui la montre ne relit pas ses `LISTE_ENTIERE_JUSQU_A` + 1 premières lignes
# pour le savoir, sous la clé que sa `core.listes.ListeCherchee` donne (`memoire` : ce dont la
# liste dépend, le dispositif, et la personne quand ses droits la font). Seul ce verdict se
# garde, jamais une ligne : une liste qui raccourcit entre-temps se cherche encore un moment,
# sans rien fausser (la valeur reçue est vérifiée contre toute la liste, les suggestions lisent
# la liste du moment) ; une liste courte se relit à chaque fois, puisqu'elle se montre.
DUREE_D_UNE_LISTE_LONGUE = 600
_LISTES_LONGUES = MemoireBornee(taille=2_000)


def _cle_du_verdict(memoire):
    # Le seuil en fait partie : une liste longue à 60 ne l'est pas forcément à un autre seuil.
    return (LISTE_ENTIERE_JUSQU_A, memoire)


def sue_longue(memoire):
    """Vrai si la liste de clé `memoire` a été trouvée trop longue il y a moins de
    `DUREE_D_UNE_LISTE_LONGUE` secondes (jamais pour une liste sans clé : `None` ou vide)."""
    if not memoire:
        return False
    depuis = _LISTES_LONGUES.get(_cle_du_verdict(memoire))
    return depuis is not None and time.monotonic() - depuis < DUREE_D_UNE_LISTE_LONGUE


def premieres_lignes(queryset, memoire):
    """`(lignes, trop_longue)` d'une liste de choix : ses `LISTE_ENTIERE_JUSQU_A` premières
    lignes et si elle en a d'autres, en une requête ; sans requête (aucune ligne, trop longue)
    si elle a été sue trop longue sous sa clé `memoire` il y a peu (`sue_longue`). Une liste
    trouvée trop longue est retenue sous sa clé."""
    if sue_longue(memoire):
        return [], True
    lignes, trop_longue = premiers(queryset, LISTE_ENTIERE_JUSQU_A)
    if trop_longue and memoire:
        _LISTES_LONGUES.garder(_cle_du_verdict(memoire), time.monotonic())
    return lignes, trop_longue


def oublier_les_listes_longues():
    """Oublie tous les verdicts (les tests, qui changent les listes d'un cas à l'autre)."""
    with _LISTES_LONGUES.verrou:
        _LISTES_LONGUES.clear()


SANS_JAVASCRIPT = (
    "Cette liste est trop longue pour être affichée : sa recherche demande JavaScript, "
    "désactivé dans ce navigateur."
)


def _options_choisies(complet, valeurs, vide):
    """Les seules options choisies (`valeurs`, reçues ou initiales), lues par leurs clés ; une
    valeur qui n'a pas la forme d'une clé est ignorée (le champ la refuse à la validation).
    Les lignes que le champ vient de valider pour ces valeurs (`core.selects.ChoixRetenus`) ne
    se relisent pas."""
    champ = complet.field
    cle = champ_de_cle(champ)
    cles = [v for v in valeurs if bornes.cle_valide(cle, v)]
    options = [("", champ.empty_label or "")] if vide else []
    retenus = getattr(champ, "choix_retenus", {})
    if cles and all(str(valeur) in retenus for valeur in cles):
        demandees = {str(valeur) for valeur in cles}
        options += [complet.choice(ligne) for v, ligne in retenus.items() if v in demandees]
    elif cles:
        choisies = champ.queryset.filter(**{f"{cle.name}__in": cles})
        options += [complet.choice(ligne) for ligne in choisies]
    return options


def _attributs_de_recherche(recherche, invite, aucun):
    """Ce que lit `static/js/app.js` : l'adresse des suggestions, l'invite dans la saisie, la
    réponse quand rien ne correspond."""
    return {"data-recherche": recherche, "data-invite": invite, "data-aucun": aucun}


def _avec_la_recherche(html, aide=None):
    """Le `<select>` d'une recherche, suivi de son aide (un texte, ou rien) et de ce qu'il faut
    savoir sans JavaScript."""
    if aide:
        html = format_html('{}<div class="form-text">{}</div>', html, aide)
    return format_html(
        '{}<noscript><p class="small text-danger mb-0">{}</p></noscript>', html, SANS_JAVASCRIPT
    )


class SelectOuRecherche(SelectRapide):
    """Le choix d'une personne (ou d'une ligne) parmi un queryset qui grandit avec le programme,
    décidé au rendu, en une requête d'au plus `LISTE_ENTIERE_JUSQU_A` + 1 lignes : jusque-là,
    la liste entière ; au-delà, le `<select>` ne porte que l'option choisie et
    `static/js/app.js` (Tom Select) propose les autres d'après ce qu'on tape, lues à l'adresse
    `data-recherche` (qui rend `{"resultats": [{"value", "text"}]}`). Rien n'est lu tant que
    le champ n'est pas rendu (un export qui valide les mêmes filtres ne lit pas la liste), ni
    pendant un moment après l'avoir trouvée trop longue quand elle a une clé (`memoire`, voir
    `sue_longue`). Écrit comme `SelectRapide`, sans gabarit par option."""

    def __init__(
        self,
        recherche,
        attrs=None,
        aide=AIDE_RECHERCHE,
        invite=INVITE_RECHERCHE,
        aucun=AUCUN_RESULTAT,
        memoire=None,
    ):
        super().__init__(attrs)
        self.recherche = _attributs_de_recherche(recherche, invite, aucun)
        self.aide = aide
        self.memoire = memoire
        # Vrai quand le formulaire sait déjà la liste trop longue (elle contient une autre
        # liste qu'il a lue et trouvée trop longue) : le rendu ne la relit pas.
        self.longue = False

    def render(self, name, value, attrs=None, renderer=None):
        complet = self.choices
        champ = complet.field
        if self.longue:
            lignes, par_recherche = [], True
        else:
            lignes, par_recherche = premieres_lignes(complet.queryset, self.memoire)
        if par_recherche:
            attrs = {**(attrs or {}), **self.recherche}
            self.choices = _options_choisies(complet, self.format_value(value), vide=True)
        else:
            vide = [] if champ.empty_label is None else [("", champ.empty_label)]
            self.choices = [*vide, *(complet.choice(ligne) for ligne in lignes)]
        try:
            html = super().render(name, value, attrs, renderer)
        finally:
            self.choices = complet
        return _avec_la_recherche(html, self.aide) if par_recherche else html


class SelectMultipleParRecherche(forms.SelectMultiple):
    """Le choix de plusieurs personnes parmi une liste trop longue (`core.forms.
    choix_ou_recherche` a lu qu'elle l'était) : seules les options choisies sont rendues, Tom
    Select propose les autres comme pour `SelectOuRecherche`."""

    def __init__(self, recherche, attrs=None, invite=INVITE_RECHERCHE, aucun=AUCUN_RESULTAT):
        super().__init__(
            attrs={**(attrs or {}), **_attributs_de_recherche(recherche, invite, aucun)}
        )

    def optgroups(self, name, value, attrs=None):
        complet = self.choices
        self.choices = _options_choisies(complet, value, vide=False)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = complet

    def render(self, name, value, attrs=None, renderer=None):
        # L'aide est celle du champ (`help_text`), que le formulaire rend à sa place.
        return _avec_la_recherche(super().render(name, value, attrs, renderer))
