// Comportements communs des pages (aucun script en ligne dans les gabarits).
document.addEventListener("DOMContentLoaded", () => {
  // Empêche un double envoi d'un formulaire (réseau lent sur téléphone).
  document.querySelectorAll("form[data-envoi-unique]").forEach((formulaire) => {
    formulaire.addEventListener("submit", () => {
      formulaire.querySelectorAll("button[type=submit]").forEach((bouton) => {
        bouton.disabled = true;
      });
    });
  });
});
