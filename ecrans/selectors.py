"""Lectures des écrans qui croisent les parties du suivi : la file active, la chronologie et le
journal d'accès.

Chaque morceau vient de l'app qui en a la règle (ménages, accompagnement, comités), toujours au
travers de `core.permissions` ; ici on l'assemble pour une page.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import Case, Count, Exists, F, FilteredRelation, OuterRef, Q, When
from django.utils import timezone

from accompagnement import expressions as accompagnement
from accompagnement import selectors as selectors_accompagnement
from comites import selectors as selectors_comites
from core import permissions
from core.bornes import debut_du_jour
from core.listes import PageSansCompte
from core.models import Dispositif, JournalAudit, Membre, User
from core.permissions import Action, Donnee
from menages import selectors as selectors_menages
from menages.enums import STATUTS_EN_COURS_D_EXAMEN, StatutOrientation
from menages.models import Menage, ProblematiqueOrientation
from menages.selectors import CHEMINS_MENAGE

# --- La file active -------------------------------------------------------------------------

# La file active est la liste de travail des équipes et des comités : l'agent du bailleur suit
# ses propres orientations ailleurs (« Mes orientations »), le prescripteur celles de sa
# structure aussi. Ces orientations ne font donc pas entrer une ligne dans la liste ; mais sur
# une ligne qui y est (par son équipe, son comité), tous ses rôles comptent pour ce qu'elle en
# voit (`CHEMINS_MENAGE`).
CHEMINS_FILE_ACTIVE = replace(CHEMINS_MENAGE, orientes=None, organisation=None)

DELAI_EXAMEN = timedelta(days=30)

# L'ordre de la file active quand la personne n'en choisit pas : par nom, puis prénom ; la clé
# départage les homonymes, pour qu'une ligne ne change pas de page d'une requête à l'autre.
ORDRE_PAR_DEFAUT = ("nom", "prenom")


def dans_l_ordre(menages):
    """La file active dans l'ordre choisi (celui du filtre « Trier par »), sinon l'ordre par
    défaut, toujours départagé par la clé : c'est sur cet ordre complet que se fait la
    pagination par les clés, et l'export suit le même."""
    return menages.order_by(*(menages.query.order_by or ORDRE_PAR_DEFAUT), "pk")


def _si_visible(valeur, dette_partout):
    """La valeur sur les lignes où la personne voit la dette ; ailleurs NULL, dans la requête
    même : trier ou filtrer dessus ne révèle rien (une ligne masquée trie comme une valeur
    inconnue, et aucun filtre sur la procédure ne la retient).

    `dette_partout` : la condition qui ouvre la dette est celle-là même qui fait entrer une
    ligne dans la file ; chaque ligne la montre donc, et la colonne se lit telle quelle (un tri
    par dette suit alors son index)."""
    if dette_partout:
        return valeur
    return Case(When(voit_dette=True, then=valeur), default=None)


@dataclass(frozen=True)
class DecisionTransmise:
    """Une décision du comité telle que la lit la structure qui a orienté le ménage."""

    decision: object
    nouvelle: bool


def decisions_pour_le_prescripteur(user, vues_le):
    """Les décisions sur les orientations des structures de la personne ; `vues_le` : {id du
    dispositif: moment de sa lecture précédente ou None}. Nouvelle = prise depuis."""
    return [
        DecisionTransmise(
            decision,
            vues_le.get(decision.menage.dispositif_id) is None
            or decision.cree_le > vues_le[decision.menage.dispositif_id],
        )
        for decision in selectors_comites.decisions_pour_mes_structures(user)
    ]


def file_active(user):
    """Les ménages de la file active que la personne peut voir, avec leur situation du jour.

    Chaque ligne porte sa dernière orientation (date, parcours, statut), son territoire, et,
    là où la personne voit la dette *sur cette ligne* (`voit_dette`), sa procédure et sa
    dernière dette connue ; ailleurs elles valent None. Le nombre de requêtes ne dépend pas du
    nombre de ménages.

    Tout se lit sur le ménage et sa dernière orientation (une jointure par la clé que porte le
    ménage, `Menage.derniere_orientation`), sans sous-requête par ligne : la date, le statut et
    la dette, que la file trie et filtre, sont des colonnes du ménage, sous index
    `(dispositif, colonne, id)`.
    """
    menages = permissions.filtrer(user, Menage.objects.all(), Donnee.IDENTITE, CHEMINS_FILE_ACTIVE)
    menages = permissions.annoter(
        user,
        menages,
        CHEMINS_MENAGE,
        filtre=Donnee.IDENTITE,
        chemins_du_filtre=CHEMINS_FILE_ACTIVE,
        voit_dette=Donnee.DETTE,
    )
    # La dette se voit sur toute ligne de la file quand sa condition est celle de la file (la
    # coordination d'un dispositif, un travailleur social par son équipe, un membre du COTECH
    # par l'ordre du jour) : `annoter` l'a décidé ; sinon, ou dans le doute, elle est masquée
    # ligne à ligne (`_si_visible`).
    dette_partout = permissions.toujours_vrai(menages, "voit_dette")
    return (
        menages.select_related("dispositif")
        .annotate(
            date_orientation=F("date_derniere_orientation"),
            parcours=F("derniere_orientation__parcours"),
            statut=F("statut_derniere_orientation"),
            date_statut=F("derniere_orientation__date_statut"),
            stade_procedure=_si_visible(F("derniere_orientation__stade_procedure"), dette_partout),
            territoire_nom=F("territoire__nom"),
            dette=_si_visible(F("derniere_dette"), dette_partout),
        )
        .annotate(
            attente_longue=Case(When(attente_trop_longue(), then=True), default=False),
        )
    )


def lignes_de_la_file_active(user, ids):
    """Les ménages `ids` de la file active avec leur situation du jour (`core.listes.
    page_par_les_cles` les remet dans l'ordre de la page) : une requête pour une page, quelle que
    soit sa profondeur (la dernière orientation se lit par la clé que porte le ménage, en
    jointure). Les champs sont ceux de `file_active` : la procédure et la dette valent None là
    où la personne ne voit pas la dette."""
    return avec_commune(file_active(user).filter(pk__in=ids))


def avec_commune(menages):
    """Ajoute à chaque ménage la commune de son logement actuel (`commune`), en jointure (un
    logement actuel au plus par ménage). À part de `file_active` : ni tri ni filtre ne s'en
    servent, et la requête des clés n'a pas à joindre les logements."""
    return menages.alias(
        logement_actuel=FilteredRelation("logements", condition=Q(logements__actuel=True))
    ).annotate(commune=F("logement_actuel__commune"))


def decompte_par_dispositif(menages):
    """(nombre de ménages, dispositifs concernés) d'une file active filtrée, en une requête
    simple (un `COUNT` groupé par dispositif, sans la situation du jour de chaque ligne)."""
    par_dispositif = dict(menages.order_by().values_list("dispositif").annotate(nombre=Count("pk")))
    return sum(par_dispositif.values()), list(
        Dispositif.objects.filter(pk__in=par_dispositif).order_by("pk")
    )


def attente_trop_longue():
    """La dernière orientation est « en attente » depuis plus que le délai réglé
    (`DELAI_ORIENTATION_EN_ATTENTE_JOURS`)."""
    return Q(
        statut=StatutOrientation.EN_ATTENTE,
        date_statut__lt=selectors_menages.limite_attente(),
    )


def filtrer_par_problematique(menages, code):
    problematiques = ProblematiqueOrientation.objects.filter(
        orientation__menage=OuterRef("pk"), code=code
    )
    return menages.filter(Exists(problematiques))


def filtrer_par_referent(menages, referent):
    """Les ménages dont un accompagnement ouvert a ce ou cette référent·e."""
    return menages.filter(accompagnement.suivi_par(referent))


def filtrer_echeances(menages, echeance):
    """Ce qui est dû ou en retard.

    - « à examiner » : la dernière orientation attend l'examen du comité ; « en retard » : depuis
      plus de 30 jours ;
    - « bilan à venir » : un bilan non fait prévu d'ici 15 jours ; « bilan en retard » : un
      bilan non fait dont la date est passée (accompagnements ouverts ou en suivi post-clôture).
    """
    en_examen = Q(statut__in=STATUTS_EN_COURS_D_EXAMEN)
    if echeance == "a_examiner":
        return menages.filter(en_examen)
    if echeance == "en_retard":
        return menages.filter(en_examen, date_orientation__lt=timezone.localdate() - DELAI_EXAMEN)
    if echeance == "attente_longue":
        return menages.filter(attente_trop_longue())
    if echeance == "bilan_a_venir":
        return menages.filter(accompagnement.bilan_a_venir(jours=15))
    if echeance == "bilan_en_retard":
        return menages.filter(accompagnement.bilan_en_retard())
    return menages


# --- La chronologie du ménage ---------------------------------------------------------------


@dataclass
class Evenement:
    """Un élément de la chronologie d'un ménage."""

    date: date
    moment: datetime
    nature: str
    titre: str
    detail: str = ""
    objet: object = None


# Une page de la chronologie : les événements les plus récents d'abord, par pages de cette
# taille (lien « Événements plus anciens »). Un ménage suivi des années ne fait jamais une page
# de plusieurs centaines d'interventions ; 25 tiennent quelques écrans de téléphone (des mois
# de visites hebdomadaires), et chaque événement de moins est lu et rendu en moins.
EVENEMENTS_PAR_PAGE = 25


def chronologie(
    user, menage, *, orientations, dettes, episodes, page=1, par_page=EVENEMENTS_PAR_PAGE
):
    """Ce qui est arrivé au ménage, du plus récent au plus ancien, filtré pour la personne : la
    page `page` (`core.listes.PageSansCompte`, `par_page` événements).

    `orientations` et `dettes` viennent des sélecteurs des ménages, `episodes` (les
    accompagnements dont la personne voit le plan, avec leur clôture) de
    `accompagnement.selectors.accompagnements_du_menage`, tous déjà filtrés ; les
    interventions, bilans et décisions de comité viennent des sélecteurs de leur app, filtrés
    pour la personne. Les
    interventions, seules nombreuses, ne sont lues que jusqu'à la fin de la page demandée (les
    plus récentes d'abord, par l'index du ménage et de la date) : le coût suit la page, pas
    l'ancienneté du suivi. Les notes « soignants » montrées se
    journalisent par `accompagnement.services.journaliser_lectures`.
    """
    borne = page * par_page
    evenements = [
        Evenement(
            o.date_orientation,
            debut_du_jour(o.date_orientation),
            "orientation",
            f"Orientation ({o.get_parcours_display().lower()}) : {o.get_statut_display().lower()}",
            o.get_source_display(),
            o,
        )
        for o in orientations
    ]
    evenements += [
        Evenement(d.date, debut_du_jour(d.date), "dette", "Dette locative", "", d)
        for d in dettes or []
    ]
    evenements += [
        Evenement(
            i.date_information,
            debut_du_jour(i.date_information),
            "information",
            "Ménage informé du partage de ses informations",
            "S'oppose au partage : les notes restent dans la profession de leur auteur."
            if i.opposition
            else "Ne s'oppose pas au partage.",
            i,
        )
        for i in selectors_menages.informations_du_menage(user, menage)
    ]
    evenements += [
        Evenement(
            timezone.localtime(i.date_heure).date(),
            i.date_heure,
            "intervention",
            i.get_type_display(),
            i.note,
            i,
        )
        # Une de plus que la fin de la page : on sait ainsi s'il reste des événements après.
        for i in selectors_accompagnement.interventions_du_menage(user, menage).order_by(
            "-date_heure", "-pk"
        )[: borne + 1]
    ]
    evenements += [
        Evenement(
            b.date_realisation,
            debut_du_jour(b.date_realisation),
            "bilan",
            b.get_type_display(),
            b.synthese,
            b,
        )
        for b in selectors_accompagnement.bilans_faits_du_menage(user, menage)
    ]
    evenements += [
        Evenement(
            timezone.localtime(d.seance.date).date(),
            d.seance.date,
            "decision",
            d.get_type_display(),
            d.motifs,
            d,
        )
        for d in selectors_comites.decisions_du_menage(user, menage)
    ]
    for episode in episodes:
        evenements.append(
            Evenement(
                episode.date_debut,
                debut_du_jour(episode.date_debut),
                "accompagnement",
                "Début de l'accompagnement",
                "",
                episode,
            )
        )
        cloture = getattr(episode, "cloture", None)
        if cloture is not None:
            evenements.append(
                Evenement(
                    cloture.date,
                    debut_du_jour(cloture.date),
                    "cloture",
                    "Clôture : " + cloture.get_motif_display().lower(),
                    cloture.commentaire,
                    cloture,
                )
            )
    evenements.sort(key=lambda e: e.moment, reverse=True)
    return PageSansCompte(
        evenements[borne - par_page : borne], numero=page, a_suivante=len(evenements) > borne
    )


# --- Le journal d'accès ---------------------------------------------------------------------

# Une connexion n'appartient à aucun dispositif : la coordination voit celles de ses membres.
CONNEXIONS = (JournalAudit.Action.CONNEXION, JournalAudit.Action.CONNEXION_ECHOUEE)


def journal_du_dispositif(user, dispositif):
    """Le journal d'audit d'un dispositif, pour sa coordination ; rien pour les autres rôles.

    Ce qui s'est fait dans le dispositif (lectures de notes « soignants », exports,
    téléchargements de rapports, imports) et les connexions de ses membres, du plus récent au
    plus ancien. Le journal ne garde jamais le contenu lu : une note n'y paraît que par son
    type, son identifiant et son ménage.
    """
    if not permissions.peut(user, Action.CONSULTER_JOURNAL, dispositif):
        return JournalAudit.objects.none()
    membres = Membre.objects.filter(dispositif=dispositif).values("user__email")
    return (
        JournalAudit.objects.filter(
            Q(dispositif=dispositif)
            | Q(dispositif__isnull=True, action__in=CONNEXIONS, email__in=membres)
        )
        .select_related("user")
        .order_by("-date", "-pk")
    )


def personnes_du_journal(dispositif):
    """Les personnes qu'on peut chercher dans le journal : les membres, d'hier et d'aujourd'hui."""
    return User.objects.filter(
        pk__in=Membre.objects.filter(dispositif=dispositif).values("user_id")
    ).order_by("last_name", "first_name", "email")


def menages_cherches(user, dispositif, texte):
    """Les ménages visibles du dispositif dont le nom, le prénom, la référence locataire ou
    l'identifiant public répondent à `texte`."""
    menages = selectors_menages.menages_visibles(user).filter(dispositif=dispositif)
    texte = texte.strip()
    try:
        return menages.filter(public_id=uuid.UUID(texte))
    except ValueError:
        pass
    for mot in texte.split():
        menages = menages.filter(
            Q(nom__icontains=mot) | Q(prenom__icontains=mot) | Q(reference_locataire__icontains=mot)
        )
    return menages


def nommer_les_menages(user, lignes):
    """Pose sur chaque ligne `menage` : le ménage si la personne peut le voir, sinon None.

    Une requête pour toute la page, quel que soit le nombre de lignes.
    """
    public_ids = {ligne.menage_public_id for ligne in lignes if ligne.menage_public_id}
    menages = (
        {
            menage.public_id: menage
            for menage in selectors_menages.menages_visibles(user).filter(public_id__in=public_ids)
        }
        if public_ids
        else {}
    )
    for ligne in lignes:
        ligne.menage = menages.get(ligne.menage_public_id)
    return lignes


def referents_proposes(user):
    """Les référent·es du filtre de la file active : ceux des accompagnements que la personne
    voit (une équipe : ses collègues de ces ménages ; la coordination nationale : des centaines
    de noms), par nom."""
    dispositifs = permissions.ids_des_dispositifs_ou(user, Donnee.IDENTITE)
    return (
        User.objects.filter(
            pk__in=selectors_accompagnement.accompagnements_visibles(user)
            .filter(dispositif__in=dispositifs)
            .values("referent_id")
        )
        .order_by("last_name", "first_name")
        .only("pk", "first_name", "last_name")
    )
