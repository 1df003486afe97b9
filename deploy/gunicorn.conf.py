"""Gunicorn pour le site : `gunicorn -c deploy/gunicorn.conf.py logisens_suivi.wsgi`.

Chaque instance est sans état local (sessions en base, cache et compteurs dans Redis, fichiers
privés dans le stockage partagé) : on en démarre autant que de machines ou de ports derrière le
proxy. Réglages par l'environnement : GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Des pages surtout liées à la base : 2 processus par cœur, plus un.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Le PDF le plus long (fiche de suivi d'un ménage très suivi) tient sous ce délai ; le rapport
# semestriel est produit par le worker Celery, jamais dans une requête.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Un processus qui a servi beaucoup de requêtes est remplacé : la mémoire reste bornée.
max_requests = 2000
max_requests_jitter = 200
# Seul le proxy parle à gunicorn ; l'adresse du client vient de X-Forwarded-For, lue par
# l'application selon NOMBRE_DE_PROXYS (core.reseau), jamais par gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Journal d'accès sans la chaîne de requête (elle peut porter un nom recherché) ni le référent.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# Les en-têtes d'une requête et sa ligne restent bornés (les limites par défaut, écrites ici).
limit_request_line = 4094
limit_request_fields = 100


# Les objets chargés au démarrage et à la première page (modules, vues, gabarits compilés,
# réglages) vivent autant que le worker : gelés (`gc.freeze`), le ramasse-miettes ne les
# reparcourt plus à chaque collecte complète, qui ne voit plus que ce qu'une requête crée.
def _geler(worker):
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    _geler(worker)


def post_request(worker, req, environ, resp):
    # Après la première page et la centième servies par ce worker (les gabarits et les vues se
    # chargent à leur premier usage ; la sonde de santé ne charge presque rien).
    if req.path == "/sante/":
        return
    worker.pages_servies = getattr(worker, "pages_servies", 0) + 1
    if worker.pages_servies in (1, 100):
        _geler(worker)
