"""Écritures du socle : journal d'audit."""

from django.core.exceptions import FieldDoesNotExist

from .models import JournalAudit
from .permissions import roles
from .reseau import adresse_client

# Le ménage est le modèle d'une couche au-dessus : on le reconnaît par son étiquette, sans
# l'importer, et on suit jusqu'à lui les champs qui portent ces noms.
MENAGE = "menages.Menage"
CHAMPS_VERS_LE_MENAGE = ("menage", "accompagnement")


def journaliser(
    user, action, *, dispositif=None, objet=None, detail="", request=None, adresse=None
):
    """Écrit une ligne du journal d'audit (jamais le contenu lu ou exporté).

    `objet` est un modèle dont on garde le type et l'identifiant public ; `detail` décrit
    l'opération (« export CSV de la file active, 42 lignes »), pas les données. Quand l'objet
    se rattache à un ménage (le ménage lui-même, une orientation, un accompagnement, une note…),
    la ligne garde aussi l'identifiant public de ce ménage : la coordination retrouve ainsi qui
    a lu quoi d'un ménage.

    L'adresse du client est lue dans `request` (`core.reseau.adresse_client`) ; sans requête
    (une tâche, une commande), l'appelant peut la donner dans `adresse`.
    """
    menages = _menages_rattaches([objet])
    ligne = _ligne(user, action, dispositif, objet, menages[0], detail, request, adresse)
    ligne.save()
    return ligne


def journaliser_en_lot(user, action, objets_par_dispositif, request=None, menages_connus=()):
    """Une ligne par couple (dispositif, objet), en une seule écriture.

    `menages_connus` : des ménages déjà chargés par l'appelant (la page d'un ménage, d'un
    accompagnement) ; un objet qui mène à l'un d'eux n'a pas à le relire.
    """
    couples = list(objets_par_dispositif)
    menages = _menages_rattaches([objet for _, objet in couples], menages_connus)
    return JournalAudit.objects.bulk_create(
        _ligne(user, action, dispositif, objet, menage, "", request)
        for (dispositif, objet), menage in zip(couples, menages, strict=True)
    )


def _ligne(user, action, dispositif, objet, menage_public_id, detail, request, adresse=None):
    dispositif_id = getattr(dispositif, "pk", dispositif)
    return JournalAudit(
        user=user if user is not None and user.is_authenticated else None,
        email=getattr(user, "email", "") or "",
        roles=",".join(sorted(roles(user, dispositif_id))) if dispositif_id and user else "",
        dispositif_id=dispositif_id,
        action=action,
        objet_type=objet._meta.label if objet is not None else "",
        objet_id=str(getattr(objet, "public_id", getattr(objet, "pk", ""))) if objet else "",
        menage_public_id=menage_public_id,
        detail=detail[:255],
        adresse_ip=_adresse_ip(request) if request is not None else adresse,
    )


def _menages_rattaches(objets, menages_connus=()):
    """L'identifiant public du ménage de chaque objet (ou None), dans l'ordre des objets.

    Ce qui est déjà chargé est lu sans requête ; le reste est lu en une requête par modèle
    (les accompagnements d'un lot de notes, par exemple).
    """
    connus = {menage.pk: menage.public_id for menage in menages_connus}
    reponses = [None] * len(objets)
    a_lire = {}  # modèle lié -> {clé: [rangs]}
    for rang, objet in enumerate(objets):
        connu, modele, cle = _vers_le_menage(objet)
        if connu is None and modele is not None and modele._meta.label == MENAGE:
            connu = connus.get(cle)
        if connu is not None:
            reponses[rang] = connu
        elif modele is not None:
            a_lire.setdefault(modele, {}).setdefault(cle, []).append(rang)
    for modele, rangs_par_cle in a_lire.items():
        champ = "public_id" if modele._meta.label == MENAGE else "menage__public_id"
        for cle, public_id in modele._default_manager.filter(pk__in=rangs_par_cle).values_list(
            "pk", champ
        ):
            for rang in rangs_par_cle[cle]:
                reponses[rang] = public_id
    return reponses


def _vers_le_menage(objet):
    """(identifiant public connu, ou None ; sinon le modèle lié et la clé à lire)."""
    while objet is not None:
        if objet._meta.label == MENAGE:
            return objet.public_id, None, None
        for nom in CHAMPS_VERS_LE_MENAGE:
            try:
                champ = objet._meta.get_field(nom)
            except FieldDoesNotExist:
                continue
            if not (champ.concrete and champ.is_relation):
                continue
            if champ.is_cached(objet):
                objet = getattr(objet, nom)
                break
            cle = getattr(objet, champ.attname)
            return None, (champ.related_model if cle is not None else None), cle
        else:
            return None, None, None
    return None, None, None


def _adresse_ip(request):
    """L'adresse réelle du client, derrière les proxys de confiance (`NOMBRE_DE_PROXYS`)."""
    return adresse_client(request)
