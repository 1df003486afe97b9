// Avertissement avant la fin de la session (core/sessions.py).
//
// Deux minutes avant la fin, un encadré prévient la personne et lui propose de rester
// connectée, pour qu'un formulaire en cours de saisie ne soit pas perdu. À la fin, la page est
// rechargée : le serveur termine la session et ramène à la connexion avec un message (le contenu
// affiché disparaît de l'écran). Avant d'avertir ou de recharger, le script demande au serveur le
// temps qui reste vraiment : une activité dans un autre onglet a pu prolonger la session.
(() => {
  const AVANCE_MS = 2 * 60 * 1000;
  const encadre = document.getElementById("avertissement-session");
  if (!encadre) return;

  const { etatUrl, prolongerUrl, csrf } = encadre.dataset;
  const bouton = encadre.querySelector("[data-rester-connecte]");
  const texteProlongeable = encadre.querySelector("[data-si-prolongeable]");
  const texteDureeMaximale = encadre.querySelector("[data-si-duree-maximale]");
  let echeance = 0;
  let minuteur = null;
  let rebours = null;

  function cacher() {
    encadre.hidden = true;
    clearInterval(rebours);
  }

  function planifier(resteSecondes) {
    echeance = Date.now() + resteSecondes * 1000;
    clearTimeout(minuteur);
    cacher();
    minuteur = setTimeout(verifier, Math.max(0, echeance - AVANCE_MS - Date.now()));
  }

  function ecrireRebours() {
    const secondes = Math.max(0, Math.round((echeance - Date.now()) / 1000));
    const texte =
      secondes >= 60 ? `${Math.floor(secondes / 60)} min ${String(secondes % 60).padStart(2, "0")} s` : `${secondes} s`;
    encadre.querySelectorAll("[data-compte-a-rebours]").forEach((zone) => {
      zone.textContent = texte;
    });
  }

  function montrer(etat) {
    texteProlongeable.hidden = !etat.prolongeable;
    texteDureeMaximale.hidden = etat.prolongeable;
    bouton.hidden = !etat.prolongeable;
    encadre.hidden = false;
    ecrireRebours();
    clearInterval(rebours);
    rebours = setInterval(ecrireRebours, 1000);
  }

  function terminer() {
    // Une nouvelle demande de la page (GET) : le serveur constate la fin et redirige.
    window.location.assign(window.location.href);
  }

  async function demander(url, options) {
    // redirect "manual" : une session déjà terminée répond par une redirection vers la
    // connexion, que la page entière doit suivre (le message s'y affichera).
    const reponse = await fetch(url, { credentials: "same-origin", redirect: "manual", ...options });
    if (!reponse.ok) return null;
    return reponse.json();
  }

  async function verifier() {
    let etat;
    try {
      etat = await demander(etatUrl, { headers: { Accept: "application/json" } });
    } catch {
      // Réseau coupé : on réessaie dans 30 secondes.
      minuteur = setTimeout(verifier, 30 * 1000);
      return;
    }
    if (!etat || etat.reste <= 0) {
      terminer();
      return;
    }
    if (etat.reste * 1000 > AVANCE_MS + 5000) {
      planifier(etat.reste); // prolongée ailleurs (autre onglet)
      return;
    }
    echeance = Date.now() + etat.reste * 1000;
    montrer(etat);
    clearTimeout(minuteur);
    minuteur = setTimeout(verifier, etat.reste * 1000 + 1000);
  }

  bouton.addEventListener("click", async () => {
    bouton.disabled = true;
    try {
      const etat = await demander(prolongerUrl, {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
      });
      if (etat && etat.reste > 0) planifier(etat.reste);
      else terminer();
    } catch {
      // Réseau coupé : l'encadré reste, la personne peut réessayer.
    } finally {
      bouton.disabled = false;
    }
  });

  // Chaque réponse htmx dit le temps restant (en-tête X-Session-Reste).
  document.addEventListener("htmx:afterRequest", (evenement) => {
    const reste = evenement.detail.xhr && evenement.detail.xhr.getResponseHeader("X-Session-Reste");
    if (reste) planifier(Number(reste));
  });

  // Un onglet en arrière-plan peut avoir vu ses minuteurs retardés : on vérifie au retour.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() >= echeance - AVANCE_MS) verifier();
  });

  planifier(Number(encadre.dataset.reste));
})();
