#!/usr/bin/env bash
# Sauvegarde chiffrée de la base : pg_dump au format personnalisé, chiffré pour une clé publique
# GPG (SAUVEGARDE_DESTINATAIRE) avant d'être écrit ; la sauvegarde n'existe jamais en clair sur
# le disque. La clé privée qui la déchiffre est séquestrée ailleurs (jamais sur ce serveur).
#   DATABASE_URL=postgres://…  SAUVEGARDE_DESTINATAIRE=EMPREINTE  SAUVEGARDE_DOSSIER=/srv/…/sauvegardes
#   [SAUVEGARDE_JOURS=35]  deploy/sauvegarde.sh
# Avec le stockage de fichiers sur le disque (sans STOCKAGE_S3_BUCKET), les fichiers privés
# (VAR_DIR/prive : rapports, imports en cours) sont archivés et chiffrés de la même façon ; avec
# un stockage objet, ce sont le versionnage et la réplication du fournisseur qui les gardent.
# Affiche le chemin de chaque fichier écrit.
set -euo pipefail
umask 077

: "${DATABASE_URL:?DATABASE_URL manque}"
: "${SAUVEGARDE_DESTINATAIRE:?SAUVEGARDE_DESTINATAIRE (empreinte de la clé publique GPG) manque}"
: "${SAUVEGARDE_DOSSIER:?SAUVEGARDE_DOSSIER manque}"
jours="${SAUVEGARDE_JOURS:-35}"

mkdir -p "$SAUVEGARDE_DOSSIER"
horodatage=$(date -u +%Y%m%dT%H%M%SZ)
chiffrer() {
  gpg --batch --yes --quiet --trust-model always --compress-algo none \
    --encrypt --recipient "$SAUVEGARDE_DESTINATAIRE" --output "$1"
}

base="$SAUVEGARDE_DOSSIER/suivi-base-$horodatage.dump.gpg"
pg_dump --format=custom --no-owner --no-privileges "$DATABASE_URL" | chiffrer "$base.partiel"
mv "$base.partiel" "$base"
echo "$base"

if [ -z "${STOCKAGE_S3_BUCKET:-}" ] && [ -d "${VAR_DIR:-/nonexistent}/prive" ]; then
  fichiers="$SAUVEGARDE_DOSSIER/suivi-fichiers-$horodatage.tar.gpg"
  tar -C "$VAR_DIR" -cf - prive | chiffrer "$fichiers.partiel"
  mv "$fichiers.partiel" "$fichiers"
  echo "$fichiers"
fi

# Les sauvegardes plus anciennes que la durée choisie partent (la conservation vaut aussi pour elles).
find "$SAUVEGARDE_DOSSIER" -maxdepth 1 -name 'suivi-*.gpg' -mtime "+$jours" -delete
