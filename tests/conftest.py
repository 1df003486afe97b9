"""Fixtures partagées par les dossiers de tests.

La démonstration (`seed_demo`) est longue à charger : elle l'est une seule fois par session (et
par jour, ses dates suivant le jour du chargement), par le premier processus de pytest-xdist
qui la demande, dans une transaction annulée ensuite.
Ce passage garde ce qu'il faut pour les tests (la sortie de la commande, un instantané des
tables après chacun des deux passages, les fichiers produits) et un export JSON (celui de
`dumpdata`) que les tests de chaque processus rechargent dans sa base en quelques dixièmes de
seconde (`Demo.recharger`).
"""

import io
import json
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from filelock import FileLock

MOT_DE_PASSE_DEMO = "demo-logisens"


def apps_du_produit():
    """Les apps du dépôt qui ont des modèles (ni Django, ni les bibliothèques)."""
    racine = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(racine)
        and "site-packages" not in Path(config.path).parts
        and list(config.get_models())
    ]


def instantane():
    """Toutes les lignes de toutes les tables du produit, pour comparer deux passages."""
    lignes = {}
    for config in apps_du_produit():
        for modele in config.get_models():
            champs = [f.attname for f in modele._meta.concrete_fields if f.attname != "last_login"]
            lignes[modele._meta.label] = sorted(
                map(repr, modele.objects.order_by("pk").values_list(*champs))
            )
    return lignes


@dataclass(frozen=True)
class Demo:
    sortie: str  # ce que seed_demo affiche au premier passage
    premier: dict  # instantané après le premier passage
    second: dict  # instantané après le second
    fichier: Path  # la démonstration en JSON, pour `loaddata`

    def nombre(self, modele, passage="premier"):
        return len(getattr(self, passage)[modele._meta.label])

    def recharger(self):
        """Remet la démonstration en base : les mêmes lignes, avec les mêmes clés, que
        `loaddata` de l'export, mais par insertions groupées (dix fois plus vite)."""
        lignes, liaisons = defaultdict(list), defaultdict(list)
        with self.fichier.open(encoding="utf-8") as export:
            for deserialise in serializers.deserialize("json", export):
                objet = deserialise.object
                lignes[type(objet)].append(objet)
                for nom, cles in deserialise.m2m_data.items():
                    champ = type(objet)._meta.get_field(nom)
                    liaison = champ.remote_field.through
                    source = liaison._meta.get_field(champ.m2m_field_name()).attname
                    cible = liaison._meta.get_field(champ.m2m_reverse_field_name()).attname
                    liaisons[liaison] += [liaison(**{source: objet.pk, cible: cle}) for cle in cles]
        modeles = [*lignes, *liaisons]
        for modele in modeles:
            # bulk_create date ces champs de l'instant présent, loaddata garde ceux de l'export.
            assert not any(
                getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False)
                for champ in modele._meta.concrete_fields
            ), f"{modele._meta.label} : champ auto_now, à recharger avec loaddata"
        with transaction.atomic():
            for modele, objets in [*lignes.items(), *liaisons.items()]:
                modele._base_manager.bulk_create(objets)
            with connection.cursor() as curseur:
                for requete in connection.ops.sequence_reset_sql(no_style(), modeles):
                    curseur.execute(requete)
            connection.check_constraints(table_names=[m._meta.db_table for m in modeles])


def exporter(fichier):
    """Les lignes des apps du produit en JSON, comme `dumpdata --all` de ces apps (les mêmes
    modèles, dans le même ordre, au même format), mais les liaisons plusieurs-à-plusieurs lues
    d'un coup par modèle (`prefetch_related`) au lieu d'une requête par ligne."""
    modeles = serializers.sort_dependencies(
        [(config, None) for config in apps_du_produit()], allow_cycles=True
    )

    def lignes():
        for modele in modeles:
            if modele._meta.proxy:
                continue
            liaisons = [
                champ.name
                for champ in modele._meta.concrete_model._meta.local_many_to_many
                if champ.remote_field.through._meta.auto_created
            ]
            yield from modele._base_manager.order_by(modele._meta.pk.name).prefetch_related(
                *liaisons
            )

    with fichier.open("w", encoding="utf-8") as sortie:
        serializers.serialize("json", lignes(), stream=sortie)


def _fichiers(racine):
    """{chemin relatif: date de modification} des fichiers sous `racine`."""
    if not racine.exists():
        return {}
    return {
        chemin.relative_to(racine): chemin.stat().st_mtime_ns
        for chemin in racine.rglob("*")
        if chemin.is_file()
    }


def _charger_la_demo(dossier, stockage):
    """Charge la démonstration deux fois (en mode développement, puis avec --force), la décrit
    et l'exporte dans `dossier`, avec une copie des fichiers qu'elle a produits (rapports), puis
    la retire : la base est rendue vide."""
    sortie = io.StringIO()
    avant = _fichiers(stockage)
    with override_settings(DEMO_PASSWORD=MOT_DE_PASSE_DEMO), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=sortie)
        premier = instantane()
        call_command("seed_demo", "--force", stdout=io.StringIO())
        second = instantane()
        exporter(dossier / "demo.json")
        transaction.set_rollback(True)
    for chemin, date in _fichiers(stockage).items():
        if avant.get(chemin) != date:
            (dossier / "fichiers" / chemin).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(stockage / chemin, dossier / "fichiers" / chemin)
    (dossier / "passages.json").write_text(
        json.dumps({"sortie": sortie.getvalue(), "premier": premier, "second": second}),
        encoding="utf-8",
    )


class Demos:
    """La démonstration du jour, chargée une fois par jour de la session : avec pytest-xdist,
    le premier processus qui la demande la charge dans le dossier commun aux processus, sous un
    verrou ; les autres la reprennent de là (l'export, les instantanés, les fichiers produits,
    copiés dans leur propre stockage) au lieu de la charger à leur tour.

    Ses dates suivent le jour du chargement (la séance du COTECH « du jour », les visites de la
    semaine) : une suite qui passe minuit, heure de Paris, recharge celle du nouveau jour au
    lieu de garder celle de la veille.
    """

    def __init__(self, commun, django_db_blocker):
        self.commun = commun
        self.django_db_blocker = django_db_blocker
        self.stockage = Path(default_storage.location)
        self.chargees = {}

    def du_jour(self):
        jour = timezone.localdate()
        if jour not in self.chargees:
            self.chargees[jour] = self._charger(jour)
        return self.chargees[jour]

    def _charger(self, jour):
        dossier = self.commun / f"demo-{jour.isoformat()}"
        with FileLock(self.commun / "demo.verrou"):
            reprise = (dossier / "passages.json").exists()
            if not reprise:
                shutil.rmtree(dossier, ignore_errors=True)
                dossier.mkdir()
                with self.django_db_blocker.unblock():
                    _charger_la_demo(dossier, self.stockage)
        # Les rapports produits sont déjà dans le stockage du processus qui a chargé.
        if reprise and (dossier / "fichiers").exists():
            shutil.copytree(dossier / "fichiers", self.stockage, dirs_exist_ok=True)
        passages = json.loads((dossier / "passages.json").read_text(encoding="utf-8"))
        return Demo(**passages, fichier=dossier / "demo.json")


@pytest.fixture(scope="session")
def demos(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    base = tmp_path_factory.getbasetemp()
    return Demos(base if worker_id == "master" else base.parent, django_db_blocker)


@pytest.fixture(scope="session")
def demo_chargee(demos):
    """La démonstration du jour où la session la demande la première fois (la sortie de
    `seed_demo`, ses instantanés, son export)."""
    return demos.du_jour()


@pytest.fixture(autouse=True)
def _cache_vide():
    """Chaque test part d'un cache vide : les compteurs de la limitation des connexions y sont ;
    et sans liste de choix sue trop longue (`core.widgets.sue_longue`), chaque cas faisant ses
    propres listes."""
    from django.core.cache import cache

    from core.widgets import oublier_les_listes_longues

    cache.clear()
    oublier_les_listes_longues()
    yield
    cache.clear()
    oublier_les_listes_longues()


@pytest.fixture
def postgresql():
    """Pour un cas qui éprouve un mécanisme propre à PostgreSQL, la base de production (un
    trigger, les instructions préparées, les index par trigrammes, les curseurs côté serveur) :
    SQLite ne l'a pas. Ces cas tournent dans la passe PostgreSQL de `.ci/run`, obligatoire, qui
    pose `POSTGRESQL_EXIGE=1` : là, une base qui ne serait pas PostgreSQL les fait échouer au
    lieu de les sauter. Sur SQLite seule (`make test` sur une machine sans PostgreSQL), ils sont
    sautés, en le disant."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("POSTGRESQL_EXIGE") == "1":
        pytest.fail("POSTGRESQL_EXIGE=1 mais la base de test n'est pas PostgreSQL.")
    pytest.skip(
        "SQLite n'a ni le trigger du journal, ni les instructions préparées, ni le chargeur des "
        "dates-heures de psycopg, ni les index par trigrammes, ni les curseurs côté serveur : "
        "ce cas tourne, et échoue au lieu d'être sauté, dans la passe PostgreSQL obligatoire de "
        ".ci/run (POSTGRESQL_EXIGE=1)."
    )
