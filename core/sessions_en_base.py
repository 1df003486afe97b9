"""Les sessions en base (`SESSION_ENGINE`), lues par une requête compilée une fois par processus.

Le moteur de Django (`django.contrib.sessions.backends.db`) construit et compile à chaque page la
même requête de lecture de la session, ce qui coûte plus que de l'exécuter : environ 0,35 ms de
CPU par page. Celui-ci ne change que cette lecture (`core.requetes_preparees`) : la même table,
les mêmes données signées, et tout le reste hérité (écriture, rotation de la clé, fin,
`clearsessions`). Une session échue se lit comme absente, comme chez Django ; l'échéance se
compare à l'heure du serveur d'application au lieu d'être un paramètre de la requête, pour que
celle-ci ne dépende que de la clé.

Une clé reçue qui n'a pas la forme de celles que Django crée (32 lettres minuscules et chiffres ;
la colonne en tient 40) ne nomme aucune session : elle n'est pas cherchée en base. Un cookie
hostile (un octet nul, que PostgreSQL refuse dans un texte, 5 000 caractères) se lit comme une
session absente au lieu de faire échouer la page.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.utils import timezone

from .requetes_preparees import RequetePreparee


def _session(cle):
    return Session.objects.filter(session_key=cle).values_list("session_data", "expire_date")


# Le témoin n'est la clé d'aucune session : Django n'en crée que de 32 lettres et chiffres.
_SESSION = RequetePreparee(_session, cle="temoin-d-une-cle-de-session")
_CARACTERES_D_UNE_CLE = frozenset(VALID_KEY_CHARS)


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key):
        return (
            isinstance(key, str) and 8 <= len(key) <= 40 and _CARACTERES_D_UNE_CLE.issuperset(key)
        )

    def load(self):
        lignes = _SESSION.lignes(cle=self.session_key) if self.session_key else []
        if lignes:
            donnees, echeance = lignes[0]
            if echeance > timezone.now():
                return self.decode(donnees)
        # Absente ou échue : une nouvelle clé sera créée à l'écriture, comme chez Django.
        self._session_key = None
        return {}
