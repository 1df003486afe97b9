// Outils des tests hors réseau (tests/navigateur/test_hors_ligne.py) : lire IndexedDB tel que
// l'appareil le garde, et essayer d'en déchiffrer le contenu avec la clé de la personne connectée.

async function lireSaisies() {
  const base = await new Promise((ok, ko) => {
    const demande = indexedDB.open("suivi-hors-ligne");
    demande.onsuccess = () => ok(demande.result);
    demande.onerror = () => ko(demande.error);
  });
  const elements = await new Promise((ok, ko) => {
    const demande = base.transaction("saisies").objectStore("saisies").getAll();
    demande.onsuccess = () => ok(demande.result);
    demande.onerror = () => ko(demande.error);
  });
  base.close();
  return elements;
}

// Tout le contenu, octets compris (lus en UTF-8 et en Latin-1), en un seul texte.
function texteDe(valeur) {
  let octets = null;
  if (valeur instanceof ArrayBuffer) octets = new Uint8Array(valeur);
  else if (ArrayBuffer.isView(valeur)) octets = new Uint8Array(valeur.buffer);
  if (octets) return new TextDecoder("utf-8").decode(octets) + new TextDecoder("latin1").decode(octets);
  if (valeur && typeof valeur === "object") return Object.values(valeur).map(texteDe).join("|");
  return String(valeur);
}

async function contenuStocke() {
  const elements = await lireSaisies();
  return {
    sortes: elements.filter((element) => element.sorte).map((element) => element.sorte),
    texte: elements.map(texteDe).join("\n") + JSON.stringify(elements),
  };
}

async function nombreDeBrouillons() {
  return (await lireSaisies()).filter((element) => element.sorte === "brouillon").length;
}

async function dechiffrerAvecMaCle() {
  const elements = await lireSaisies();
  const sel = elements.find((element) => element.id === "sel-appareil").valeur;
  const reponse = await fetch(`/compte/hors-ligne/cle/?sel=${sel}`, { credentials: "same-origin" });
  const { secret } = await reponse.json();
  const encodeur = new TextEncoder();
  const materiau = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret), (c) => c.charCodeAt(0)),
    "HKDF",
    false,
    ["deriveKey"],
  );
  const cle = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encodeur.encode(sel), info: encodeur.encode("suivi-hors-ligne v1") },
    materiau,
    { name: "AES-GCM", length: 256 },
    false,
    ["decrypt"],
  );
  const issues = [];
  for (const element of elements.filter((e) => e.sorte)) {
    try {
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: element.iv, additionalData: encodeur.encode(`${element.etiquette}|${element.id}`) },
        cle,
        element.donnees,
      );
      issues.push("lue");
    } catch {
      issues.push("illisible");
    }
  }
  return issues;
}
