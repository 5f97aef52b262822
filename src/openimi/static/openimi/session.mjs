// The idle timeout without lost work (WCAG 2.2.1).
//
// - Warns before the session ends (the dialog in base.html) with a way to stay logged in.
// - When a form is sent after the session ended, keeps what was typed in this tab's
//   sessionStorage (never in a URL, never on the server) and puts it back on the same page
//   after the login; the login page says why the user had to log in again.
//
// The last contact with the server is shared by the tabs of this browser (localStorage), so
// that working in one tab keeps the others from warning.

const STASH_KEY = "openimi:typed";
const ACTIVITY_KEY = "openimi:last-activity";
const loggedIn = document.body.dataset.loggedIn === "true";
const dialog = document.getElementById("timeout-warning");

function touch() {
  window.localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
}

function idleMs() {
  return Date.now() - (Number(window.localStorage.getItem(ACTIVITY_KEY)) || Date.now());
}

// --- Keeping what was typed --------------------------------------------------------------

function typedFields(form) {
  const fields = [];
  for (const element of form.elements) {
    if (!element.name || element.disabled) continue;
    if (["hidden", "password", "file", "submit", "button", "reset"].includes(element.type)) continue;
    if (element.type === "radio" || element.type === "checkbox") {
      fields.push({ name: element.name, value: element.value, checked: element.checked });
    } else if (element.tagName === "SELECT" && element.multiple) {
      const values = [...element.selectedOptions].map((option) => option.value);
      fields.push({ name: element.name, values });
    } else {
      fields.push({ name: element.name, value: element.value });
    }
  }
  return fields;
}

function stash(form) {
  const path = new URL(form.action, window.location.href).pathname;
  const fields = typedFields(form);
  if (fields.length) {
    window.sessionStorage.setItem(STASH_KEY, JSON.stringify({ path, fields }));
  }
}

function restore() {
  const raw = window.sessionStorage.getItem(STASH_KEY);
  if (!raw || !loggedIn) return; // on the login pages: kept for after the login
  window.sessionStorage.removeItem(STASH_KEY);
  let saved;
  try {
    saved = JSON.parse(raw);
  } catch {
    return;
  }
  if (saved.path !== window.location.pathname) return;
  const forms = [...document.querySelectorAll("main form[method=post]")].filter(
    (form) => new URL(form.action, window.location.href).pathname === saved.path,
  );
  const form = forms.find((candidate) =>
    saved.fields.some((field) => candidate.elements.namedItem(field.name)),
  );
  if (!form) return;
  let first = null;
  for (const field of saved.fields) {
    const controls = form.querySelectorAll(`[name="${CSS.escape(field.name)}"]`);
    for (const control of controls) {
      if (control.type === "radio" || control.type === "checkbox") {
        if (control.value === field.value) control.checked = field.checked;
      } else if (field.values) {
        for (const option of control.options) option.selected = field.values.includes(option.value);
      } else if (control.type !== "file" && control.type !== "hidden") {
        control.value = field.value;
      } else {
        continue;
      }
      first ??= control;
    }
  }
  if (!first) return;
  const notice = document.getElementById("restored-notice");
  if (notice) {
    const banner = restoredBanner(notice.dataset.title, notice.dataset.text);
    notice.after(banner);
    banner.focus();
  }
}

function restoredBanner(title, text) {
  const banner = document.createElement("div");
  banner.className = "govuk-notification-banner";
  banner.setAttribute("role", "alert");
  banner.setAttribute("aria-labelledby", "restored-title");
  banner.tabIndex = -1;
  banner.innerHTML =
    '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="restored-title"></h2></div>' +
    '<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading"></p></div>';
  banner.querySelector("h2").textContent = title;
  banner.querySelector("p").textContent = text;
  return banner;
}

// Sent after the session ended: the server sends the login page; keep what was typed first.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!loggedIn || !dialog || !(form instanceof HTMLFormElement)) return;
    if (form.method !== "post" || !form.closest("main")) return;
    if (idleMs() >= Number(dialog.dataset.timeoutSeconds) * 1000) stash(form);
  },
  true,
);

restore();

// --- The warning -------------------------------------------------------------------------

if (loggedIn && dialog) {
  const timeoutMs = Number(dialog.dataset.timeoutSeconds) * 1000;
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const warning = dialog.querySelector("[data-timeout-state=warning]");
  const ended = dialog.querySelector("[data-timeout-state=ended]");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function showEnded() {
    warning.hidden = true;
    ended.hidden = false;
    if (!dialog.open) dialog.showModal();
    ended.querySelector("button").focus();
  }

  async function stayLoggedIn() {
    try {
      const response = await fetch(dialog.dataset.keepaliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrf },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) {
        showEnded();
        return;
      }
    } catch {
      return; // offline: the warning stays open, the user can try again
    }
    touch();
    dialog.close();
  }

  function check() {
    const idle = idleMs();
    if (idle >= timeoutMs) {
      if (ended.hidden) showEnded();
    } else if (idle >= timeoutMs - warningMs) {
      if (!dialog.open) dialog.showModal(); // focus goes to "Stay logged in"
    } else if (dialog.open && ended.hidden) {
      dialog.close(); // another tab kept the session
    }
  }

  dialog.querySelector("[data-timeout-stay]").addEventListener("click", stayLoggedIn);
  ended.querySelector("[data-timeout-login]").addEventListener("click", () => {
    for (const form of document.querySelectorAll("main form[method=post]")) {
      if (form.querySelector("textarea, input:not([type=hidden]), select")) {
        stash(form);
        break;
      }
    }
    window.location.reload(); // the login page, which brings the user back here
  });
  // Escape would close the dialog without renewing the session: it means "stay".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (ended.hidden) stayLoggedIn();
  });
  document.body.addEventListener("htmx:afterRequest", touch);
  touch();
  window.setInterval(check, 1000);
}
