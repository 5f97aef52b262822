// Starts the GOV.UK Frontend components (error summary, service navigation, notification
// banners, skip link…) on every page. Loaded by base.html as a module from 'self' (CSP).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
