// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "/static/vikno/govuk-frontend.min.js";

initAll();
