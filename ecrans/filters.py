"""Filtres, recherche et tri de la file active ; filtres du journal d'accès."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.urls import reverse

from core import permissions
from core.bornes import debut_du_jour, verifier_date
from core.enums import Parcours
from core.forms import choix_ou_recherche
from core.listes import (
    ChoixModeleFiltre,
    JeuDeFiltres,
    ListeCherchee,
    champ_de_recherche,
    habiller,
)
from core.models import Dispositif, JournalAudit, Territoire
from core.permissions import Donnee
from core.selects import CSVSelectRapide, listes_rapides
from menages.enums import Problematique, StadeProcedure, StatutOrientation
from menages.selectors import chercher_des_menages

from . import selectors

ECHEANCES = [
    ("a_examiner", "Orientation à examiner"),
    ("en_retard", "Examen en retard (plus de 30 jours)"),
    ("attente_longue", "En attente depuis trop longtemps"),
    ("bilan_a_venir", "Bilan à faire sous 15 jours"),
    ("bilan_en_retard", "Bilan en retard"),
]


def nom_du_referent(user):
    return user.get_full_name()


def personne_du_journal(personne):
    return f"{personne.get_full_name() or personne.email} ({personne.email})"


class FiltresFileActive(JeuDeFiltres):
    q = champ_de_recherche("rechercher", "Nom ou référence locataire")
    dispositif = ChoixModeleFiltre(
        queryset=None, field_name="dispositif", label="Dispositif", empty_label="Tous"
    )
    territoire = ChoixModeleFiltre(
        queryset=None, method="filtrer_territoire", label="Territoire", empty_label="Tous"
    )
    referent = ChoixModeleFiltre(
        queryset=None, method="filtrer_referent", label="Référent·e", empty_label="Tous"
    )
    parcours = django_filters.ChoiceFilter(
        choices=Parcours.choices, field_name="parcours", label="Parcours", empty_label="Tous"
    )
    statut = django_filters.ChoiceFilter(
        choices=StatutOrientation.choices,
        field_name="statut",
        label="Statut de l'orientation",
        empty_label="Tous",
    )
    problematique = django_filters.ChoiceFilter(
        choices=Problematique.choices,
        method="filtrer_problematique",
        label="Problématique",
        empty_label="Toutes",
    )
    procedure = django_filters.ChoiceFilter(
        choices=StadeProcedure.choices,
        method="filtrer_procedure",
        label="Procédure d'expulsion",
        empty_label="Toutes",
    )
    echeance = django_filters.ChoiceFilter(
        choices=ECHEANCES, method="filtrer_echeance", label="Échéance", empty_label="Toutes"
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        widget=CSVSelectRapide,
        empty_label="Nom",
        fields=[
            ("nom", "nom"),
            ("date_orientation", "date"),
            ("statut", "statut"),
            ("territoire_nom", "territoire"),
            ("dette", "dette"),
        ],
        field_labels={
            "nom": "Nom",
            "date": "Date d'orientation",
            "statut": "Statut",
            "territoire": "Territoire",
            "dette": "Dette",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Lus avec les adhésions : les listes des filtres ne font pas de sous-requête de plus.
        dispositifs = permissions.ids_des_dispositifs_ou(user, Donnee.IDENTITE)
        self.filters["dispositif"].queryset = Dispositif.objects.filter(pk__in=dispositifs)
        # La liste montre le nom seul (`Territoire.__str__`).
        self.filters["territoire"].queryset = Territoire.objects.filter(
            dispositif__in=dispositifs
        ).only("nom")
        # Les référent·es : au-delà de `LISTE_ENTIERE_JUSQU_A`, une recherche par le nom.
        referents = selectors.referents_proposes(user)
        self.filters["referent"].queryset = referents
        self.filters["referent"].field.label_from_instance = nom_du_referent
        # Chaque ligne dit alors de quel dispositif est le ménage.
        self.plusieurs_dispositifs = len(dispositifs) > 1
        if not self.plusieurs_dispositifs:
            del self.filters["dispositif"]
        # Navigation : le filtre et le tri sur la dette ne sont proposés qu'à qui la voit
        # quelque part ; sur chaque ligne, ils portent sur la valeur déjà masquée par la
        # requête (`selectors.file_active`), et ne révèlent donc rien d'une ligne masquée.
        if not permissions.ids_des_dispositifs_ou(user, Donnee.DETTE):
            del self.filters["procedure"]
            self.filters["tri"].param_map.pop("dette", None)
            self.filters["tri"].extra["choices"] = [
                choix for choix in self.filters["tri"].extra["choices"] if "dette" not in choix[0]
            ]

        choix_ou_recherche(
            self.form.fields["referent"],
            # Les référent·es que la personne voit : ses droits font la liste.
            ListeCherchee(
                referents,
                memoire=("referents_proposes", *permissions.empreinte_des_droits(user)),
            ),
            f"{reverse('ecrans:referents')}?liste=referent",
            aide=False,
        )
        habiller(self.form)
        # Les autres listes (territoires, stades) sont écrites sans gabarit par option.
        listes_rapides(self.form)

    def rechercher(self, queryset, name, value):
        return chercher_des_menages(queryset, value)

    def filtrer_territoire(self, queryset, name, value):
        # Le territoire du ménage : celui de son logement actuel, ou de son orientation.
        return queryset.filter(territoire=value.pk)

    def filtrer_referent(self, queryset, name, value):
        return selectors.filtrer_par_referent(queryset, value)

    def filtrer_problematique(self, queryset, name, value):
        return selectors.filtrer_par_problematique(queryset, value)

    def filtrer_procedure(self, queryset, name, value):
        # `stade_procedure` vaut NULL sur les lignes où la dette est masquée : elles ne sortent
        # jamais, quel que soit le stade demandé.
        return queryset.filter(stade_procedure=value)

    def filtrer_echeance(self, queryset, name, value):
        return selectors.filtrer_echeances(queryset, value)


class FiltresJournal(JeuDeFiltres):
    """Le journal d'accès d'un dispositif : par personne, par ménage, par action, par période."""

    personne = ChoixModeleFiltre(
        queryset=None,
        to_field_name="public_id",
        method="filtrer_personne",
        label="Personne",
        empty_label="Toutes",
    )
    menage = champ_de_recherche("filtrer_menage", "Ménage (nom ou référence locataire)")
    action = django_filters.ChoiceFilter(
        choices=[
            (valeur, libelle)
            for valeur, libelle in JournalAudit.Action.choices
            if valeur != JournalAudit.Action.PURGE
        ],
        field_name="action",
        label="Action",
        empty_label="Toutes",
    )
    du = django_filters.DateFilter(method="filtrer_du", label="Du", validators=[verifier_date])
    au = django_filters.DateFilter(method="filtrer_au", label="Au", validators=[verifier_date])

    def __init__(self, *args, user, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.dispositif = dispositif
        personnes = selectors.personnes_du_journal(dispositif)
        self.filters["personne"].queryset = personnes
        self.filters["personne"].field.label_from_instance = personne_du_journal
        recherche = reverse("ecrans:personnes_du_journal", args=[dispositif.slug])
        choix_ou_recherche(
            self.form.fields["personne"],
            ListeCherchee(personnes, memoire=("personnes_du_journal", dispositif.pk)),
            f"{recherche}?liste=personne",
            aide=False,
        )
        for nom in ("du", "au"):
            self.form.fields[nom].widget.input_type = "date"
        habiller(self.form)
        listes_rapides(self.form)

    def filtrer_personne(self, queryset, name, value):
        # Une connexion refusée n'a pas de compte : on la retrouve par l'adresse tentée.
        return queryset.filter(Q(user=value) | Q(user__isnull=True, email=value.email))

    def filtrer_menage(self, queryset, name, value):
        if not value.strip():
            return queryset
        menages = selectors.menages_cherches(self.user, self.dispositif, value)
        return queryset.filter(menage_public_id__in=menages.values("public_id"))

    def filtrer_du(self, queryset, name, value):
        return queryset.filter(date__gte=debut_du_jour(value))

    def filtrer_au(self, queryset, name, value):
        return queryset.filter(date__lt=debut_du_jour(value + timedelta(days=1)))
