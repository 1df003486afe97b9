"""Dessine les icônes de l'application installable (static/icones/*.png).

Les PNG sont dans le dépôt ; cette commande les refait (après un changement de couleur, par
exemple) sans outil extérieur ni CDN : une maison blanche sur le bleu du produit.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

BLEU = (31, 78, 121, 255)  # --primaire de static/css/app.css
BLANC = (255, 255, 255, 255)


def dessiner(taille, masquable=False):
    """Une icône carrée de `taille` pixels. Masquable : le dessin tient dans la zone sûre
    (80 % du centre), le fond couvre tout, sans coins arrondis."""
    image = Image.new("RGBA", (taille, taille), (0, 0, 0, 0))
    trait = ImageDraw.Draw(image)
    if masquable:
        trait.rectangle((0, 0, taille, taille), fill=BLEU)
        marge = taille * 0.22
    else:
        trait.rounded_rectangle((0, 0, taille - 1, taille - 1), radius=taille * 0.18, fill=BLEU)
        marge = taille * 0.16
    gauche, droite = marge, taille - marge
    haut, bas = marge, taille - marge
    largeur = droite - gauche
    faite = haut + largeur * 0.02
    avant_toit = haut + largeur * 0.45
    epaisseur = max(2, round(taille * 0.045))
    # Le toit, puis le corps de la maison, puis la porte.
    trait.polygon(
        [(gauche, avant_toit), (taille / 2, faite), (droite, avant_toit)],
        fill=BLANC,
    )
    mur_g, mur_d = gauche + largeur * 0.14, droite - largeur * 0.14
    trait.rectangle((mur_g, avant_toit - epaisseur, mur_d, bas), fill=BLANC)
    porte_l = largeur * 0.2
    trait.rectangle(
        (taille / 2 - porte_l / 2, bas - largeur * 0.3, taille / 2 + porte_l / 2, bas),
        fill=BLEU,
    )
    # Un cœur discret au-dessus de la porte, comme l'icône de la barre de navigation.
    rayon = largeur * 0.06
    centre_y = avant_toit + largeur * 0.04
    for decalage in (-rayon, rayon):
        trait.ellipse(
            (
                taille / 2 + decalage - rayon,
                centre_y - rayon,
                taille / 2 + decalage + rayon,
                centre_y + rayon,
            ),
            fill=BLEU,
        )
    trait.polygon(
        [
            (taille / 2 - 2 * rayon, centre_y + rayon * 0.3),
            (taille / 2 + 2 * rayon, centre_y + rayon * 0.3),
            (taille / 2, centre_y + rayon * 2.4),
        ],
        fill=BLEU,
    )
    return image


class Command(BaseCommand):
    help = "Dessine les icônes PNG de l'application installable dans static/icones/."

    def handle(self, *args, **options):
        dossier = Path(settings.BASE_DIR) / "static" / "icones"
        dossier.mkdir(parents=True, exist_ok=True)
        fichiers = {
            "icone-192.png": dessiner(192),
            "icone-512.png": dessiner(512),
            "icone-masquable-512.png": dessiner(512, masquable=True),
            "apple-touch-icon.png": dessiner(180, masquable=True),
        }
        for nom, image in fichiers.items():
            image.save(dossier / nom, optimize=True)
            self.stdout.write(f"static/icones/{nom}")
