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

// Un formulaire refusé : un résumé des erreurs en tête, chaque erreur liée à son champ, et le
// focus posé sur le résumé (le lecteur d'écran l'annonce, le clavier repart de là). Vaut pour
// tous les formulaires, y compris ceux qu'htmx remplace sur place.
function resumerErreurs(racine) {
  let premier = null;
  racine.querySelectorAll("form").forEach((formulaire) => {
    if (formulaire.dataset.resumeErreurs !== undefined) return;
    const vus = new Set();
    const champs = [...formulaire.querySelectorAll('[aria-invalid="true"], .is-invalid')].filter(
      (champ) => {
        const cle = champ.name || champ.id;
        if (!cle || vus.has(cle) || champ.type === "hidden") return false;
        vus.add(cle);
        return true;
      },
    );
    const alerte =
      formulaire.querySelector(".alert-danger") ||
      (formulaire.parentElement && formulaire.parentElement.querySelector(".alert-danger"));
    if (!champs.length && !alerte) return;
    formulaire.dataset.resumeErreurs = "";
    let resume = alerte;
    if (!resume) {
      resume = document.createElement("div");
      resume.className = "alert alert-danger";
      resume.textContent = "Ce formulaire n'est pas enregistré : corrigez ce qui est signalé.";
      formulaire.prepend(resume);
    }
    resume.setAttribute("role", "alert");
    resume.setAttribute("tabindex", "-1");
    resume.classList.add("resume-erreurs");
    if (champs.length) {
      const liste = document.createElement("ul");
      liste.className = "mb-0 mt-2";
      champs.forEach((champ) => {
        const bloc = champ.closest(".mb-3, fieldset, .form-check") || formulaire;
        const etiquette =
          (champ.id && formulaire.querySelector(`label[for="${champ.id}"]`)) ||
          bloc.querySelector("legend, label");
        const message = bloc.querySelector(".invalid-feedback, .errorlist");
        const lien = document.createElement("a");
        lien.href = `#${champ.id}`;
        const nom = etiquette ? etiquette.textContent.replace(/\*/g, "").trim() : "Champ";
        lien.textContent = message ? `${nom} : ${message.textContent.trim()}` : nom;
        lien.addEventListener("click", (evenement) => {
          evenement.preventDefault();
          champ.focus();
        });
        const element = document.createElement("li");
        element.append(lien);
        liste.append(element);
      });
      resume.append(liste);
    }
    premier = premier || resume;
  });
  if (premier) premier.focus();
}

// Une liste de choix trop longue pour être affichée entière (les personnes des équipes, les
// structures, les logements vacants d'un programme national, core.forms.choix_ou_recherche) : le
// <select> ne porte que les options choisies ; Tom Select propose les autres d'après ce qu'on
// tape, lues à data-recherche (déjà filtrées par le serveur, dans son ordre, selon les droits de
// la personne) ; data-invite et data-aucun disent ce qu'on cherche.
function listesParRecherche(racine) {
  if (typeof TomSelect === "undefined") return;
  racine.querySelectorAll("select[data-recherche]").forEach((liste) => {
    if (liste.tomselect) return;
    const adresse = liste.dataset.recherche;
    const recherche = new TomSelect(liste, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      // Le serveur a déjà choisi et trié : rien n'est écarté ni réordonné ici.
      score: () => () => 1,
      loadThrottle: 250,
      maxOptions: 20,
      plugins: liste.multiple ? ["remove_button"] : [],
      placeholder: liste.dataset.invite || "Rechercher par le nom",
      shouldLoad: (texte) => texte.trim().length >= 2,
      load: (texte, rendre) => {
        const separateur = adresse.includes("?") ? "&" : "?";
        fetch(`${adresse}${separateur}q=${encodeURIComponent(texte)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then((reponse) => (reponse.ok ? reponse.json() : { resultats: [] }))
          .then((donnees) => rendre(donnees.resultats))
          .catch(() => rendre());
      },
      render: {
        no_results: (donnees, echapper) =>
          `<div class="no-results">${echapper(liste.dataset.aucun || "Personne de ce nom.")}</div>`,
        loading: () => '<div class="p-2 small text-muted">Recherche…</div>',
      },
    });
    // Le champ de saisie de Tom Select porte l'étiquette ; le <select> d'origine, masqué, ne
    // sert plus qu'à l'envoi : les lecteurs d'écran ne le voient pas en double.
    liste.setAttribute("aria-hidden", "true");
    recherche.control_input.setAttribute("autocomplete", "off");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  listesParRecherche(document);
  zonesDefilantes(document);
  resumerErreurs(document);
  annoncer(document, true);
  envoiUnique(document);
  appliquerLargeurs(document);
});

// Empêche un double envoi d'un formulaire (réseau lent sur téléphone), qu'il soit dans la page
// ou apporté par htmx (un formulaire chargé à l'ouverture de son volet).
function envoiUnique(racine) {
  const formulaires = [...racine.querySelectorAll("form[data-envoi-unique]")];
  if (racine.matches?.("form[data-envoi-unique]")) formulaires.push(racine);
  formulaires.forEach((formulaire) => {
    formulaire.addEventListener("submit", () => {
      formulaire.querySelectorAll("button[type=submit]").forEach((bouton) => {
        bouton.disabled = true;
      });
    });
  });
}

// Ce qu'htmx change sans recharger la page est annoncé aux lecteurs d'écran : le texte des
// éléments [data-annonce] (ou la valeur de l'attribut) va dans une région « aria-live ».
let derniereAnnonce = "";
function annoncer(racine, premiereFois = false) {
  const textes = [...racine.querySelectorAll("[data-annonce]")].map(
    (element) => element.dataset.annonce || element.textContent.replace(/\s+/g, " ").trim(),
  );
  const texte = textes.join(" ; ");
  if (texte === derniereAnnonce) return;
  derniereAnnonce = texte;
  let region = document.getElementById("annonces");
  if (!region) {
    region = document.createElement("div");
    region.id = "annonces";
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    region.setAttribute("role", "status");
    document.body.append(region);
  }
  // Au chargement, la région naît vide : seuls les changements qui suivent sont annoncés.
  if (!premiereFois) region.textContent = texte;
}

document.addEventListener("htmx:afterSettle", () => annoncer(document));

// Après un échange htmx, le focus ne se perd pas : s'il était sur un élément remplacé (le bouton
// qui a envoyé le formulaire), il va à la zone remplacée, d'où le clavier repart.
document.addEventListener("htmx:afterSettle", (evenement) => {
  const cible = evenement.detail.target;
  const actif = document.activeElement;
  if (!cible || !cible.isConnected) return;
  if (actif && actif !== document.body && actif.isConnected) return;
  if (!cible.hasAttribute("tabindex")) cible.setAttribute("tabindex", "-1");
  cible.focus();
});

// Contenu apporté par htmx.
document.addEventListener("htmx:load", (evenement) => {
  listesParRecherche(evenement.detail.elt);
  appliquerLargeurs(evenement.detail.elt);
  zonesDefilantes(document);
  resumerErreurs(evenement.detail.elt);
  envoiUnique(evenement.detail.elt);
});
