#!/usr/bin/env bash
# Restauration d'une sauvegarde chiffrée dans une base VIDE (jamais par-dessus la base en service) :
#   deploy/restauration.sh suivi-base-AAAAMMJJTHHMMSSZ.dump.gpg postgres://…/suivi_restauree
# La clé privée GPG doit être disponible (GNUPGHOME) le temps de la restauration. Le déchiffrement
# passe directement à pg_restore : rien n'est écrit en clair sur le disque.
set -euo pipefail
umask 077

sauvegarde="${1:?usage : restauration.sh SAUVEGARDE.dump.gpg URL_DE_LA_BASE_VIDE}"
cible="${2:?usage : restauration.sh SAUVEGARDE.dump.gpg URL_DE_LA_BASE_VIDE}"

tables=$(psql "$cible" -Atc "select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "La base cible n'est pas vide ($tables tables) : restauration refusée." >&2
  exit 1
fi
gpg --batch --quiet --decrypt "$sauvegarde" \
  | pg_restore --no-owner --no-privileges --exit-on-error --dbname "$cible"
echo "Restaurée dans $cible ; vérifiez avec : DATABASE_URL=… manage.py migrate --check"
