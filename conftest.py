import os

# Playwright (API synchrone) tourne dans une boucle asyncio : Django doit l'accepter dans les
# tests navigateur, où le serveur de test et le navigateur partagent le processus.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
