"""Import CSV borné : taille, colonnes, lignes, erreurs rapportées, durée ; en arrière-plan.

Les fichiers hostiles d'un essai d'attaque : un en-tête de 40 000 colonnes (vérifié en temps
quadratique, il occupait un worker 33 s), 80 000 lignes fausses (une page de 23 Mo), un
`nb_adultes` de 5 000 chiffres (une erreur 500). Chacun est maintenant refusé aussitôt, ou
rapporté en 100 erreurs et leur nombre, sans rien écrire.
"""

import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from core.models import JournalAudit
from menages import importation
from menages.enums import EtatImport
from menages.importation import (
    ImportRefuse,
    ImportTropLong,
    Plafonds,
    importer_orientations,
    lire_orientations,
)
from menages.models import Import, Orientation

from .test_import import COLONNES, fichier, ligne, rien_n_est_ecrit

pytestmark = pytest.mark.django_db


def plafonds(**changes):
    return Plafonds(
        **{
            "taille_octets": 5 * 1024 * 1024,
            "colonnes": 100,
            "lignes": 20_000,
            "erreurs_rapportees": 100,
            "duree_secondes": 600,
            **changes,
        }
    )


def refus(contenu, dispositif=None, **options):
    with pytest.raises(ImportRefuse) as refuse:
        importer_orientations(contenu, dispositif or DispositifFactory(), **options)
    return refuse.value


def lignes_fausses(nombre):
    """Un fichier de `nombre` lignes qui ont chacune une erreur (code postal) et une seule."""
    return fichier(*(ligne(reference_locataire=f"L-{n}", code_postal="1") for n in range(nombre)))


# --- Plafonds, vérifiés avant qu'aucune ligne ne soit analysée --------------------------------


def test_un_en_tete_de_40_000_colonnes_est_refuse_aussitot():
    contenu = (";".join(["nom"] * 40_000) + "\n" + ";".join(["x"] * 40_000) + "\n").encode()
    debut = time.monotonic()

    refuse = refus(contenu)

    assert time.monotonic() - debut < 2
    assert [str(erreur) for erreur in refuse.erreurs] == [
        "ligne 1 : 40 000 colonnes : 100 au plus (le format en compte 23)"
    ]


def test_les_colonnes_en_double_se_comptent_en_temps_lineaire():
    """Même sans plafond de colonnes, 40 000 colonnes en double se vérifient en un instant."""
    noms = [f"colonne_{n % 20_000}" for n in range(40_000)]
    contenu = (";".join(noms) + "\n").encode()
    debut = time.monotonic()

    _, erreurs = lire_orientations(
        contenu, DispositifFactory(), plafonds=plafonds(colonnes=100_000)
    )

    assert time.monotonic() - debut < 5  # il en fallait 33 quand chaque nom était recompté
    assert erreurs.total == 40_000 + 20_000 + 9  # inconnues, en double, obligatoires absentes
    assert len(erreurs) == 100


def test_une_colonne_en_double_n_est_signalee_qu_une_fois():
    contenu = fichier(ligne(), colonnes=[*COLONNES, "nom", "Nom", "NOM"])
    assert [str(erreur) for erreur in refus(contenu).erreurs] == [
        "ligne 1, colonne nom : colonne en double"
    ]


def test_un_fichier_trop_volumineux_est_refuse_sans_etre_lu():
    contenu = fichier(ligne()) + b"\n" * (5 * 1024 * 1024)
    assert [str(erreur) for erreur in refus(contenu).erreurs] == [
        "ligne 1 : fichier trop volumineux (5 Mo) : 5 Mo au plus, découpez-le"
    ]


def test_80_000_lignes_sont_refusees_avant_d_etre_analysees():
    contenu = fichier(colonnes=COLONNES) + b"x\n" * 80_000
    debut = time.monotonic()

    refuse = refus(contenu)

    assert time.monotonic() - debut < 10
    assert [str(erreur) for erreur in refuse.erreurs] == [
        "ligne 2 : 80 000 lignes : 20 000 au plus, découpez le fichier"
    ]
    assert rien_n_est_ecrit()


@override_settings(IMPORT_LIGNES_MAX=3, IMPORT_COLONNES_MAX=30, IMPORT_TAILLE_MAX_OCTETS=10_000)
def test_les_plafonds_se_reglent():
    assert "4 lignes : 3 au plus" in str(refus(lignes_fausses(4)).erreurs[0])
    contenu = fichier(ligne(), colonnes=[*COLONNES, *(f"x{n}" for n in range(8))])
    assert "31 colonnes : 30 au plus" in str(refus(contenu).erreurs[0])
    assert "fichier trop volumineux" in str(refus(b"x" * 10_001).erreurs[0])


# --- Les erreurs : les 100 premières et leur nombre ---------------------------------------------


def test_seules_les_100_premieres_erreurs_sont_rapportees_avec_leur_nombre():
    refuse = refus(lignes_fausses(20_000))

    assert len(refuse.erreurs) == 100
    assert str(refuse.erreurs[0]) == "ligne 2, colonne code_postal : 5 chiffres attendus"
    assert str(refuse.erreurs[-1]).startswith("ligne 101, ")
    assert refuse.total == 20_000
    assert str(refuse) == "Import refusé : 20 000 erreurs, rien n'a été enregistré."
    assert refuse.suite == "… et 19 900 autres erreurs"
    assert rien_n_est_ecrit()


def test_toutes_les_erreurs_rapportees_n_ont_pas_de_suite():
    refuse = refus(lignes_fausses(3))
    assert refuse.total == 3
    assert refuse.suite == ""


def test_des_milliers_de_cellules_sans_colonne_font_une_seule_erreur():
    entete, donnees = fichier(ligne()).decode().splitlines()
    contenu = f"{entete}\n{donnees}{';x' * 5000}\n".encode()
    assert [str(erreur) for erreur in refus(contenu).erreurs] == [
        f"ligne 2, colonne n° {len(COLONNES) + 1} : valeur sans nom de colonne (et 4 999 autres)"
    ]


def test_une_valeur_citee_dans_une_erreur_est_coupee():
    erreur = str(refus(fichier(ligne(parcours="x" * 10_000))).erreurs[0])
    assert len(erreur) < 200
    assert "x" * 59 + "…" in erreur


# --- Les valeurs hostiles : une erreur, jamais une exception ----------------------------------


@pytest.mark.parametrize(
    ("colonne", "valeur", "message"),
    [
        ("nb_adultes", "9" * 5000, "99 au plus"),
        ("nb_enfants", "-" + "9" * 5000, "doit être positif ou nul"),
        ("nb_adultes", "0" * 4999 + "3", None),
        ("loyer", "9" * 5000, "montant trop élevé"),
        ("dette_locative", "1e400", "montant invalide"),
        ("date_orientation", "01/01/0001", "date antérieure au 01/01/2000"),
        ("date_orientation", "0001-01-01", "date antérieure au 01/01/2000"),
        ("date_orientation", "31/12/9999", "date dans le futur"),
        ("code_postal", "9" * 5000, "5 chiffres attendus"),
    ],
)
def test_une_valeur_hostile_est_une_erreur_de_la_ligne(colonne, valeur, message):
    fiches, erreurs = lire_orientations(fichier(ligne(**{colonne: valeur})), DispositifFactory())
    if message is None:
        assert erreurs == []
        assert fiches[0].nb_adultes == 3
    else:
        assert [str(erreur) for erreur in erreurs] == [f"ligne 2, colonne {colonne} : {message}"]


def test_une_cellule_plus_longue_que_ce_que_lit_le_module_csv_est_une_erreur():
    contenu = fichier(ligne(description="x" * 200_000))
    assert [str(erreur) for erreur in refus(contenu).erreurs] == [
        "ligne 2 : ligne CSV mal formée (cellule trop longue)"
    ]


# --- L'échéance, vérifiée par l'import lui-même -----------------------------------------------


class Horloge:
    """Une horloge qui avance de `pas` secondes à chaque lecture."""

    def __init__(self, pas):
        self.pas = pas
        self.instant = 0.0

    def __call__(self):
        self.instant += self.pas
        return self.instant


def test_l_import_s_arrete_a_son_echeance_pendant_la_verification():
    contenu = fichier(*(ligne(reference_locataire=f"L-{n}") for n in range(20)))

    refuse = refus(contenu, horloge=Horloge(pas=60), plafonds=plafonds(duree_secondes=600))

    assert isinstance(refuse, ImportTropLong)
    assert str(refuse) == (
        "Import interrompu au bout de 600 secondes : rien n'a été enregistré. "
        "Découpez le fichier en plusieurs."
    )
    # L'horloge lue au départ (60 s), puis avant chaque ligne : la ligne 12 passe 660 s.
    assert [str(erreur) for erreur in refuse.erreurs] == [
        "ligne 12 : import interrompu : il dépassait 600 secondes ; "
        "découpez le fichier en plusieurs"
    ]
    assert rien_n_est_ecrit()


def test_l_import_s_arrete_a_son_echeance_pendant_l_enregistrement_sans_rien_garder():
    contenu = fichier(*(ligne(reference_locataire=f"L-{n}") for n in range(10)))
    # Échéance à 1 + 15 s ; 10 lectures pendant la vérification (2 à 11 s), puis une par ligne
    # enregistrée : les lignes 2 à 6 sont écrites, la ligne 7 (17 s) arrête tout.
    refuse = refus(contenu, horloge=Horloge(pas=1), plafonds=plafonds(duree_secondes=15))

    assert isinstance(refuse, ImportTropLong)
    assert refuse.erreurs[0].ligne == 7
    assert rien_n_est_ecrit()
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).exists()


def test_la_progression_est_annoncee_pendant_la_verification_puis_avant_l_enregistrement():
    etapes = []
    contenu = fichier(*(ligne(reference_locataire=f"L-{n}") for n in range(450)))

    importer_orientations(
        contenu, DispositifFactory(), progression=lambda *etape: etapes.append(etape)
    )

    assert etapes == [
        ("verification", 0, 450),
        ("verification", 200, 450),
        ("verification", 400, 450),
        ("enregistrement", 0, 450),
    ]


# --- La commande, au premier plan -------------------------------------------------------------


def test_la_commande_rapporte_les_100_premieres_erreurs_et_leur_nombre(tmp_path):
    DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(lignes_fausses(250))
    sortie = io.StringIO()

    with pytest.raises(CommandError, match="Import refusé : 250 erreurs, rien n'a été enregistré."):
        call_command("import_orientations", str(chemin), "--dispositif", "cantal", stderr=sortie)

    lignes = sortie.getvalue().splitlines()
    assert len(lignes) == 101
    assert lignes[0] == "ligne 2, colonne code_postal : 5 chiffres attendus"
    assert lignes[-1] == "… et 150 autres erreurs"
    assert rien_n_est_ecrit()


def test_la_commande_accepte_un_nb_adultes_de_5000_chiffres_comme_une_erreur(tmp_path):
    DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne(nb_adultes="9" * 5000)))
    sortie = io.StringIO()

    with pytest.raises(CommandError, match="Import refusé : 1 erreur"):
        call_command("import_orientations", str(chemin), "--dispositif", "cantal", stderr=sortie)

    assert sortie.getvalue().strip() == "ligne 2, colonne nb_adultes : 99 au plus"


@override_settings(IMPORT_TAILLE_MAX_OCTETS=100)
def test_la_commande_refuse_un_fichier_trop_gros_sans_le_lire(tmp_path):
    DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne(), ligne(reference_locataire="L-2")))
    with pytest.raises(CommandError, match="Fichier trop volumineux"):
        call_command("import_orientations", str(chemin), "--dispositif", "cantal")


# --- La page : l'import en arrière-plan -------------------------------------------------------


def csv_envoye(contenu, nom="orientations.csv"):
    return SimpleUploadedFile(nom, contenu, "text/csv")


def connecte(client, role=Role.COORDINATEUR):
    membre = MembreFactory(role=role)
    client.force_login(membre.user)
    return membre


def url_import(dispositif):
    return reverse("menages:importer_dans", args=[dispositif.slug])


def test_la_page_garde_le_fichier_dans_le_stockage_prive_et_met_l_import_en_file(client, settings):
    membre = connecte(client)

    # Sans exécuter la tâche (elle part à la validation de la transaction).
    reponse = client.post(
        url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()), "Dupont.csv")}
    )

    demande = Import.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == reverse("menages:import_etat", args=[demande.public_id])
    assert demande.etat == EtatImport.EN_ATTENTE
    assert demande.demande_par == membre.user
    assert demande.nom_du_fichier == "Dupont.csv"
    chemin = Path(demande.fichier.path)
    assert chemin.parent == Path(settings.VAR_DIR) / "prive" / "imports"
    assert "Dupont" not in chemin.name
    assert chemin.read_bytes() == fichier(ligne())
    assert not Orientation.objects.exists()
    demande.fichier.delete()


def test_la_tache_importe_efface_le_fichier_et_note_le_resultat(
    client, django_capture_on_commit_callbacks, settings
):
    membre = connecte(client)
    dossier = Path(settings.VAR_DIR) / "prive" / "imports"
    avant = set(dossier.iterdir()) if dossier.exists() else set()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()))})

    demande = Import.objects.get()
    assert demande.etat == EtatImport.TERMINE
    assert demande.resume == (
        "Import terminé. 1 ligne lue : 1 ménage créé, 1 orientation créée, 0 déjà présentes."
    )
    assert (demande.lignes_faites, demande.lignes_total) == (1, 1)
    assert demande.termine_le is not None
    assert not demande.fichier
    assert set(dossier.iterdir()) == avant
    assert Orientation.objects.get().orientee_par == membre.user


def test_la_page_de_l_import_refuse_montre_100_erreurs_et_leur_nombre(
    client, django_capture_on_commit_callbacks
):
    membre = connecte(client)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url_import(membre.dispositif), {"fichier": csv_envoye(lignes_fausses(1000))}
        )

    page = client.get(reponse.url).content.decode()

    assert "Import refusé : 1 000 erreurs, rien n&#x27;a été enregistré." in page
    assert page.count("<tr><td>") == 100
    assert "… et 900 autres erreurs" in page
    assert len(page) < 60_000
    assert 'hx-get="' not in page  # fini : la page ne s'interroge plus
    assert rien_n_est_ecrit()


def test_la_page_d_un_import_en_cours_se_met_a_jour_seule(client):
    membre = connecte(client)
    demande = Import.objects.create(
        dispositif=membre.dispositif,
        demande_par=membre.user,
        etat=EtatImport.VERIFICATION,
        lignes_faites=200,
        lignes_total=450,
    )
    adresse = reverse("menages:import_etat", args=[demande.public_id])

    page = client.get(adresse).content.decode()
    bloc = client.get(adresse, headers={"HX-Request": "true"}).content.decode()

    assert "Vérification du fichier : ligne 200 sur 450" in page
    assert '<progress class="w-100" max="450" value="200">' in page
    assert bloc.startswith('<div id="etat-import"')
    assert f'hx-get="{adresse}" hx-trigger="every 2s"' in bloc
    assert "<html" not in bloc


def test_seule_la_personne_qui_a_importe_voit_son_import(client):
    membre = connecte(client)
    demande = Import.objects.create(dispositif=membre.dispositif, demande_par=membre.user)
    collegue = MembreFactory(dispositif=membre.dispositif, role=Role.COORDINATEUR).user
    client.force_login(collegue)
    assert client.get(reverse("menages:import_etat", args=[demande.public_id])).status_code == 404


def test_la_tache_reverifie_les_droits(client, django_capture_on_commit_callbacks):
    membre = connecte(client)
    with django_capture_on_commit_callbacks() as rappels:
        client.post(url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()))})
    membre.role = Role.TRAVAILLEUR_SOCIAL  # le droit d'importer est retiré avant la tâche
    membre.save()

    for rappel in rappels:
        rappel()

    demande = Import.objects.get()
    assert demande.etat == EtatImport.REFUSE
    assert demande.resume == "Vous ne pouvez pas importer d'orientations dans ce dispositif."
    assert not demande.fichier
    assert rien_n_est_ecrit()


def test_une_erreur_inattendue_devient_un_echec_visible(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    membre = connecte(client)

    def en_panne(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(importation, "orienter_menage", en_panne)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()))}
        )

    demande = Import.objects.get()
    assert demande.etat == EtatImport.ECHEC
    assert "rien n'a été enregistré" in demande.resume
    assert "disque plein" not in client.get(reponse.url).content.decode()
    assert rien_n_est_ecrit()


def test_une_tache_deja_prise_ne_se_refait_pas(client, django_capture_on_commit_callbacks):
    membre = connecte(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()))})
    demande = Import.objects.get()

    assert importation.executer_import(demande.pk) == EtatImport.TERMINE
    assert Orientation.objects.count() == 1


@override_settings(IMPORT_TAILLE_MAX_OCTETS=100)
def test_la_page_refuse_un_fichier_trop_gros_sans_le_garder(client):
    membre = connecte(client)
    reponse = client.post(
        url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne(), ligne()))}
    )
    assert reponse.status_code == 200
    assert "Le fichier dépasse 1 Mo : découpez-le." in reponse.content.decode()
    assert not Import.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COPIL])
def test_qui_n_importe_pas_ne_lance_aucun_import(client, role):
    membre = connecte(client, role)
    reponse = client.post(url_import(membre.dispositif), {"fichier": csv_envoye(fichier(ligne()))})
    assert reponse.status_code == 403
    assert not Import.objects.exists()


@pytest.mark.parametrize("nombre", [1, 7])
def test_la_page_d_import_liste_les_derniers_imports_en_une_requete(
    client, django_assert_num_queries, nombre
):
    membre = connecte(client)
    for _ in range(nombre):
        Import.objects.create(dispositif=membre.dispositif, demande_par=membre.user)

    with django_assert_num_queries(REQUETES_DE_LA_PAGE_D_IMPORT):
        page = client.get(url_import(membre.dispositif)).content.decode()

    assert page.count('<li><a href="/orientations/imports/') == min(nombre, 5)


# Session, personne, rôles, dispositif, derniers imports.
REQUETES_DE_LA_PAGE_D_IMPORT = 5


def test_la_page_rapporte_un_nb_adultes_de_5000_chiffres_comme_une_erreur(
    client, django_capture_on_commit_callbacks
):
    membre = connecte(client)
    contenu = csv_envoye(fichier(ligne(nb_adultes="9" * 5000)))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url_import(membre.dispositif), {"fichier": contenu})

    page = client.get(reponse.url)

    assert page.status_code == 200
    assert Import.objects.get().etat == EtatImport.REFUSE
    assert "<td><code>nb_adultes</code></td><td>99 au plus</td>" in page.content.decode()
    assert rien_n_est_ecrit()


def test_un_import_arrete_en_route_ne_tourne_pas_sans_fin(client):
    """Un worker arrêté (ou un serveur qui coupe la requête d'une tâche sur place) laisse
    l'import « en cours » : passé sa durée maximale et une marge, la page le dit interrompu."""
    membre = connecte(client)
    demande = Import.objects.create(
        dispositif=membre.dispositif,
        demande_par=membre.user,
        etat=EtatImport.ENREGISTREMENT,
        commence_le=timezone.now() - timedelta(seconds=600) - timedelta(minutes=6),
    )
    page = client.get(reverse("menages:import_etat", args=[demande.public_id])).content.decode()

    assert "Import interrompu : son traitement s'est arrêté en route." in page
    assert "hx-get" not in page
    demande.commence_le = timezone.now() - timedelta(minutes=14)
    demande.save()
    page = client.get(reverse("menages:import_etat", args=[demande.public_id])).content.decode()
    assert "hx-get" in page
