"""Résultats : reprise du paiement du loyer, relogements et réorientations à la clôture,
maintien dans le logement trois mois après la fin."""

from accompagnement.enums import MotifCloture, TypeBilan
from accompagnement.models import Bilan
from menages.models import DetteLocative

from .chargements import episodes_actifs_qs
from .mise_en_forme import taux
from .perimetre import du_perimetre

TITRE = "Résultats"

MOTIFS_RELOGEMENT_OU_REORIENTATION = (MotifCloture.RELOGEMENT, MotifCloture.REORIENTATION)

DEFINITIONS = {
    "resultats.paiement_renseigne": "Ménages ayant un épisode actif sur la période dont le "
    "paiement du loyer courant est renseigné (oui ou non) sur au moins un relevé de dette ou "
    "un bilan daté au plus tard du dernier jour de la période.",
    "resultats.reprise_paiement": "Parmi eux, ceux dont la dernière réponse connue à cette date "
    "est « loyer courant payé au moins 3 mois consécutifs » (le relevé le plus récent ; à date "
    "égale, le relevé de dette l'emporte sur le bilan).",
    "resultats.taux_reprise_paiement": "Reprise du paiement ÷ ménages dont le paiement est "
    "renseigné, en pourcentage ; vide sans ménage renseigné.",
    "resultats.clotures": "Clôtures (fiches de clôture) datées dans la période.",
    "resultats.relogement_ou_reorientation": "Parmi elles, celles au motif « relogement / "
    "mutation » ou « réorientation hébergement ou autre dispositif ».",
    "resultats.part_relogement_ou_reorientation": "Relogés ou réorientés ÷ clôtures de la "
    "période, en pourcentage.",
    "resultats.bilans_post_cloture": "Bilans « 3 mois après la fin » réalisés dans la période "
    "où l'on a noté si le ménage vit toujours dans son logement.",
    "resultats.toujours_dans_le_logement": "Parmi eux, ceux où le ménage vit toujours dans son "
    "logement.",
    "resultats.part_toujours_dans_le_logement": "Toujours dans le logement ÷ bilans « 3 mois "
    "après la fin » renseignés, en pourcentage.",
}


def calculer(dispositif, clotures, debut, fin):
    """Reprise du paiement, relogés ou réorientés à la clôture, maintien 3 mois après."""
    menages_actifs = episodes_actifs_qs(dispositif, debut, fin).values("menage_id")
    # (ménage, date, ordre à date égale, réponse) : le relevé (1) passe après le bilan (0).
    reponses = [
        (menage_id, jour, 1, paye)
        for menage_id, jour, paye in DetteLocative.objects.filter(
            menage__in=menages_actifs, date__lte=fin, loyer_paye_3_mois__isnull=False
        ).values_list("menage_id", "date", "loyer_paye_3_mois")
    ] + [
        (menage_id, jour, 0, paye)
        for menage_id, jour, paye in Bilan.objects.filter(
            accompagnement__menage__in=menages_actifs,
            date_realisation__lte=fin,
            loyer_paye_3_mois__isnull=False,
        ).values_list("accompagnement__menage_id", "date_realisation", "loyer_paye_3_mois")
    ]
    derniere = {}
    for menage_id, _, _, paye in sorted(reponses, key=lambda r: (r[0], r[1], r[2])):
        derniere[menage_id] = paye
    reprise = sum(1 for paye in derniere.values() if paye)

    relogement = sum(1 for motif, _, _ in clotures if motif in MOTIFS_RELOGEMENT_OU_REORIENTATION)

    post_cloture = list(
        Bilan.objects.filter(
            **du_perimetre("accompagnement__dispositif", dispositif),
            type=TypeBilan.POST_CLOTURE,
            date_realisation__range=(debut, fin),
            dans_le_logement__isnull=False,
        ).values_list("dans_le_logement", flat=True)
    )
    toujours = sum(1 for dans_le_logement in post_cloture if dans_le_logement)
    return {
        "paiement_renseigne": len(derniere),
        "reprise_paiement": reprise,
        "taux_reprise_paiement": taux(reprise, len(derniere)),
        "clotures": len(clotures),
        "relogement_ou_reorientation": relogement,
        "part_relogement_ou_reorientation": taux(relogement, len(clotures)),
        "bilans_post_cloture": len(post_cloture),
        "toujours_dans_le_logement": toujours,
        "part_toujours_dans_le_logement": taux(toujours, len(post_cloture)),
    }
