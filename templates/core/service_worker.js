// Service worker de l'application installable (servi par core/hors_ligne.py à /sw.js).
//
// Il ne garde que les fichiers statiques (styles, scripts, icônes) : une page, un fragment,
// un PDF ou un export ne passe jamais par son cache. Tout ce qui n'est pas sous le préfixe des
// fichiers statiques va au réseau comme s'il n'existait pas.
// Les trois valeurs sont du JSON écrit par la vue (json.dumps) à partir de ce que le serveur
// connaît seul (empreinte des fichiers, STATIC_URL, chemins des fichiers statiques) : aucune
// saisie n'y entre, et ce fichier est du JavaScript, pas du HTML ; l'échappement HTML le
// casserait, d'où |safe.
const VERSION = {{ version|safe }};
const CACHE = `suivi-statiques-${VERSION}`;
const PREFIXE = {{ prefixe|safe }};
const FICHIERS = {{ fichiers|safe }};

self.addEventListener("install", (evenement) => {
  evenement.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FICHIERS))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (evenement) => {
  evenement.waitUntil(
    caches
      .keys()
      .then((noms) =>
        Promise.all(noms.filter((nom) => nom.startsWith("suivi-") && nom !== CACHE).map((nom) => caches.delete(nom))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (evenement) => {
  const requete = evenement.request;
  const adresse = new URL(requete.url);
  if (requete.method !== "GET" || adresse.origin !== self.location.origin) return;
  if (!adresse.pathname.startsWith(PREFIXE)) return; // pages et données : le réseau seul
  // Le fichier gardé répond tout de suite ; la version du réseau le remplace pour la fois
  // suivante (sur un réseau faible, la page s'affiche sans attendre ses styles).
  evenement.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const gardee = await cache.match(requete, { ignoreSearch: true });
      const fraiche = fetch(requete)
        .then((reponse) => {
          if (reponse.ok && reponse.type === "basic") cache.put(requete, reponse.clone());
          return reponse;
        })
        .catch(() => gardee);
      if (gardee) {
        evenement.waitUntil(fraiche);
        return gardee;
      }
      return fraiche;
    }),
  );
});
