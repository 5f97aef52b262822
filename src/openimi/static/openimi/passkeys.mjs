// Passkeys (WebAuthn) on the pages of accounts/passkeys: "Add a passkey" and "Log in with a
// passkey". A form marked data-passkey="register" or "login" reads its options from the JSON
// in #passkey-options (made by the server, with a challenge kept in the session), asks the
// browser, puts the answer (JSON, base64url) into the hidden [data-passkey-credential] field
// and submits; the server verifies it. No framework, no build.
//
// Without JavaScript, or in a browser without WebAuthn, the form stays hidden and the page's
// [data-passkey-unsupported] text says so.

const toBuffer = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const toText = (buffer) => {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const descriptors = (list) => (list || []).map((item) => ({ ...item, id: toBuffer(item.id) }));

function creationOptions(json) {
  return {
    ...json,
    challenge: toBuffer(json.challenge),
    user: { ...json.user, id: toBuffer(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: toBuffer(json.challenge),
    allowCredentials: descriptors(json.allowCredentials),
  };
}

function registrationJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
  };
}

function assertionJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response: {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : undefined,
    },
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
  };
}

function showError(form, error) {
  const box = document.querySelector("[data-passkey-error]");
  if (!box) return;
  // The texts are the page's own (translated): data-text, and data-text-exists for a device
  // that already holds a passkey of this user.
  const exists = error && error.name === "InvalidStateError" && box.dataset.textExists;
  box.querySelector("[data-passkey-error-text]").textContent = exists
    ? box.dataset.textExists
    : box.dataset.text;
  box.hidden = false;
  box.focus();
}

async function ceremony(form) {
  const options = JSON.parse(document.getElementById("passkey-options").textContent);
  if (form.dataset.passkey === "register") {
    const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
    return registrationJSON(credential);
  }
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  return assertionJSON(credential);
}

function start(form) {
  const field = form.querySelector("[data-passkey-credential]");
  const button = form.querySelector("button[type=submit]");
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // No name yet: the server says so first, before the device makes a passkey for nothing.
    const name = form.querySelector("[data-passkey-name]");
    if (name && !name.value.trim()) {
      form.submit();
      return;
    }
    button.disabled = true;
    try {
      field.value = JSON.stringify(await ceremony(form));
    } catch (error) {
      button.disabled = false;
      showError(form, error);
      return;
    }
    form.submit();
  });
}

if (window.PublicKeyCredential && navigator.credentials) {
  for (const note of document.querySelectorAll("[data-passkey-unsupported]")) note.hidden = true;
  for (const form of document.querySelectorAll("form[data-passkey]")) start(form);
}
