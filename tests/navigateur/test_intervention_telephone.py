"""Parcours sur téléphone : le travailleur social note une visite et une visite sans réponse ;
l'infirmière écrit une note « soignants » que le travailleur social ne retrouve nulle part."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from accompagnement.enums import TypeIntervention
from accompagnement.models import Accompagnement, Intervention

from .conftest import capture, changer_de_personne, cocher, se_connecter

NOTE_SOIGNANTS = "Observance du traitement à revoir avec le Dr Vialatte, tension élevée"
NOTE_VISITE = "VAD : courrier ouvert avec Mme, dossier FSL à compléter avant vendredi."


def accompagnement_partage():
    """Un accompagnement ouvert du Cantal où sont à la fois ts.cantal et infirmier.cantal."""
    return (
        Accompagnement.objects.filter(
            dispositif__slug="cantal", statut__in=["diagnostic", "en_cours"]
        )
        .filter(equipe__user__email="ts.cantal@demo.test")
        .filter(equipe__user__email="infirmier.cantal@demo.test")
        .select_related("menage")
        .first()
    )


def test_visites_sur_telephone_et_note_soignants_introuvable(demo, telephone, live_server):
    accompagnement = accompagnement_partage()
    assert accompagnement is not None
    menage = accompagnement.menage
    url_accompagnement = f"{live_server.url}/accompagnements/{accompagnement.public_id}/"

    # L'infirmière écrit une note réservée aux soignants.
    se_connecter(telephone, live_server, "infirmier.cantal@demo.test")
    telephone.goto(url_accompagnement)
    telephone.get_by_role("link", name="Noter une intervention").click()
    telephone.locator("#id_note").fill(NOTE_SOIGNANTS)
    cocher(telephone.get_by_label("Soignants (infirmier·ère, psychologue)"))
    telephone.get_by_role("button", name="Enregistrer").click()
    expect(telephone.get_by_text("Intervention enregistrée.")).to_be_visible()
    expect(telephone.get_by_text(NOTE_SOIGNANTS)).to_be_visible()
    changer_de_personne(telephone)

    # Le travailleur social note une visite à domicile depuis sa page d'accueil.
    se_connecter(telephone, live_server, "ts.cantal@demo.test")
    mes_menages = telephone.get_by_role("region", name="Mes ménages")
    mes_menages.get_by_role("link", name=f"{menage.nom} {menage.prenom}").click()
    telephone.get_by_role("link", name="Noter une intervention").click()
    expect(telephone.locator("#id_type")).to_have_value(TypeIntervention.VISITE_DOMICILE)
    telephone.locator("#id_note").fill(NOTE_VISITE)
    capture(telephone, "intervention-telephone")
    telephone.get_by_role("button", name="Enregistrer").click()
    expect(telephone.get_by_text("Intervention enregistrée.")).to_be_visible()
    expect(telephone.get_by_text(NOTE_VISITE)).to_be_visible()

    # Puis une visite sans réponse : un seul geste sur la page du ménage.
    telephone.get_by_role("button", name="Visite sans réponse").click()
    expect(telephone.get_by_text(re.compile(r"Visite sans réponse enregistrée"))).to_be_visible()
    capture(telephone, "accompagnement-telephone")
    auteur = {"auteur__email": "ts.cantal@demo.test", "accompagnement": accompagnement}
    # La note est chiffrée en base : on la compare après lecture, pas dans la requête.
    notes = [i.note for i in Intervention.objects.filter(**auteur)]
    assert notes.count(NOTE_VISITE) == 1
    assert Intervention.objects.filter(**auteur, type="visite_sans_reponse").exists()

    # La note soignants n'apparaît nulle part pour lui : accompagnement, ménage, fiche PDF,
    # file active (recherche) et son export.
    for url in (url_accompagnement, f"{live_server.url}/menages/{menage.public_id}/"):
        telephone.goto(url)
        expect(telephone.get_by_text("Observance du traitement")).to_have_count(0)
    pdf = telephone.request.get(f"{url_accompagnement}fiche-de-suivi.pdf")
    assert pdf.ok
    texte = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "VAD : courrier ouvert" in texte
    assert "Observance" not in texte
    telephone.goto(f"{live_server.url}/menages/?q=Observance")
    expect(telephone.get_by_text("Aucun ménage ne correspond")).to_be_visible()
    export = telephone.request.get(f"{live_server.url}/menages/export.csv")
    assert export.ok and "Observance" not in export.text()
