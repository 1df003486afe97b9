#!/usr/bin/env bash
# Essai du déploiement sur la boucle locale, comme en production à plusieurs machines :
# nginx (TLS) devant DEUX instances gunicorn qui ne partagent aucun dossier, un worker Celery à
# part (son propre dossier), PostgreSQL, Redis, un stockage objet compatible S3 pour les fichiers
# privés. Le parcours (deploy/essai_parcours.py) se connecte par une instance, fait produire un
# rapport par le worker, le télécharge par l'autre, vérifie la sonde, les fichiers statiques et
# la session d'une instance à l'autre, puis arrête une instance et continue par le proxy. Enfin
# une sauvegarde chiffrée est faite et restaurée dans une base neuve, et les deux bases comparées.
# Appelé par .ci/run ; demande nginx, pg_dump/pg_restore, gpg, openssl, Redis et PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
racine=$(pwd)
PY="$racine/.venv/bin/python"

PG="${ESSAI_PG:-postgres://postgres@127.0.0.1:5432}"
BASE=suivi_essai_deploiement
RESTAUREE=suivi_essai_restauree
REDIS="${ESSAI_REDIS:-redis://127.0.0.1:6379}"
P_PROXY=18443 P_A=18001 P_B=18002 P_S3=18900

travail=$(mktemp -d)
chmod 700 "$travail"
pids=()
arreter() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$travail/nginx.pid" ] && kill "$(cat "$travail/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$PG/postgres" -qc "drop database if exists $BASE" -qc "drop database if exists $RESTAUREE" \
    >/dev/null 2>&1 || true
  if [ "${ESSAI_GARDER:-0}" = 1 ]; then echo "Journaux gardés dans $travail"; else rm -rf "$travail"; fi
}
trap arreter EXIT
attendre() {  # attendre URL [curl options]
  for _ in $(seq 1 120); do
    if curl -fsk -o /dev/null "$@"; then return 0; fi
    sleep 0.5
  done
  echo "Sans réponse : $*" >&2
  return 1
}

echo "-- bases, stockage objet, certificat"
psql "$PG/postgres" -qc "drop database if exists $BASE" -qc "drop database if exists $RESTAUREE" \
  -qc "create database $BASE" -qc "create database $RESTAUREE"
"$racine/.venv/bin/moto_server" -H 127.0.0.1 -p "$P_S3" > "$travail/s3.log" 2>&1 &
pids+=($!)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -keyout "$travail/privkey.pem" -out "$travail/fullchain.pem" 2>/dev/null

export DEBUG=0 OTP_OBLIGATOIRE=1
export SECRET_KEY="essai-$(openssl rand -hex 32)"
export CLES_CHIFFREMENT
CLES_CHIFFREMENT=$("$PY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
export ALLOWED_HOSTS=127.0.0.1 CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$P_PROXY"
export DATABASE_URL="$PG/$BASE" DATABASE_REPLICA_URL="$PG/$BASE"
export CELERY_BROKER_URL="$REDIS/13" CACHE_URL="$REDIS/14"
export NOMBRE_DE_PROXYS=1
export STOCKAGE_S3_BUCKET=suivi-essai STOCKAGE_S3_ENDPOINT="http://127.0.0.1:$P_S3" \
  STOCKAGE_S3_REGION=eu-west-3 AWS_ACCESS_KEY_ID=essai AWS_SECRET_ACCESS_KEY=essai-secret
redis-cli -u "$REDIS/13" flushdb >/dev/null 2>&1 || true
redis-cli -u "$REDIS/14" flushdb >/dev/null 2>&1 || true
attendre "http://127.0.0.1:$P_S3/"
"$PY" - <<PYTHON
import boto3
boto3.client("s3", endpoint_url="http://127.0.0.1:$P_S3", region_name="eu-west-3").create_bucket(
    Bucket="suivi-essai", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
)
PYTHON

echo "-- migrations, démonstration (mode production, secrets TOTP connus), contrôle de déploiement"
export VAR_DIR="$travail/var-admin"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo --force > "$travail/demo.txt"
"$PY" manage.py check --deploy --fail-level WARNING

echo "-- deux instances gunicorn (chacune son dossier), un worker à part, nginx devant"
for instance in a b; do
  port=$P_A; [ "$instance" = b ] && port=$P_B
  VAR_DIR="$travail/var-$instance" "$PY" manage.py collectstatic --noinput -v0
  VAR_DIR="$travail/var-$instance" GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 \
    "$racine/.venv/bin/gunicorn" -c deploy/gunicorn.conf.py logisens_suivi.wsgi \
    > "$travail/gunicorn-$instance.log" 2>&1 &
  pids+=($!)
  echo $! > "$travail/gunicorn-$instance.pid"
done
VAR_DIR="$travail/var-worker" "$racine/.venv/bin/celery" -A logisens_suivi worker -l info \
  --concurrency 1 --without-heartbeat --without-mingle --without-gossip \
  > "$travail/worker.log" 2>&1 &
pids+=($!)

# Le fichier de production, tel quel, avec les ports, certificats et journaux de l'essai.
sed -e "s#127.0.0.1:8001#127.0.0.1:$P_A#; s#127.0.0.1:8002#127.0.0.1:$P_B#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$P_PROXY ssl http2;#; s#listen 80;#listen 127.0.0.1:18080;#" \
    -e "s#/etc/ssl/suivi/#$travail/#g; s#/var/log/nginx/#$travail/nginx-#g" \
    deploy/nginx/suivi.conf > "$travail/suivi.conf"
cat > "$travail/nginx.conf" <<NGINX
worker_processes 1;
pid $travail/nginx.pid;
error_log $travail/nginx-erreurs.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $travail/nginx-corps;
    proxy_temp_path $travail/nginx-proxy;
    fastcgi_temp_path $travail/nginx-fcgi;
    uwsgi_temp_path $travail/nginx-uwsgi;
    scgi_temp_path $travail/nginx-scgi;
    include $racine/deploy/nginx/journal.conf;
    include $travail/suivi.conf;
}
NGINX
nginx -t -q -c "$travail/nginx.conf" -e "$travail/nginx-erreurs.log"
nginx -c "$travail/nginx.conf" -e "$travail/nginx-erreurs.log"

attendre "http://127.0.0.1:$P_A/sante/" -H "X-Forwarded-Proto: https"
attendre "http://127.0.0.1:$P_B/sante/" -H "X-Forwarded-Proto: https"
attendre "https://127.0.0.1:$P_PROXY/sante/"

echo "-- le parcours"
ESSAI_TRAVAIL="$travail" ESSAI_PROXY="https://127.0.0.1:$P_PROXY" \
  ESSAI_A="http://127.0.0.1:$P_A" ESSAI_B="http://127.0.0.1:$P_B" \
  "$PY" deploy/essai_parcours.py

echo "-- sauvegarde chiffrée puis restauration dans une base neuve"
export GNUPGHOME="$travail/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "Sauvegardes essai <sauvegarde@essai.test>" \
  default default 1d
export SAUVEGARDE_DESTINATAIRE=sauvegarde@essai.test SAUVEGARDE_DOSSIER="$travail/sauvegardes"
sauvegarde=$(deploy/sauvegarde.sh | head -1)
if head -c 5 "$sauvegarde" | grep -q PGDMP; then echo "Sauvegarde en clair !" >&2; exit 1; fi
if gpg --batch --list-packets "$sauvegarde" 2>/dev/null | grep -q "pubkey enc packet"; then
  echo "Sauvegarde chiffrée : $(basename "$sauvegarde")"
else
  echo "La sauvegarde n'est pas chiffrée pour une clé publique." >&2; exit 1
fi
deploy/restauration.sh "$sauvegarde" "$PG/$RESTAUREE"
if deploy/restauration.sh "$sauvegarde" "$PG/$RESTAUREE" 2>/dev/null; then
  echo "Une restauration par-dessus une base non vide aurait dû être refusée." >&2; exit 1
fi
DATABASE_URL="$PG/$RESTAUREE" "$PY" manage.py migrate --check -v0
for table in menages_menage accompagnement_intervention core_journalaudit rapports_rapportsemestriel; do
  table=${table/rapports_rapportsemestriel/comites_rapportsemestriel}
  avant=$(psql "$PG/$BASE" -Atc "select count(*) from $table")
  apres=$(psql "$PG/$RESTAUREE" -Atc "select count(*) from $table")
  [ "$avant" = "$apres" ] || { echo "$table : $avant lignes, $apres restaurées" >&2; exit 1; }
  echo "  $table : $apres lignes restaurées"
done
echo "Essai de déploiement réussi."
