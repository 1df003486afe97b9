"""Constitue `mots_de_passe_courants_fr.txt.gz`, la liste française des mots de passe courants.

La liste est livrée dans le dépôt ; ce script la refait à l'identique (même ordre, fichier
compressé sans date) quand on l'enrichit :

    .venv/bin/python core/donnees/constituer_mots_de_passe_courants.py

Ordre = rang : les plus fréquents d'abord (zxcvbn estime le nombre d'essais d'après le rang).
Sources : les mots de passe français les plus répandus dans les fuites publiées (écrits ici à la
main), les suites du clavier AZERTY, les prénoms, noms de famille, départements et régions
français et les mots courants du français (listes fr_FR de Faker, licence MIT), des villes et
des clubs. Chaque ligne est en minuscules, sans accent : le validateur normalise de même le mot
de passe essayé (casse, accents, chiffres et signes autour, écriture « l33t »).
"""

import gzip
import unicodedata
from pathlib import Path

from faker.providers.address.fr_FR import Provider as Adresses
from faker.providers.lorem.fr_FR import Provider as Mots
from faker.providers.person.fr_FR import Provider as Personnes

FICHIER = Path(__file__).with_name("mots_de_passe_courants_fr.txt.gz")


def _liste(texte):
    return texte.split()


# Les plus répandus en France, par ordre de fréquence approximatif.
COURANTS = _liste(
    """
123456 azerty 123456789 000000 motdepasse 12345678 1234567890 soleil 123123 doudou loulou
chouchou bonjour marseille azertyuiop nicolas coucou 111111 chocolat jetaime julien camille
princesse football iloveyou celine thomas anthony amour liberte vacances caramel cheval
olivier maison famille bebe bisous tintin mamour papa maman mamie papy titi toto tata tutu
doudoune nounours nounou poupette poupoune chaton minou minette chouquette cocotte
loulou1 pupuce puce nana nini lili lolo zozo kiki mimi momo fifi juju jojo didier
motdepass mot2passe motdepasse1 passe password pass secret secrete confidentiel admin
administrateur utilisateur bienvenue bienvenu salut hello coucou1 allez allezom allezlom
olympique om psg parisiensg lens asse saintetienne bordeaux girondins nantes fcnantes
lyon ol monaco lille losc rennes staderennais toulouse tfc nice ogcnice paris france
marseille13 paris75 lyon69 bretagne corse alsace provence normandie vendee
soleil1 etoile etoiles lune ciel mer ocean plage montagne nature fleur fleurs rose roses
papillon printemps ete automne hiver noel paques janvier fevrier mars avril mai juin
juillet aout septembre octobre novembre decembre lundi mardi mercredi jeudi vendredi
samedi dimanche chien chat lapin tigre lion loup renard ours cheval poney dauphin
chiens chats oiseau poisson tortue hamster licorne dragon panthere jaguar
bonheur bonsoir merci amitie ami amie amis copain copine cherie cheri mon amour
jesus dieu ange anges diable demon paradis enfer miracle
ordinateur internet orange free sfr bouygues wanadoo laposte google facebook
orange1 freebox livebox bbox numericable windows linux
chocolat1 bonbon gateau sucre fraise cerise pomme banane citron vanille caramel1
musique guitare piano danse rock rap reggae chanson cinema
voiture moto velo avion bateau train camion
vacances1 voyage soleil2 jardin maison1 cuisine
azerty1 azerty12 azerty123 azertyui azertyu qwerty qwertz
nicolas1 julien1 thomas1 camille1 sophie marie pierre jean paul jacques michel
stephane sebastien christophe frederic laurent philippe alexandre
jetaime1 jtm jtaime tamo tqm
logement hlm bailleur locataire loyer office habitat social sociale accompagnement
suivi menage menages situation complexe travailleur travailleuse infirmier infirmiere
coordinateur coordinatrice referent referente dispositif programme comite seance
logisens demo demonstration essai test test123 tests bidon toto123 azer qsdf
"""
)

# Rangées et colonnes du clavier AZERTY (et du pavé numérique) dont on tire des suites.
RANGEES = ["azertyuiop", "qsdfghjklm", "wxcvbn", "1234567890", "741852963", "789456123"]
COLONNES = ["aqw", "zsx", "edc", "rfv", "tgb", "yhn", "uj", "ik", "ol", "pm"]

VILLES = _liste(
    """
paris marseille lyon toulouse nice nantes montpellier strasbourg bordeaux lille rennes reims
toulon grenoble dijon angers nimes villeurbanne clermont lehavre aix brest tours amiens
limoges annecy perpignan boulogne metz besancon orleans rouen mulhouse caen nancy argenteuil
montreuil roubaix tourcoing avignon dunkerque poitiers pau calais larochelle cannes antibes
ajaccio bastia chambery valence troyes niort lorient quimper vannes cherbourg lemans laval
colmar belfort bayonne biarritz lourdes tarbes albi rodez cahors auch agen perigueux
angouleme saintes cognac vichy nevers bourges chartres blois beauvais compiegne soissons
charleville sedan verdun epinal vesoul dole macon chalon auxerre sens evry creteil nanterre
versailles vincennes pantin bobigny aubervilliers drancy sarcelles cergy pontoise melun
"""
)


def sans_accent(texte):
    decompose = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in decompose if not unicodedata.combining(c))


def suites_du_clavier():
    suites = []
    for rangee in RANGEES:
        for longueur in range(len(rangee), 3, -1):
            for debut in range(len(rangee) - longueur + 1):
                morceau = rangee[debut : debut + longueur]
                suites += [morceau, morceau[::-1]]
    colonnes = "".join(COLONNES)
    for longueur in range(6, len(colonnes) + 1, 3):
        suites.append(colonnes[:longueur])
    # Deux rangées parcourues ensemble : « azeqsd », « azerqsdf », « azertyqsdfgh »…
    for longueur in range(3, 7):
        suites.append(RANGEES[0][:longueur] + RANGEES[1][:longueur])
        suites.append(RANGEES[0][:longueur] * 2)
    return suites


def mots():
    prenoms = [*Personnes.first_names_female, *Personnes.first_names_male]
    departements = [nom for _numero, nom in Adresses.departments]
    for liste in (
        COURANTS,
        suites_du_clavier(),
        prenoms,
        VILLES,
        Personnes.last_names,
        departements,
        Adresses.regions,
        Mots.word_list,
    ):
        for mot in liste:
            yield sans_accent(mot).replace(" ", "").replace("-", "").replace("'", "")


def constituer():
    vus, lignes = set(), []
    for mot in mots():
        if len(mot) >= 3 and mot not in vus:
            vus.add(mot)
            lignes.append(mot)
    contenu = "\n".join(lignes) + "\n"
    with FICHIER.open("wb") as brut, gzip.GzipFile(fileobj=brut, mode="wb", mtime=0) as fichier:
        fichier.write(contenu.encode())
    return len(lignes)


if __name__ == "__main__":
    print(f"{constituer()} mots écrits dans {FICHIER}")
