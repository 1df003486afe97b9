// Sur le terrain, sans réseau : rien de ce qui est saisi ne se perd (core/hors_ligne.py).
//
// Les formulaires marqués `data-hors-ligne` (intervention, bilan, avancement d'un objectif) :
// - gardent un brouillon sur l'appareil pendant la frappe, retrouvé au retour sur la page ;
// - envoyés sans réseau, sont mis en file d'attente (« enregistrée sur cet appareil, sera
//   envoyée ») et partent au retour de la connexion. Chaque saisie porte un identifiant tiré ici
//   (`uuid_client`) : un second envoi ramène à la saisie déjà enregistrée, jamais à un doublon.
//
// Brouillons et file d'attente sont chiffrés (AES-GCM) dans IndexedDB. La clé est dérivée (HKDF)
// d'un secret propre à la personne et à l'appareil, que le serveur donne aux seules pages d'une
// personne connectée ; elle n'est jamais écrite sur l'appareil. Chaque saisie est rangée sous
// l'étiquette de sa personne : une autre personne ne la voit ni ne la lit, et ne l'envoie pas.
// Une session terminée garde les saisies jusqu'à ce que la même personne se reconnecte ; une
// déconnexion volontaire les efface (après avertissement s'il en reste à envoyer) ; toutes sont
// effacées après le délai de conservation (HORS_LIGNE_CONSERVATION_HEURES).
(() => {
  if (!window.indexedDB || !window.crypto || !window.crypto.subtle) return;

  const NOM_BASE = "suivi-hors-ligne";
  const MAGASIN = "saisies";
  const ID_SEL = "sel-appareil";
  const meta = (nom) => {
    const balise = document.querySelector(`meta[name="${nom}"]`);
    return balise ? balise.content : null;
  };
  const adresseCle = meta("hors-ligne-cle");
  const conservationMs = (Number(meta("hors-ligne-conservation")) || 72) * 3600 * 1000;
  const encodeur = new TextEncoder();
  // La clé arrive du serveur après le chargement : un brouillon n'est repris que s'il a été
  // gardé avant l'ouverture de cette page, et jamais par-dessus ce que la personne a commencé à
  // taper ici entre-temps (une case cochée se décocherait sous son doigt) ; il lui est alors
  // proposé.
  const ouverteLe = Date.now();
  const touches = new WeakSet();
  const decodeur = new TextDecoder();

  // --- IndexedDB ---------------------------------------------------------------------------
  let base = null;
  function ouvrirBase() {
    if (!base) {
      base = new Promise((resoudre, rejeter) => {
        const demande = indexedDB.open(NOM_BASE, 1);
        demande.onupgradeneeded = () => demande.result.createObjectStore(MAGASIN, { keyPath: "id" });
        demande.onsuccess = () => resoudre(demande.result);
        demande.onerror = () => rejeter(demande.error);
      });
    }
    return base;
  }

  async function operation(mode, geste) {
    const connexion = await ouvrirBase();
    return new Promise((resoudre, rejeter) => {
      const transaction = connexion.transaction(MAGASIN, mode);
      const demande = geste(transaction.objectStore(MAGASIN));
      transaction.oncomplete = () => resoudre(demande ? demande.result : undefined);
      transaction.onerror = () => rejeter(transaction.error);
      transaction.onabort = () => rejeter(transaction.error);
    });
  }
  const lire = (id) => operation("readonly", (magasin) => magasin.get(id));
  const ecrire = (element) => operation("readwrite", (magasin) => magasin.put(element));
  const effacer = (id) => operation("readwrite", (magasin) => magasin.delete(id));
  const toutes = () => operation("readonly", (magasin) => magasin.getAll());

  // --- Outils --------------------------------------------------------------------------------
  function enBase64Url(octets) {
    let binaire = "";
    octets.forEach((octet) => {
      binaire += String.fromCharCode(octet);
    });
    return btoa(binaire).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function depuisBase64(texte) {
    return Uint8Array.from(atob(texte), (caractere) => caractere.charCodeAt(0));
  }

  async function empreinte(texte) {
    const octets = await crypto.subtle.digest("SHA-256", encodeur.encode(texte));
    return enBase64Url(new Uint8Array(octets));
  }

  function nouvelIdentifiant() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const o = crypto.getRandomValues(new Uint8Array(16));
    o[6] = (o[6] & 0x0f) | 0x40;
    o[8] = (o[8] & 0x3f) | 0x80;
    const h = Array.from(o, (octet) => octet.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // Le sel de l'appareil n'est pas secret : il fait seulement que le secret d'une personne
  // diffère d'un appareil à l'autre.
  async function selDeLAppareil() {
    const element = await lire(ID_SEL);
    if (element) return element.valeur;
    const sel = enBase64Url(crypto.getRandomValues(new Uint8Array(24)));
    await ecrire({ id: ID_SEL, valeur: sel });
    return sel;
  }

  // --- La clé de la personne connectée ---------------------------------------------------------
  let session = null; // { cle, etiquette, csrf }

  async function ouvrirSession() {
    if (!adresseCle) return null;
    const sel = await selDeLAppareil();
    let reponse;
    try {
      reponse = await fetch(`${adresseCle}?sel=${encodeURIComponent(sel)}`, {
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      });
    } catch {
      return null; // pas de réseau : la page ne chiffrera rien de nouveau
    }
    if (!reponse.ok) return null;
    const donnees = await reponse.json();
    const materiau = await crypto.subtle.importKey("raw", depuisBase64(donnees.secret), "HKDF", false, [
      "deriveKey",
    ]);
    const cle = await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: encodeur.encode(sel), info: encodeur.encode("suivi-hors-ligne v1") },
      materiau,
      { name: "AES-GCM", length: 256 },
      false, // non extractible : la clé ne sort pas du navigateur
      ["encrypt", "decrypt"],
    );
    return { cle, etiquette: donnees.etiquette, csrf: donnees.csrf };
  }

  async function chiffrer(id, contenu) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const donnees = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: encodeur.encode(`${session.etiquette}|${id}`) },
      session.cle,
      encodeur.encode(JSON.stringify(contenu)),
    );
    return { iv, donnees };
  }

  async function dechiffrer(element) {
    try {
      const clair = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: element.iv, additionalData: encodeur.encode(`${element.etiquette}|${element.id}`) },
        session.cle,
        element.donnees,
      );
      return JSON.parse(decodeur.decode(clair));
    } catch {
      return null;
    }
  }

  async function garder(id, sorte, contenu) {
    const { iv, donnees } = await chiffrer(id, contenu);
    await ecrire({ id, sorte, etiquette: session.etiquette, cree_le: Date.now(), iv, donnees });
  }

  async function mesSaisies(sorte) {
    if (!session) return [];
    return (await toutes())
      .filter((element) => element.etiquette === session.etiquette && (!sorte || element.sorte === sorte))
      .sort((a, b) => a.cree_le - b.cree_le);
  }

  // Au-delà du délai de conservation, tout part de l'appareil, envoyé ou non.
  async function purgerLesAnciennes() {
    const limite = Date.now() - conservationMs;
    const anciennes = (await toutes()).filter((element) => element.cree_le && element.cree_le < limite);
    await Promise.all(anciennes.map((element) => effacer(element.id)));
  }

  // --- Ce que voit la personne ------------------------------------------------------------------
  let zone = null;
  function zoneDEtat() {
    if (!zone) {
      zone = document.createElement("div");
      zone.className = "hors-ligne-etat";
      zone.setAttribute("role", "status");
      zone.setAttribute("aria-live", "polite");
      const contenu = document.getElementById("contenu") || document.body;
      contenu.prepend(zone);
    }
    return zone;
  }

  function annoncer(texte, genre = "info", lien = null) {
    const alerte = document.createElement("div");
    alerte.className = `alert alert-${genre} d-flex flex-wrap gap-2 align-items-center`;
    alerte.dataset.horsLigneAnnonce = "";
    const phrase = document.createElement("span");
    phrase.textContent = texte;
    alerte.append(phrase);
    if (lien) {
      const a = document.createElement("a");
      a.href = lien.adresse;
      a.textContent = lien.texte;
      alerte.append(a);
    }
    zoneDEtat().append(alerte);
    return alerte;
  }

  async function afficherLaFile() {
    const enAttente = await mesSaisies("envoi");
    let bandeau = document.querySelector("[data-hors-ligne-file]");
    if (!enAttente.length) {
      if (bandeau) bandeau.remove();
      return;
    }
    if (!bandeau) {
      bandeau = document.createElement("div");
      bandeau.className = "alert alert-warning";
      bandeau.dataset.horsLigneFile = "";
      zoneDEtat().prepend(bandeau);
    }
    const n = enAttente.length;
    bandeau.textContent =
      n === 1
        ? "1 saisie attend sur cet appareil : elle sera envoyée au retour du réseau."
        : `${n} saisies attendent sur cet appareil : elles seront envoyées au retour du réseau.`;
  }

  // --- Formulaires -------------------------------------------------------------------------------
  const cheminDe = (formulaire) => new URL(formulaire.action || window.location.href).pathname;

  function lireFormulaire(formulaire) {
    return Array.from(new FormData(formulaire).entries()).filter(
      ([nom, valeur]) => nom !== "csrfmiddlewaretoken" && typeof valeur === "string",
    );
  }

  function remplirFormulaire(formulaire, paires) {
    const valeurs = new Map();
    paires.forEach(([nom, valeur]) => {
      if (!valeurs.has(nom)) valeurs.set(nom, []);
      valeurs.get(nom).push(valeur);
    });
    const restantes = new Map(Array.from(valeurs, ([nom, liste]) => [nom, [...liste]]));
    Array.from(formulaire.elements).forEach((champ) => {
      if (!champ.name || champ.name === "csrfmiddlewaretoken" || champ.type === "submit") return;
      const liste = valeurs.get(champ.name) || [];
      if (champ.type === "checkbox" || champ.type === "radio") {
        champ.checked = liste.includes(champ.value);
      } else if (champ.type === "select-multiple") {
        Array.from(champ.options).forEach((option) => {
          option.selected = liste.includes(option.value);
        });
      } else if (restantes.has(champ.name) && restantes.get(champ.name).length) {
        champ.value = restantes.get(champ.name).shift();
      }
    });
  }

  function identifiantDuFormulaire(formulaire) {
    const champ = formulaire.querySelector('input[name="uuid_client"]');
    if (champ && !champ.value) champ.value = nouvelIdentifiant();
    return champ;
  }

  async function idBrouillon(chemin) {
    return `brouillon|${await empreinte(`${session.etiquette}|${chemin}`)}`;
  }

  async function garderBrouillon(chemin, paires, libelle, accord, refus = false) {
    const id = await idBrouillon(chemin);
    await garder(id, "brouillon", { chemin, paires, libelle, accord, refus, le: Date.now() });
  }

  // « L'intervention est enregistrée », « Le bilan est enregistré » : l'accord du libellé.
  const accordDe = (formulaire) => (formulaire.hasAttribute("data-hors-ligne-masculin") ? "" : "e");

  function envoyer(cible, paires, csrf) {
    const corps = new URLSearchParams();
    corps.append("csrfmiddlewaretoken", csrf);
    paires.forEach(([nom, valeur]) => corps.append(nom, valeur));
    return fetch(cible, {
      method: "POST",
      body: corps,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Envoi-Differe": "1", "X-CSRFToken": csrf },
    });
  }

  // « enregistre », « connexion » (session terminée) ou « refuse » (formulaire à corriger,
  // droit refusé : le serveur a répondu par une page).
  async function issueDe(reponse) {
    if (reponse.headers.get("X-Envoi-Differe")) {
      try {
        return await reponse.json();
      } catch {
        return { etat: "refuse" };
      }
    }
    return { etat: "refuse", statut: reponse.status };
  }

  async function mettreEnFile(formulaire, paires, libelle, pourquoi) {
    const e = accordDe(formulaire);
    const identifiant = identifiantDuFormulaire(formulaire);
    const uuid = (identifiant && identifiant.value) || nouvelIdentifiant();
    const contenu = {
      cible: cheminDe(formulaire),
      paires,
      libelle,
      accord: e,
      page: window.location.pathname,
      titre: document.title,
    };
    await garder(`envoi|${uuid}`, "envoi", contenu);
    await effacer(await idBrouillon(cheminDe(formulaire)));
    formulaire.reset();
    if (identifiant) identifiant.value = nouvelIdentifiant();
    // Le brouillon n'est plus : son annonce non plus.
    document.querySelectorAll("[data-hors-ligne-brouillon]").forEach((annonce) => annonce.remove());
    const alerte = annoncer(
      pourquoi === "connexion"
        ? `${libelle} est enregistré${e} sur cet appareil, chiffré${e} : votre session a pris fin, ${e ? "elle" : "il"} sera envoyé${e} quand vous vous reconnecterez.`
        : `${libelle} est enregistré${e} sur cet appareil, sera envoyé${e} dès le retour du réseau.`,
      "warning",
      pourquoi === "connexion" ? { adresse: window.location.href, texte: "Se reconnecter" } : null,
    );
    // Sur un téléphone, le bouton est en bas de page : on amène la personne au message.
    alerte.tabIndex = -1;
    alerte.focus();
    afficherLaFile();
  }

  function reactiver(formulaire) {
    formulaire.querySelectorAll("button[type=submit]").forEach((bouton) => {
      bouton.disabled = false;
    });
  }

  function surveillerFormulaire(formulaire) {
    const libelle = formulaire.dataset.horsLigne || "La saisie";
    const chemin = cheminDe(formulaire);
    identifiantDuFormulaire(formulaire);
    let minuteur = null;
    const noterBrouillon = () => {
      touches.add(formulaire);
      clearTimeout(minuteur);
      minuteur = setTimeout(() => {
        if (session) garderBrouillon(chemin, lireFormulaire(formulaire), libelle, accordDe(formulaire));
      }, 400);
    };
    formulaire.addEventListener("input", noterBrouillon);
    formulaire.addEventListener("change", noterBrouillon);

    formulaire.addEventListener("submit", async (evenement) => {
      if (formulaire.dataset.envoiNatif) return;
      evenement.preventDefault();
      clearTimeout(minuteur);
      const paires = lireFormulaire(formulaire);
      const csrfChamp = formulaire.querySelector('input[name="csrfmiddlewaretoken"]');
      const csrf = (session && session.csrf) || (csrfChamp && csrfChamp.value) || "";
      const enregistrerIci = async (pourquoi) => {
        if (!session) {
          reactiver(formulaire);
          annoncer(
            `${libelle} n'a pas pu partir ni être gardée sur cet appareil : laissez cette page ouverte et réessayez au retour du réseau.`,
            "danger",
          );
          return;
        }
        await mettreEnFile(formulaire, paires, libelle, pourquoi);
        reactiver(formulaire);
      };
      if (!navigator.onLine) {
        await enregistrerIci("reseau");
        return;
      }
      let reponse;
      try {
        reponse = await envoyer(cheminDe(formulaire), paires, csrf);
      } catch {
        await enregistrerIci("reseau"); // le réseau a lâché pendant l'envoi
        return;
      }
      const issue = await issueDe(reponse);
      if (issue.etat === "enregistre") {
        if (session) await effacer(await idBrouillon(chemin));
        window.location.assign(issue.redirection);
      } else if (issue.etat === "connexion") {
        await enregistrerIci("connexion");
      } else {
        // Le serveur refuse (saisie à corriger, droit) : on lui laisse la page, qui garde la
        // saisie et dit quoi corriger. Rien n'a été enregistré, le même identifiant repart.
        formulaire.dataset.envoiNatif = "1";
        HTMLFormElement.prototype.submit.call(formulaire);
      }
    });
  }

  async function retrouverBrouillon(formulaire) {
    // Une page renvoyée avec des erreurs montre déjà ce qui a été saisi.
    if (formulaire.querySelector(".is-invalid, .errorlist")) return;
    const id = await idBrouillon(cheminDe(formulaire));
    const element = await lire(id);
    if (!element) return;
    const brouillon = await dechiffrer(element);
    if (!brouillon || brouillon.le >= ouverteLe) return;
    const heure = new Date(brouillon.le).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
    if (touches.has(formulaire)) {
      const proposition = annoncer(`Un brouillon saisi à ${heure} est gardé sur cet appareil.`, "info");
      proposition.dataset.horsLigneBrouillon = "";
      const reprendre = document.createElement("button");
      reprendre.type = "button";
      reprendre.className = "btn btn-outline-secondary ms-auto";
      reprendre.textContent = "Reprendre ce brouillon";
      reprendre.addEventListener("click", async () => {
        remplirFormulaire(formulaire, brouillon.paires);
        await garderBrouillon(cheminDe(formulaire), brouillon.paires, brouillon.libelle, brouillon.accord);
        proposition.remove();
      });
      proposition.append(reprendre);
      return;
    }
    remplirFormulaire(formulaire, brouillon.paires);
    const alerte = annoncer(
      brouillon.refus
        ? `${brouillon.libelle} n'a pas été accepté${brouillon.accord} par le serveur : ${brouillon.accord ? "la" : "le"} voici, à vérifier avant de l'enregistrer de nouveau.`
        : `Brouillon retrouvé sur cet appareil (saisi à ${heure}).`,
      brouillon.refus ? "danger" : "info",
    );
    alerte.dataset.horsLigneBrouillon = "";
    const bouton = document.createElement("button");
    bouton.type = "button";
    bouton.className = "btn btn-outline-secondary ms-auto";
    bouton.textContent = "Effacer le brouillon";
    bouton.addEventListener("click", async () => {
      await effacer(id);
      formulaire.reset();
      const identifiant = formulaire.querySelector('input[name="uuid_client"]');
      if (identifiant) identifiant.value = nouvelIdentifiant();
      alerte.remove();
    });
    alerte.append(bouton);
  }

  // --- Envoi de la file d'attente ----------------------------------------------------------------
  let envoiEnCours = false;

  async function envoyerLaFile() {
    if (!session || !navigator.onLine || envoiEnCours) return;
    envoiEnCours = true;
    try {
      // Avant d'envoyer, le serveur confirme que la session de cette personne vit encore et
      // donne un jeton CSRF à jour : après une fin de session ou un changement de personne,
      // rien ne part (et rien ne serait pris pour un refus).
      if (!(await mesSaisies("envoi")).length) return;
      const confirmee = await ouvrirSession();
      if (!confirmee || confirmee.etiquette !== session.etiquette) return;
      session = confirmee;
      const geste = async () => {
        for (const element of await mesSaisies("envoi")) {
          // Un autre onglet a pu l'envoyer entre-temps.
          if (!(await lire(element.id))) continue;
          const contenu = await dechiffrer(element);
          if (!contenu) continue;
          let reponse;
          try {
            reponse = await envoyer(contenu.cible, contenu.paires, session.csrf);
          } catch {
            return; // toujours pas de réseau : au prochain retour
          }
          const issue = await issueDe(reponse);
          if (issue.etat === "enregistre") {
            await effacer(element.id);
            const e = contenu.accord;
            annoncer(`${contenu.libelle} saisi${e} sur cet appareil est envoyé${e} et enregistré${e}.`, "success", {
              adresse: issue.redirection,
              texte: "Voir",
            });
          } else if (issue.etat === "connexion") {
            session = null; // la session a pris fin : on attend la reconnexion
            return;
          } else {
            // Refusée par le serveur : elle redevient un brouillon, à corriger sur sa page.
            await garderBrouillon(contenu.cible, contenu.paires, contenu.libelle, contenu.accord, true);
            await effacer(element.id);
            annoncer(`${contenu.libelle} saisi${contenu.accord} sur cet appareil n'a pas été accepté${contenu.accord}.`, "danger", {
              adresse: contenu.page,
              texte: "La reprendre",
            });
          }
        }
      };
      // Un seul onglet envoie à la fois ; le serveur écarte de toute façon un second envoi.
      if (navigator.locks) await navigator.locks.request("suivi-hors-ligne-envoi", geste);
      else await geste();
    } finally {
      envoiEnCours = false;
      afficherLaFile();
    }
  }

  // --- Déconnexion volontaire : on efface ce que la personne a laissé sur l'appareil ------------
  function surveillerDeconnexion(formulaire) {
    formulaire.addEventListener("submit", async (evenement) => {
      if (formulaire.dataset.envoiNatif) return;
      evenement.preventDefault();
      if (!session) session = await ouvrirSession();
      if (session) {
        await envoyerLaFile();
        const restantes = await mesSaisies("envoi");
        if (restantes.length) {
          const n = restantes.length;
          const phrase =
            n === 1 ? "1 saisie n'est pas encore envoyée" : `${n} saisies ne sont pas encore envoyées`;
          // eslint-disable-next-line no-alert
          if (!window.confirm(`${phrase} : elle sera effacée de cet appareil. Se déconnecter quand même ?`)) return;
        }
        await Promise.all((await mesSaisies()).map((element) => effacer(element.id)));
      }
      formulaire.dataset.envoiNatif = "1";
      HTMLFormElement.prototype.submit.call(formulaire);
    });
  }

  // --- Démarrage ---------------------------------------------------------------------------------
  async function demarrer() {
    // Les formulaires sont pris en charge tout de suite, avant toute attente.
    const formulaires = Array.from(document.querySelectorAll("form[data-hors-ligne]"));
    document.querySelectorAll("form[data-deconnexion]").forEach(surveillerDeconnexion);
    formulaires.forEach(surveillerFormulaire);
    try {
      await purgerLesAnciennes();
    } catch {
      return; // IndexedDB indisponible (navigation privée stricte) : les formulaires partent
    }
    if (!adresseCle) {
      // Page de connexion : dire que des saisies attendent leur personne.
      const enAttente = (await toutes()).filter((element) => element.sorte === "envoi");
      if (enAttente.length) {
        annoncer(
          "Des saisies attendent sur cet appareil : elles partiront quand la personne qui les a faites se reconnectera.",
          "warning",
        );
      }
      return;
    }
    session = await ouvrirSession();
    if (!session) return;
    document.documentElement.dataset.horsLignePret = "";
    await Promise.all(formulaires.map(retrouverBrouillon));
    await afficherLaFile();
    await envoyerLaFile();
    document.documentElement.dataset.horsLigneEnvoye = "";
  }

  window.addEventListener("online", async () => {
    if (!session && adresseCle) session = await ouvrirSession();
    envoyerLaFile();
  });
  // Sur un réseau qui va et vient sans événement, on réessaie de temps en temps.
  setInterval(() => {
    if (session) envoyerLaFile();
  }, 30 * 1000);

  const service = meta("hors-ligne-service-worker");
  if (service && navigator.serviceWorker) {
    navigator.serviceWorker.register(service, { scope: "/" }).catch(() => {});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", demarrer);
  else demarrer();
})();
