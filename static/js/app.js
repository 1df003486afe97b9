// Comportements communs des pages (aucun script en ligne dans les gabarits : la
// Content-Security-Policy les refuserait).

// Largeurs des barres d'avancement, lues dans data-largeur (un attribut style="" serait refusé
// par la CSP ; une propriété posée par script ne l'est pas).
function appliquerLargeurs(racine) {
  racine.querySelectorAll("[data-largeur]").forEach((barre) => {
    const pourcentage = Math.min(100, Math.max(0, Number(barre.dataset.largeur) || 0));
    barre.style.width = `${pourcentage}%`;
  });
}

// Un tableau plus large que l'écran défile dans sa zone : la zone devient atteignable au clavier
// et nommée (le titre de sa carte ou sa légende), comme le demande le RGAA.
function zonesDefilantes(racine) {
  racine.querySelectorAll(".table-responsive").forEach((zone) => {
    const defile = zone.scrollWidth > zone.clientWidth + 1;
    if (defile && !zone.hasAttribute("tabindex")) {
      const carte = zone.closest("section, .card");
      const titre =
        zone.querySelector("caption") ||
        (carte && carte.querySelector("h2, h3, .card-header")) ||
        document.querySelector("h1");
      zone.setAttribute("tabindex", "0");
      zone.setAttribute("role", "region");
      zone.setAttribute(
        "aria-label",
        `${titre ? titre.textContent.trim() : "Tableau"} (défile horizontalement)`,
      );
      zone.dataset.zoneDefilante = "";
    } else if (!defile && zone.dataset.zoneDefilante !== undefined) {
      zone.removeAttribute("tabindex");
      zone.removeAttribute("role");
      zone.removeAttribute("aria-label");
      delete zone.dataset.zoneDefilante;
    }
  });
}

window.addEventListener("resize", () => zonesDefilantes(document));

document.addEventListener("DOMContentLoaded", () => {
  zonesDefilantes(document);
  // Empêche un double envoi d'un formulaire (réseau lent sur téléphone).
  document.querySelectorAll("form[data-envoi-unique]").forEach((formulaire) => {
    formulaire.addEventListener("submit", () => {
      formulaire.querySelectorAll("button[type=submit]").forEach((bouton) => {
        bouton.disabled = true;
      });
    });
  });
  appliquerLargeurs(document);
});

// Contenu apporté par htmx.
document.addEventListener("htmx:load", (evenement) => {
  appliquerLargeurs(evenement.detail.elt);
  zonesDefilantes(document);
});
