// Starts the GOV.UK Frontend components (error summary, service navigation, notification
// banners, skip link…) on every page. Loaded by base.html as a module from 'self' (CSP).
// The texts the components write themselves come in the reader's language from base.html
// (common/frontend_i18n.py).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

const config = document.getElementById("govuk-frontend-config");
initAll(config ? JSON.parse(config.textContent) : {});

// A page that comes back to one of its tabs after a save (#panel) shows a success banner,
// which takes focus above. When the page has loaded, the browser moves focus to the
// fragment's target (and scrolls there): the banner takes focus back, in view, so that the
// user hears and sees what happened (WCAG 4.1.3).
const banner = document.querySelector(".govuk-notification-banner[role=alert]");
if (banner && window.location.hash) {
  window.addEventListener(
    "load",
    () => {
      if (document.activeElement !== document.body) return; // the user has moved on
      banner.setAttribute("tabindex", "-1");
      banner.addEventListener("blur", () => banner.removeAttribute("tabindex"), { once: true });
      banner.focus();
    },
    { once: true },
  );
}
