"""Le geste commun des vues qui écrivent : formulaire → service → message → redirection.

La vue lit la requête, choisit le service et rend sa page ; ce qui se répète d'une vue à l'autre
se fait ici, partout de la même façon :
- le formulaire est validé, puis le service appelé ;
- un refus du service (`ValidationError`) est montré comme une erreur du formulaire ;
- après un succès, un message, puis une redirection (on ne renvoie pas un formulaire en
  rechargeant la page).

Deux formes :
- `traiter_formulaire`, pour une page de formulaire : refusé, le formulaire se réaffiche avec ce
  qui a été saisi et ce qui l'a fait refuser ;
- `traiter_formulaire_integre`, pour un petit formulaire posé dans une autre page (le relevé de
  dette dans la page du ménage) : on revient toujours à cette page, le refus en message.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


@dataclass
class Issue:
    """Ce qu'est devenu un envoi : réussi, avec ce que le service a rendu, ou refusé.

    `refus` est le refus du service ; il reste vide quand le formulaire ne se validait pas.
    """

    reussi: bool
    resultat: object = None
    refus: ValidationError | None = None


def appliquer(form, action):
    """Valide `form` (s'il y en a un), puis appelle `action()`, le service.

    Le refus du service est rendu dans l'issue, sans toucher au formulaire : chaque forme choisit
    où le montrer.
    """
    if form is not None and not form.is_valid():
        return Issue(reussi=False)
    try:
        return Issue(reussi=True, resultat=action())
    except ValidationError as refus:
        return Issue(reussi=False, refus=refus)


def traiter_formulaire(request, form, action, *, succes, redirection):
    """Une page de formulaire : rend la redirection après un succès, sinon None.

    Sur None (premier affichage, formulaire invalide, refus du service), la vue rend sa page avec
    `form`, qui garde la saisie ; le refus du service s'y ajoute comme erreur générale.
    `succes` et `redirection` : voir `_apres_succes`.
    """
    if request.method != "POST":
        return None
    issue = appliquer(form, action)
    if issue.refus is not None:
        form.add_error(None, issue.refus)
    if not issue.reussi:
        return None
    return _apres_succes(request, issue.resultat, succes, redirection)


def traiter_formulaire_integre(
    request, form, action, *, succes, retour, redirection=None, invalide=None
):
    """Un formulaire posé dans une autre page : rend toujours une redirection.

    `retour` est l'adresse de la page qui porte le formulaire : on y revient après un refus, et
    après un succès sauf si `redirection` dit d'aller ailleurs. Le refus devient un message
    d'erreur : celui du service, ou `invalide` quand le formulaire ne se valide pas (par défaut,
    ses propres erreurs). `form` peut manquer pour un geste sans saisie (un bouton).
    """
    issue = appliquer(form, action)
    if issue.reussi:
        return _apres_succes(request, issue.resultat, succes, redirection or retour)
    if issue.refus is not None:
        messages.error(request, " ".join(issue.refus.messages))
    else:
        messages.error(request, invalide or _erreurs(form))
    return redirect(retour)


def _apres_succes(request, resultat, succes, redirection):
    """Écrit le message de succès et redirige.

    `succes` : le texte du message, ou une fonction du résultat du service qui le rend ; un couple
    (niveau, texte) donne un autre niveau que « succès » (`messages.INFO`). `redirection` : une
    adresse (ou un nom d'URL sans paramètre), ou une fonction du résultat qui la rend.
    """
    message = succes(resultat) if callable(succes) else succes
    niveau, texte = message if isinstance(message, tuple) else (messages.SUCCESS, message)
    if texte:
        messages.add_message(request, niveau, texte)
    return redirect(redirection(resultat) if callable(redirection) else redirection)


def _erreurs(form):
    return " ".join(message for erreurs in form.errors.values() for message in erreurs)
