"""Les règles des mots de passe (CNIL, délibération 2022-100), en validateurs Django.

Réglées dans `AUTH_PASSWORD_VALIDATORS`, elles s'appliquent partout où un mot de passe est
choisi : changement, réinitialisation, création d'un compte dans l'administration,
`createsuperuser`. La connexion ne les applique pas (un mot de passe déjà posé reste valable
jusqu'à son prochain changement), et les comptes de démonstration sont créés sans elles.

- `MotsDePasseCourantsValidator` : refuse un mot de la liste française des mots de passe courants
  (`core/donnees/mots_de_passe_courants_fr.txt.gz`), même habillé de chiffres, de signes, de
  majuscules, d'accents ou d'écriture « l33t » (« Azertyuiop12 », « M0tdepasse! »).
- `RobustesseValidator` : la règle de la CNIL, « 12 caractères avec complexité, ou un contrôle
  d'entropie ». Le nombre d'essais qu'il faudrait pour le deviner est estimé par zxcvbn (suites du
  clavier, répétitions, dates, mots du dictionnaire, dont la liste française) ; il doit atteindre
  10¹⁰ essais si le mot de passe mêle les quatre types de caractères (minuscules, majuscules,
  chiffres, caractères spéciaux), 10¹² sinon (une phrase de passe de plusieurs mots y parvient).
- `MotDePasseDemoValidator` : hors mode développement, refuse le mot de passe des comptes de
  démonstration (`DEMO_PASSWORD`), connu de tous.
"""

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn
from zxcvbn.matching import add_frequency_lists

LISTE_FRANCAISE = Path(__file__).resolve().parent / "donnees" / "mots_de_passe_courants_fr.txt.gz"
# zxcvbn refuse d'analyser au-delà ; un mot de passe plus long est jugé sur ses 72 premiers
# caractères, ce qui ne peut que le sous-estimer.
LONGUEUR_ANALYSEE = 72
DEMO_PAR_DEFAUT = "demo-logisens"

L33T = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
AUTOUR = re.compile(r"^[\W\d_]+|[\W\d_]+$")
SEPARATEURS = re.compile(r"[\s\-_.]+")


@cache
def mots_de_passe_courants():
    """La liste française, dans l'ordre du fichier (les plus fréquents d'abord)."""
    with gzip.open(LISTE_FRANCAISE, "rt", encoding="utf-8") as fichier:
        return tuple(ligne.strip() for ligne in fichier if ligne.strip())


@cache
def _ensemble_courants():
    return frozenset(mots_de_passe_courants())


@cache
def _zxcvbn_francise():
    # Un dictionnaire de plus pour zxcvbn, à côté de ses listes anglaises : une seule fois.
    add_frequency_lists({"mots_de_passe_courants_fr": list(mots_de_passe_courants())})


def sans_accent(texte):
    decompose = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def formes_de_base(mot_de_passe):
    """Ce que le mot de passe devient sans son habillage : casse, accents, chiffres et signes
    en tête ou en queue, séparateurs, écriture l33t."""
    simple = sans_accent(mot_de_passe)
    formes = {simple, SEPARATEURS.sub("", simple), simple.translate(L33T)}
    for forme in list(formes):
        formes.add(AUTOUR.sub("", forme))
        formes.add(AUTOUR.sub("", forme.translate(L33T)))
    return {forme for forme in formes if forme}


def types_de_caracteres(mot_de_passe):
    """Combien des quatre types (minuscules, majuscules, chiffres, spéciaux) sont présents."""
    return sum(
        (
            any(c.islower() for c in mot_de_passe),
            any(c.isupper() for c in mot_de_passe),
            any(c.isdigit() for c in mot_de_passe),
            any(not c.isalnum() for c in mot_de_passe),
        )
    )


def estimation(mot_de_passe, indices=()):
    """Le résultat de zxcvbn (essais estimés, motifs reconnus), liste française comprise."""
    _zxcvbn_francise()
    return zxcvbn(mot_de_passe[:LONGUEUR_ANALYSEE], user_inputs=[i for i in indices if i])


class MotsDePasseCourantsValidator:
    def validate(self, password, user=None):
        if formes_de_base(password) & _ensemble_courants():
            raise ValidationError(
                "Ce mot de passe est trop courant : il repose sur un mot de la liste des mots "
                "de passe les plus utilisés (mot courant, prénom, ville, suite du clavier…), "
                "même avec des chiffres ou des signes autour.",
                code="mot_de_passe_courant",
            )

    def get_help_text(self):
        return (
            "Il ne doit pas reposer sur un mot de passe courant (« azerty », « motdepasse », "
            "« soleil », un prénom…), même complété de chiffres ou de signes."
        )


# Ce que zxcvbn a reconnu, dit en français pour que la personne sache quoi changer.
MOTIFS = {
    "repeat": "des caractères ou des groupes répétés",
    "sequence": "une suite (« abcd », « 1234 »)",
    "spatial": "une suite de touches voisines du clavier",
    "date": "une date",
    "regex": "une année",
    "dictionary": "un mot du dictionnaire ou un mot de passe connu",
}


class RobustesseValidator:
    def __init__(self, essais_avec_complexite=10, essais_sans_complexite=12):
        # Exposants : 10 ** n essais estimés.
        self.essais_avec_complexite = essais_avec_complexite
        self.essais_sans_complexite = essais_sans_complexite

    def validate(self, password, user=None):
        indices = []
        if user is not None:
            indices = [getattr(user, champ, "") for champ in ("email", "first_name", "last_name")]
            indices += str(getattr(user, "email", "")).split("@")[0].split(".")
        resultat = estimation(password, indices)
        complexe = types_de_caracteres(password) == 4
        seuil = self.essais_avec_complexite if complexe else self.essais_sans_complexite
        if resultat["guesses_log10"] >= seuil:
            return
        motifs = []
        for morceau in resultat["sequence"]:
            motif = MOTIFS.get(morceau["pattern"])
            if motif and motif not in motifs:
                motifs.append(motif)
        raison = f" Il contient {', '.join(motifs)}." if motifs else ""
        raise ValidationError(
            "Ce mot de passe est trop facile à deviner."
            + raison
            + " Choisissez une phrase de passe de plusieurs mots sans lien entre eux, ou "
            "mêlez minuscules, majuscules, chiffres et caractères spéciaux sans suite "
            "prévisible.",
            code="mot_de_passe_previsible",
        )

    def get_help_text(self):
        return (
            "Il doit être difficile à deviner : une phrase de passe de plusieurs mots sans lien "
            "entre eux, ou un mélange de minuscules, majuscules, chiffres et caractères "
            "spéciaux, sans suite du clavier, répétition ni date."
        )


class MotDePasseDemoValidator:
    def validate(self, password, user=None):
        if settings.DEBUG:
            return
        demos = {sans_accent(settings.DEMO_PASSWORD), DEMO_PAR_DEFAUT} - {""}
        simple = sans_accent(password)
        if any(demo in simple for demo in demos):
            raise ValidationError(
                "Ce mot de passe est celui des comptes de démonstration, connu de tous : "
                "il est refusé sur une instance réelle.",
                code="mot_de_passe_demo",
            )

    def get_help_text(self):
        return "Il ne peut pas être le mot de passe des comptes de démonstration."
