"""Import CSV des orientations : format, erreurs ligne par ligne, tout ou rien, commande."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.enums import Parcours, Role
from core.factories import CommuneFactory, DispositifFactory, MembreFactory, TerritoireFactory
from core.models import JournalAudit
from menages import importation
from menages.enums import Composition, Problematique, Source, StadeProcedure, Typologie
from menages.importation import ImportRefuse, importer_orientations, lire_orientations
from menages.models import (
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    ProblematiqueOrientation,
)
from menages.services import FicheOrientation, orienter_menage

pytestmark = pytest.mark.django_db

COLONNES = [
    "reference_locataire",
    "date_orientation",
    "parcours",
    "nom",
    "prenom",
    "adresse",
    "code_postal",
    "commune",
    "territoire",
    "typologie_logement",
    "composition",
    "nb_adultes",
    "nb_enfants",
    "loyer",
    "charges",
    "apl",
    "ressources_mensuelles",
    "dette_locative",
    "procedure",
    "problematiques",
    "source",
    "lien_rompu",
    "description",
]


def ligne(**valeurs):
    """Une ligne juste, où seules les valeurs données changent."""
    return {
        "reference_locataire": "L-001",
        "date_orientation": "15/03/2026",
        "parcours": "maintien",
        "nom": "Martin",
        "adresse": "3 rue des Lilas",
        "code_postal": "15000",
        "commune": "Aurillac",
        "problematiques": "impayés",
        "source": "recouvrement",
        **valeurs,
    }


def fichier(*lignes, separateur=";", colonnes=COLONNES, encodage="utf-8"):
    tampon = io.StringIO()
    ecrivain = csv.DictWriter(
        tampon,
        fieldnames=colonnes,
        delimiter=separateur,
        lineterminator="\n",
        restval="",
        extrasaction="ignore",
    )
    ecrivain.writeheader()
    ecrivain.writerows(lignes)
    return tampon.getvalue().encode(encodage)


def rien_n_est_ecrit():
    return (
        Menage.objects.count(),
        Orientation.objects.count(),
        ProblematiqueOrientation.objects.count(),
        DetteLocative.objects.count(),
        Logement.objects.count(),
    ) == (0, 0, 0, 0, 0)


def erreurs_de(contenu, dispositif):
    with pytest.raises(ImportRefuse) as refus:
        importer_orientations(contenu, dispositif)
    return [str(erreur) for erreur in refus.value.erreurs]


# --- Un fichier juste -------------------------------------------------------------------------


def test_fichier_juste_cree_menages_orientations_problematiques_et_dettes():
    dispositif = DispositifFactory(acces=True)
    nord = TerritoireFactory(dispositif=dispositif, nom="Bassin d'Aurillac")
    contenu = fichier(
        ligne(
            reference_locataire="L-001",
            date_orientation="15/03/2026",
            parcours="Maintien",
            nom="Martin",
            prenom="Hélène",
            territoire="bassin d'aurillac",
            typologie_logement="t3",
            composition="Couple avec enfants",
            nb_adultes="2",
            nb_enfants="3",
            loyer="412,50",
            charges="85.20",
            apl="150",
            ressources_mensuelles="1 480,00",
            dette_locative="1234,56",
            procedure="Résiliation du bail",
            problematiques="impayés | Hygiene/Incurie|troubles du voisinage",
            source="Recouvrement",
            lien_rompu="OUI",
            description="Courriers sans réponse depuis janvier.",
        ),
        ligne(
            reference_locataire="L-002",
            date_orientation="2026-02-01",
            parcours="accès",
            nom="Durand",
            problematiques="sortie d'hébergement",
            source="SIAO",
        ),
        ligne(reference_locataire="L-003", nom="Petit", dette_locative="0"),
    )

    rapport = importer_orientations(contenu, dispositif)

    assert (rapport.lignes, rapport.menages_crees, rapport.orientations_creees) == (3, 3, 3)
    assert rapport.orientations_deja_presentes == 0
    assert Menage.objects.filter(dispositif=dispositif).count() == 3
    assert Orientation.objects.count() == 3
    assert ProblematiqueOrientation.objects.count() == 5
    assert DetteLocative.objects.count() == 2

    martin = Menage.objects.get(reference_locataire="L-001")
    assert (martin.nom, martin.prenom) == ("Martin", "Hélène")
    assert martin.composition == Composition.COUPLE_AVEC_ENFANTS
    assert (martin.nb_adultes, martin.nb_enfants) == (2, 3)
    assert martin.ressources.get().montant_mensuel == Decimal("1480.00")
    logement = martin.logements.get()
    assert (logement.adresse, logement.code_postal, logement.commune) == (
        "3 rue des Lilas",
        "15000",
        "Aurillac",
    )
    assert logement.territoire == nord
    assert logement.typologie == Typologie.T3
    assert (logement.loyer, logement.charges, logement.apl) == (
        Decimal("412.50"),
        Decimal("85.20"),
        Decimal("150"),
    )
    orientation = martin.orientations.get()
    assert orientation.date_orientation == date(2026, 3, 15)
    assert orientation.parcours == Parcours.MAINTIEN
    assert orientation.source == Source.RECOUVREMENT
    assert orientation.dette_locative == Decimal("1234.56")
    assert orientation.stade_procedure == StadeProcedure.RESILIATION_DU_BAIL
    assert orientation.lien_rompu is True
    assert orientation.importee is True
    assert orientation.orientee_par is None
    assert orientation.description == "Courriers sans réponse depuis janvier."
    assert sorted(p.code for p in orientation.problematiques.all()) == [
        Problematique.HYGIENE_INCURIE,
        Problematique.IMPAYES,
        Problematique.TROUBLES_VOISINAGE,
    ]
    dette = martin.dettes.get()
    assert (dette.date, dette.montant) == (date(2026, 3, 15), Decimal("1234.56"))
    assert dette.stade_procedure == StadeProcedure.RESILIATION_DU_BAIL

    durand = Orientation.objects.get(menage__reference_locataire="L-002")
    assert durand.date_orientation == date(2026, 2, 1)
    assert durand.parcours == Parcours.ACCES
    assert durand.source == Source.SIAO
    assert durand.stade_procedure == StadeProcedure.AUCUNE
    assert durand.lien_rompu is False
    assert [p.code for p in durand.problematiques.all()] == [Problematique.SORTIE_HEBERGEMENT]


def test_territoire_retrouve_par_son_nom_sans_casse_accents_ni_espaces_en_trop():
    dispositif = DispositifFactory()
    TerritoireFactory(dispositif=dispositif, nom="Nord")
    haute_vallee = TerritoireFactory(dispositif=dispositif, nom="Haute Vallée")
    fiches, erreurs = lire_orientations(fichier(ligne(territoire="  HAUTE   vallee ")), dispositif)
    assert erreurs == []
    assert fiches[0].territoire == haute_vallee


def test_sans_territoire_la_commune_du_dispositif_donne_le_territoire():
    dispositif = DispositifFactory()
    sud = TerritoireFactory(dispositif=dispositif, nom="Sud")
    saint_flour = CommuneFactory(territoire=sud, nom="Saint-Flour", code_postal="15100")
    ouest = TerritoireFactory(dispositif=dispositif, nom="Ouest")
    mauriac = CommuneFactory(territoire=ouest, nom="Mauriac", code_postal="15200")
    contenu = fichier(
        ligne(reference_locataire="L-1", commune="saint flour", code_postal="15100"),
        ligne(reference_locataire="L-2", commune="Mauriac Cedex", code_postal="15200"),
        ligne(reference_locataire="L-3", commune="Ailleurs", code_postal="63000"),
    )

    importer_orientations(contenu, dispositif)

    par_nom = Logement.objects.get(menage__reference_locataire="L-1")
    assert (par_nom.commune_du_dispositif, par_nom.territoire) == (saint_flour, sud)
    assert par_nom.commune == "saint flour"
    par_code_postal = Logement.objects.get(menage__reference_locataire="L-2")
    assert (par_code_postal.commune_du_dispositif, par_code_postal.territoire) == (mauriac, ouest)
    hors_dispositif = Logement.objects.get(menage__reference_locataire="L-3")
    assert hors_dispositif.commune_du_dispositif is None
    assert hors_dispositif.territoire is None


def test_les_communes_d_un_autre_dispositif_ne_comptent_pas():
    dispositif = DispositifFactory()
    CommuneFactory(nom="Aurillac", code_postal="15000")  # dans un autre dispositif
    fiches, _ = lire_orientations(fichier(ligne()), dispositif)
    assert fiches[0].commune_du_dispositif is None
    assert fiches[0].territoire is None


def test_lecture_des_valeurs_et_fiche_marquee_importee():
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(
            loyer="1\u00a0234,5",
            apl="1 000.00",
            typologie_logement="T6 et plus",
            composition="famille monoparentale",
            procedure="Demande de concours de la FORCE publique",
            problematiques="Sortie d’hospitalisation|isolement/rupture|IMPAYES|impayés",
            source="proximité",
            lien_rompu="Non",
        )
    )
    fiches, erreurs = lire_orientations(contenu, dispositif)
    assert erreurs == []
    [fiche] = fiches
    assert isinstance(fiche, FicheOrientation)
    assert fiche.importee is True
    assert fiche.loyer == Decimal("1234.5")
    assert fiche.apl == Decimal("1000.00")
    assert fiche.typologie == Typologie.T6
    assert fiche.composition == Composition.MONOPARENTALE
    assert fiche.stade_procedure == StadeProcedure.DEMANDE_CONCOURS
    assert fiche.problematiques == [
        Problematique.SORTIE_HOSPITALISATION,
        Problematique.ISOLEMENT_RUPTURE,
        Problematique.IMPAYES,
    ]
    assert fiche.source == Source.PROXIMITE
    assert fiche.lien_rompu is False


@pytest.mark.parametrize(
    ("procedure", "stade"),
    [
        ("aucune", StadeProcedure.AUCUNE),
        ("Commandement de payer", StadeProcedure.COMMANDEMENT_DE_PAYER),
        ("assignation", StadeProcedure.ASSIGNATION),
        ("résiliation du bail", StadeProcedure.RESILIATION_DU_BAIL),
        ("commandement de quitter les lieux", StadeProcedure.COMMANDEMENT_DE_QUITTER),
        ("demande de concours de la force publique", StadeProcedure.DEMANDE_CONCOURS),
        ("Concours accordé", StadeProcedure.CONCOURS_ACCORDE),
    ],
)
def test_chaque_procedure_du_format(procedure, stade):
    fiches, erreurs = lire_orientations(fichier(ligne(procedure=procedure)), DispositifFactory())
    assert erreurs == []
    assert fiches[0].stade_procedure == stade


def test_colonnes_facultatives_absentes_et_ordre_libre():
    colonnes = [
        "source",
        "problematiques",
        "commune",
        "code_postal",
        "adresse",
        "nom",
        "parcours",
        "date_orientation",
        "reference_locataire",
    ]
    rapport = importer_orientations(fichier(ligne(), colonnes=colonnes), DispositifFactory())
    assert rapport.orientations_creees == 1


def test_fichier_separe_par_des_virgules():
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(reference_locataire="L-1", dette_locative="1234,56", loyer="400.10"),
        ligne(reference_locataire="L-2", problematiques="impayés|addictions"),
        separateur=",",
    )
    assert b'"1234,56"' in contenu

    rapport = importer_orientations(contenu, dispositif)

    assert (rapport.menages_crees, rapport.orientations_creees) == (2, 2)
    orientation = Orientation.objects.get(menage__reference_locataire="L-1")
    assert orientation.dette_locative == Decimal("1234.56")
    assert orientation.menage.logements.get().loyer == Decimal("400.10")
    assert ProblematiqueOrientation.objects.count() == 3


def test_fichier_windows_1252_avec_accents():
    dispositif = DispositifFactory()
    contenu = (
        "reference_locataire;date_orientation;parcours;nom;prenom;adresse;code_postal;commune;"
        "problematiques;source;description\r\n"
        "L-001;15/03/2026;maintien;Lefèvre;Hélène;2 allée de la Génération;15000;Aurillac;"
        'impayés|dégradation du logement;proximité;"Dette née en février ; relances."\r\n'
    ).encode("cp1252")

    importer_orientations(contenu, dispositif)

    menage = Menage.objects.get()
    assert (menage.nom, menage.prenom) == ("Lefèvre", "Hélène")
    assert menage.logements.get().adresse == "2 allée de la Génération"
    orientation = menage.orientations.get()
    assert orientation.source == Source.PROXIMITE
    assert orientation.description == "Dette née en février ; relances."
    assert sorted(orientation.libelles_problematiques) == ["dégradation du logement", "impayés"]


def test_fichier_utf8_avec_bom():
    dispositif = DispositifFactory()
    contenu = b"\xef\xbb\xbf" + fichier(ligne(prenom="Hélène"))

    rapport = importer_orientations(contenu, dispositif)

    assert rapport.orientations_creees == 1
    assert Menage.objects.get().prenom == "Hélène"


def test_lignes_vides_sautees():
    dispositif = DispositifFactory()
    contenu = fichier(ligne(reference_locataire="L-1"), {}, ligne(reference_locataire="L-2"))
    contenu += b"\n;;;\n\n"

    rapport = importer_orientations(contenu, dispositif)

    assert (rapport.lignes, rapport.orientations_creees) == (2, 2)


# --- Pas de doublon ---------------------------------------------------------------------------


def test_reimporter_le_meme_fichier_ne_cree_rien():
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(reference_locataire="L-1", dette_locative="300"),
        ligne(reference_locataire="L-2"),
    )
    importer_orientations(contenu, dispositif)

    rapport = importer_orientations(contenu, dispositif)

    assert (rapport.lignes, rapport.menages_crees, rapport.orientations_creees) == (2, 0, 0)
    assert rapport.orientations_deja_presentes == 2
    assert Menage.objects.count() == 2
    assert Orientation.objects.count() == 2
    assert ProblematiqueOrientation.objects.count() == 2
    assert DetteLocative.objects.count() == 1


def test_meme_reference_deux_dates_un_menage_deux_orientations():
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(reference_locataire="L-1", date_orientation="10/01/2026"),
        ligne(reference_locataire="L-1", date_orientation="15/03/2026"),
    )

    rapport = importer_orientations(contenu, dispositif)

    assert (rapport.menages_crees, rapport.orientations_creees) == (1, 2)
    menage = Menage.objects.get()
    assert sorted(o.date_orientation for o in menage.orientations.all()) == [
        date(2026, 1, 10),
        date(2026, 3, 15),
    ]


def test_menage_existant_repris_par_sa_reference():
    dispositif = DispositifFactory()
    existant = Menage.objects.create(
        dispositif=dispositif, reference_locataire="L-001", nom="Martin"
    )
    autre_dispositif = DispositifFactory()
    Menage.objects.create(dispositif=autre_dispositif, reference_locataire="L-002", nom="Autre")

    rapport = importer_orientations(
        fichier(ligne(reference_locataire="L-001"), ligne(reference_locataire="L-002")),
        dispositif,
    )

    assert (rapport.menages_crees, rapport.orientations_creees) == (1, 2)
    assert existant.orientations.count() == 1
    assert Menage.objects.filter(dispositif=dispositif).count() == 2


# --- Lignes fausses : tout ou rien ------------------------------------------------------------

# Le lendemain du jour où le cas s'exécute, pas de celui où la suite est collectée : une suite
# lancée avant minuit finit après.
DEMAIN = "<demain>"


def le_jour_venu(valeur):
    if valeur == DEMAIN:
        return (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    return valeur


@pytest.mark.parametrize(
    ("colonne", "valeur", "message"),
    [
        ("reference_locataire", "", "obligatoire"),
        ("reference_locataire", "R" * 31, "30 caractères au plus"),
        ("nom", "", "obligatoire"),
        ("adresse", " ", "obligatoire"),
        ("commune", "", "obligatoire"),
        ("date_orientation", "", "obligatoire"),
        ("date_orientation", "31/02/2026", "date invalide, attendu JJ/MM/AAAA ou AAAA-MM-JJ"),
        ("date_orientation", "15-03-2026", "date invalide, attendu JJ/MM/AAAA ou AAAA-MM-JJ"),
        ("date_orientation", DEMAIN, "date dans le futur"),
        ("code_postal", "1500", "5 chiffres attendus"),
        ("code_postal", "15OOO", "5 chiffres attendus"),
        ("parcours", "hebergement", "valeur inconnue : hebergement (attendu : acces, maintien)"),
        ("dette_locative", "-12,50", "doit être positif ou nul"),
        ("loyer", "12,345", "2 décimales au plus"),
        ("loyer", "douze", "montant invalide"),
        ("charges", "1.234,56", "montant invalide"),
        ("nb_enfants", "2,5", "nombre entier attendu"),
        ("nb_adultes", "-1", "doit être positif ou nul"),
        ("typologie_logement", "T9", "valeur inconnue : T9 (attendu : T1, T2, T3, T4, T5, T6)"),
        ("composition", "famille", "valeur inconnue : famille (attendu : personne seule, "),
        ("problematiques", "", "obligatoire"),
        ("problematiques", "impayés|tapage", "valeur inconnue : tapage (attendu : impayés, "),
        ("source", "bailleur", "valeur inconnue : bailleur (attendu : gestion locative, "),
        ("source", "", "obligatoire"),
        ("procedure", "expulsion", "valeur inconnue : expulsion (attendu : aucune, "),
        ("lien_rompu", "peut-être", "valeur inconnue : peut-être (attendu : oui, non)"),
    ],
)
def test_ligne_fausse_signalee_et_rien_n_est_ecrit(colonne, valeur, message):
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(reference_locataire="L-1"),
        ligne(**{"reference_locataire": "L-2", colonne: le_jour_venu(valeur)}),
        ligne(reference_locataire="L-3"),
    )

    erreurs = erreurs_de(contenu, dispositif)

    assert len(erreurs) == 1
    assert erreurs[0].startswith(f"ligne 3, colonne {colonne} : {message}")
    assert rien_n_est_ecrit()


def test_territoire_inconnu_donne_les_noms_attendus():
    dispositif = DispositifFactory()
    TerritoireFactory(dispositif=dispositif, nom="Nord")
    TerritoireFactory(dispositif=dispositif, nom="Sud")
    TerritoireFactory(nom="Est")  # d'un autre dispositif

    erreurs = erreurs_de(fichier(ligne(territoire="Est")), dispositif)

    assert erreurs == ["ligne 2, colonne territoire : valeur inconnue : Est (attendu : Nord, Sud)"]
    assert rien_n_est_ecrit()


def test_plusieurs_problematiques_inconnues_toutes_nommees():
    fiches, erreurs = lire_orientations(
        fichier(ligne(problematiques="tapage|impayés|dettes")), DispositifFactory()
    )
    assert fiches == []
    assert str(erreurs[0]).startswith(
        "ligne 2, colonne problematiques : valeurs inconnues : tapage, dettes (attendu : "
    )


def test_toutes_les_erreurs_de_toutes_les_lignes_sont_signalees():
    dispositif = DispositifFactory()
    contenu = fichier(
        ligne(reference_locataire="L-1", code_postal="150", loyer="-3"),
        ligne(reference_locataire="L-2"),
        ligne(reference_locataire="L-3", description="Sur\ndeux lignes"),
        ligne(reference_locataire="L-4", source="inconnue", date_orientation="hier"),
    )

    erreurs = erreurs_de(contenu, dispositif)

    assert erreurs == [
        "ligne 2, colonne code_postal : 5 chiffres attendus",
        "ligne 2, colonne loyer : doit être positif ou nul",
        # La description de la ligne 4 tient sur deux lignes du fichier : L-4 est en ligne 6.
        "ligne 6, colonne date_orientation : date invalide, attendu JJ/MM/AAAA ou AAAA-MM-JJ",
        "ligne 6, colonne source : valeur inconnue : inconnue (attendu : gestion locative, "
        "recouvrement, contentieux, proximite, cesf, siao, association, ccas, sante, spip, "
        "autre)",
    ]
    assert rien_n_est_ecrit()


def test_valeur_sous_une_colonne_sans_nom_refusee():
    entete, donnees = fichier(ligne()).decode().splitlines()
    contenu = f"{entete};\n{donnees};en trop\n".encode()
    fiches, erreurs = lire_orientations(contenu, DispositifFactory())
    assert [str(erreur) for erreur in erreurs] == [
        f"ligne 2, colonne n° {len(COLONNES) + 1} : valeur sans nom de colonne"
    ]


def test_refus_a_l_enregistrement_annule_tout(monkeypatch):
    """Une ligne que `orienter_menage` refuse annule aussi les lignes déjà enregistrées."""

    def orienter_ou_refuser(user, dispositif, fiche):
        if fiche.reference_locataire == "L-2":
            raise ValidationError("Ce ménage ne peut pas être orienté.")
        return orienter_menage(user, dispositif, fiche)

    monkeypatch.setattr(importation, "orienter_menage", orienter_ou_refuser)
    contenu = fichier(ligne(reference_locataire="L-1"), ligne(reference_locataire="L-2"))

    erreurs = erreurs_de(contenu, DispositifFactory())

    assert erreurs == ["ligne 3 : Ce ménage ne peut pas être orienté."]
    assert rien_n_est_ecrit()


# --- En-tête et fichier -----------------------------------------------------------------------


def test_colonne_inconnue_nommee():
    contenu = fichier(ligne(), colonnes=[*COLONNES, "inconnue_x"])
    erreurs = erreurs_de(contenu, DispositifFactory())
    assert erreurs == ["ligne 1, colonne inconnue_x : colonne inconnue"]
    assert rien_n_est_ecrit()


def test_colonne_obligatoire_absente_nommee():
    colonnes = [c for c in COLONNES if c not in ("source", "code_postal")]
    erreurs = erreurs_de(fichier(ligne(), colonnes=colonnes), DispositifFactory())
    assert erreurs == [
        "ligne 1, colonne code_postal : colonne obligatoire absente",
        "ligne 1, colonne source : colonne obligatoire absente",
    ]


def test_colonne_en_double():
    contenu = fichier(ligne()).replace(b"description\n", b"nom\n", 1)
    erreurs = erreurs_de(contenu, DispositifFactory())
    assert erreurs == ["ligne 1, colonne nom : colonne en double"]


def test_en_tete_sans_tenir_compte_de_la_casse_ni_des_accents():
    contenu = fichier(ligne()).replace(b"reference_locataire;", "Référence_Locataire ;".encode())
    assert importer_orientations(contenu, DispositifFactory()).orientations_creees == 1


@pytest.mark.parametrize("contenu", [b"", b"\n\n", "\ufeff".encode()])
def test_fichier_vide(contenu):
    erreurs = erreurs_de(contenu, DispositifFactory())
    assert erreurs == ["ligne 1 : fichier vide : la ligne d'en-tête est attendue"]


def test_fichier_avec_seulement_l_en_tete():
    erreurs = erreurs_de(fichier(), DispositifFactory())
    assert erreurs == ["ligne 2 : aucune orientation : le fichier n'a que l'en-tête"]


def test_fichier_utf16_refuse_clairement():
    erreurs = erreurs_de(fichier(ligne(), encodage="utf-16"), DispositifFactory())
    assert erreurs == ["ligne 1 : encodage non reconnu : enregistrez en CSV UTF-8"]


def test_guillemet_non_ferme():
    contenu = fichier(ligne()) + b'L-2;"15/03/2026;maintien\n'
    erreurs = erreurs_de(contenu, DispositifFactory())
    assert erreurs == ["ligne 3 : ligne CSV mal formée (guillemet non fermé ?)"]


# --- Droits et journal ------------------------------------------------------------------------


def test_travailleur_social_ne_peut_pas_importer():
    membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    with pytest.raises(PermissionDenied):
        importer_orientations(fichier(ligne()), membre.dispositif, user=membre.user)
    assert rien_n_est_ecrit()


def test_agent_bailleur_d_un_autre_dispositif_ne_peut_pas_importer():
    membre = MembreFactory(role=Role.AGENT_BAILLEUR)
    with pytest.raises(PermissionDenied):
        importer_orientations(fichier(ligne()), DispositifFactory(), user=membre.user)


def test_agent_bailleur_importe_et_l_import_est_journalise():
    membre = MembreFactory(role=Role.AGENT_BAILLEUR)
    contenu = fichier(
        ligne(reference_locataire="L-1", dette_locative="100"), ligne(reference_locataire="L-2")
    )

    importer_orientations(contenu, membre.dispositif, user=membre.user)

    assert Orientation.objects.filter(orientee_par=membre.user).count() == 2
    assert Menage.objects.filter(cree_par=membre.user).count() == 2
    assert DetteLocative.objects.get().saisie_par == membre.user
    journal = JournalAudit.objects.get(action=JournalAudit.Action.IMPORT)
    assert journal.user == membre.user
    assert journal.dispositif == membre.dispositif
    assert journal.roles == Role.AGENT_BAILLEUR
    assert journal.detail == "import de 2 lignes, 2 ménages, 2 orientations"


def test_import_refuse_n_ecrit_pas_au_journal():
    membre = MembreFactory(role=Role.COORDINATEUR)
    with pytest.raises(ImportRefuse):
        importer_orientations(fichier(ligne(nom="")), membre.dispositif, user=membre.user)
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).exists()


# --- La commande ------------------------------------------------------------------------------


def lancer(*arguments):
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("import_orientations", *arguments, stdout=sortie, stderr=erreurs)
    return sortie.getvalue(), erreurs.getvalue()


def test_commande_importe_et_resume(tmp_path):
    dispositif = DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(
        fichier(
            ligne(reference_locataire="L-1", date_orientation="10/01/2026"),
            ligne(reference_locataire="L-1", date_orientation="15/03/2026"),
            ligne(reference_locataire="L-2"),
        )
    )

    sortie, _ = lancer(str(chemin), "--dispositif", "cantal")

    assert sortie.strip() == (
        "3 lignes lues : 2 ménages créés, 3 orientations créées, 0 déjà présentes."
    )
    assert Orientation.objects.filter(menage__dispositif=dispositif).count() == 3

    sortie, _ = lancer(str(chemin), "--dispositif", "cantal")
    assert sortie.strip() == (
        "3 lignes lues : 0 ménages créés, 0 orientations créées, 3 déjà présentes."
    )


def test_commande_avec_utilisateur(tmp_path):
    membre = MembreFactory(role=Role.AGENT_BAILLEUR, user__email="agent@bailleur.test")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne()))

    sortie, _ = lancer(
        str(chemin), "--dispositif", membre.dispositif.slug, "--utilisateur", "AGENT@bailleur.test"
    )

    assert sortie.strip() == "1 ligne lue : 1 ménage créé, 1 orientation créée, 0 déjà présentes."
    assert Orientation.objects.get().orientee_par == membre.user


def test_la_commande_est_journalisee_avec_l_adresse_locale(tmp_path):
    membre = MembreFactory(role=Role.AGENT_BAILLEUR, user__email="agent@bailleur.test")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne(reference_locataire="L-1")))
    lancer(str(chemin), "--dispositif", membre.dispositif.slug)
    chemin.write_bytes(fichier(ligne(reference_locataire="L-2")))
    lancer(str(chemin), "--dispositif", membre.dispositif.slug, "--utilisateur", membre.user.email)

    lignes = JournalAudit.objects.filter(action=JournalAudit.Action.IMPORT).order_by("pk")
    assert [(ligne.user, ligne.adresse_ip) for ligne in lignes] == [
        (None, "127.0.0.1"),
        (membre.user, "127.0.0.1"),
    ]
    assert {ligne.dispositif for ligne in lignes} == {membre.dispositif}


def test_commande_refuse_le_fichier_et_liste_chaque_erreur(tmp_path):
    DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(
        fichier(
            ligne(reference_locataire="L-1"),
            ligne(reference_locataire="L-2", code_postal="150"),
            ligne(reference_locataire="L-3", parcours="autre", dette_locative="-1"),
        )
    )
    erreurs = io.StringIO()

    with pytest.raises(CommandError, match="Import refusé : 3 erreurs, rien n'a été enregistré."):
        call_command("import_orientations", str(chemin), "--dispositif", "cantal", stderr=erreurs)

    assert erreurs.getvalue().splitlines() == [
        "ligne 3, colonne code_postal : 5 chiffres attendus",
        "ligne 4, colonne parcours : valeur inconnue : autre (attendu : acces, maintien)",
        "ligne 4, colonne dette_locative : doit être positif ou nul",
    ]
    assert rien_n_est_ecrit()


def test_commande_une_seule_erreur_au_singulier(tmp_path):
    DispositifFactory(slug="cantal")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne(nom="")))
    with pytest.raises(CommandError, match="Import refusé : 1 erreur, rien n'a été enregistré."):
        lancer(str(chemin), "--dispositif", "cantal")


def test_commande_dispositif_inconnu(tmp_path):
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne()))
    with pytest.raises(CommandError, match="Dispositif inconnu : nulle-part."):
        lancer(str(chemin), "--dispositif", "nulle-part")


def test_commande_fichier_illisible(tmp_path):
    DispositifFactory(slug="cantal")
    with pytest.raises(CommandError, match="Fichier illisible"):
        lancer(str(tmp_path / "absent.csv"), "--dispositif", "cantal")


def test_commande_utilisateur_inconnu_ou_sans_droit(tmp_path):
    membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, user__email="ts@exemple.test")
    chemin = tmp_path / "orientations.csv"
    chemin.write_bytes(fichier(ligne()))
    slug = membre.dispositif.slug
    with pytest.raises(CommandError, match="Utilisateur inconnu : personne@exemple.test."):
        lancer(str(chemin), "--dispositif", slug, "--utilisateur", "personne@exemple.test")
    with pytest.raises(CommandError, match="Vous ne pouvez pas importer"):
        lancer(str(chemin), "--dispositif", slug, "--utilisateur", "ts@exemple.test")
    assert rien_n_est_ecrit()
