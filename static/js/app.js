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

document.addEventListener("DOMContentLoaded", () => {
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
document.addEventListener("htmx:load", (evenement) => appliquerLargeurs(evenement.detail.elt));
