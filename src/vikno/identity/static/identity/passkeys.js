// Passkeys (WebAuthn): progressive enhancement of the sign-in, first sign-in and security pages.
//
// A form marked data-passkey="get" or "create" asks the portal for options (POST to data-passkey-options,
// with the form's CSRF token), hands them to the browser (navigator.credentials), puts the browser's answer as
// JSON in the form's hidden "credential" field and submits the form: the portal answers with a normal page.
// Without JavaScript, or in a browser without WebAuthn, the [data-passkey-only] parts stay hidden and the
// [data-passkey-fallback] parts stay shown. Messages come translated from the page (data-* attributes).

const supported = typeof window.PublicKeyCredential === "function" && Boolean(navigator.credentials);

// --- base64url (RFC 4648, section 5, without padding) -------------------------------------------------------
function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// --- Options from the portal (JSON) into what the browser takes, and the browser's answer back ---------------
function withIds(descriptors) {
  return (descriptors || []).map((descriptor) => ({ ...descriptor, id: fromBase64url(descriptor.id) }));
}

function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  };
}

function requestOptions(json) {
  return { ...json, challenge: fromBase64url(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function credentialJSON(credential) {
  const response = credential.response;
  const answer = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if (response.attestationObject) {
    answer.attestationObject = toBase64url(response.attestationObject);
    answer.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
  } else {
    answer.authenticatorData = toBase64url(response.authenticatorData);
    answer.signature = toBase64url(response.signature);
    answer.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
  }
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || null,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: answer,
  });
}

// --- Errors, in the GOV.UK error-summary pattern --------------------------------------------------------------
class PortalRefused extends Error {}

function showError(message) {
  const holder = document.querySelector("[data-passkey-errors]");
  if (!holder) return;
  document.querySelectorAll(".govuk-error-summary").forEach((summary) => {
    if (!holder.contains(summary)) summary.hidden = true; // an older summary from the server
  });
  holder.querySelector("[data-passkey-error-message]").textContent = message;
  holder.hidden = false;
  const summary = holder.querySelector(".govuk-error-summary");
  summary.focus();
  summary.scrollIntoView();
}

function messageFor(error) {
  const messages = document.querySelector("[data-passkey-errors]")?.dataset || {};
  if (error instanceof PortalRefused && error.message) return error.message;
  if (error && error.name === "NotAllowedError") return messages.notAllowed;
  if (error && error.name === "InvalidStateError") return messages.exists;
  return messages.failed;
}

// --- The ceremony -------------------------------------------------------------------------------------------
async function fetchOptions(form) {
  let response;
  try {
    response = await fetch(form.dataset.passkeyOptions, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    });
  } catch {
    throw new PortalRefused("");
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || !body) throw new PortalRefused((body && body.error) || "");
  return body;
}

async function ceremony(form) {
  const options = await fetchOptions(form);
  const credential =
    form.dataset.passkey === "create"
      ? await navigator.credentials.create({ publicKey: creationOptions(options) })
      : await navigator.credentials.get({ publicKey: requestOptions(options) });
  if (!credential) throw new Error("no credential");
  return credentialJSON(credential);
}

function enhance(form) {
  const button = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async (event) => {
    const name = form.elements.name;
    if (name && !name.value.trim()) return; // the portal says what is missing, as without JavaScript
    event.preventDefault();
    if (button) button.disabled = true;
    try {
      form.elements.credential.value = await ceremony(form);
      form.submit();
    } catch (error) {
      if (button) button.disabled = false;
      showError(messageFor(error));
    }
  });
}

if (supported) {
  document.querySelectorAll("[data-passkey-only]").forEach((element) => {
    element.hidden = false;
  });
  document.querySelectorAll("[data-passkey-fallback]").forEach((element) => {
    element.hidden = true;
  });
  document.querySelectorAll("form[data-passkey]").forEach(enhance);
}
