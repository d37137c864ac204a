// Atelier's screen for the bench: sign-in, the devices plugged in, the checklists of a
// device, one step at a time, and the trainee's own work. No framework: each screen is
// a function that builds its part of the page (js/screens/), and the address after #
// says which screen is shown, so the browser's Back button works.
import { h, fill } from "./js/dom.js";
import { t, setLanguage, availableLanguages, currentLanguage } from "./js/i18n.js";
import { get, post, setCsrf, whenSignedOut } from "./js/api.js";
import { app, isInstructor } from "./js/state.js";
import { showSignIn } from "./js/screens/signin.js";
import { showBench } from "./js/screens/bench.js";
import { showDevice } from "./js/screens/device.js";
import { showJob } from "./js/screens/runner.js";
import { showHistory } from "./js/screens/history.js";
import { showConsole } from "./js/screens/console.js";
import { showRecord } from "./js/screens/record.js";
import { showSecret } from "./js/screens/secret.js";

const LANG_KEY = "atelier.lang";


function storedLanguage() {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

function storeLanguage(lang) {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* a private window: the choice lasts until the page is closed */
  }
}

/* The language to start in before anyone signs in: the last one chosen on this bench,
 * else the browser's, else the workshop's first (atelier serve --languages). */
async function firstLanguage() {
  const langs = (await availableLanguages()).map((l) => l.lang);
  const wanted = [storedLanguage(), ...(navigator.languages || []).map((l) => l.slice(0, 2))];
  return wanted.find((l) => l && langs.includes(l)) || langs[0] || "en";
}

/* Change the screen's language; SAVE: keep it with the account (POST /api/me/lang). */
async function changeLanguage(lang, save) {
  await setLanguage(lang);
  storeLanguage(lang);
  if (save && app.me) {
    app.me.lang = lang;
    // An older server has no /api/me/lang: the choice then lasts on this bench only.
    post("/api/me/lang", { lang }).catch(() => {});
  }
  route();
}

/* After a sign-in (VIEW from POST /api/login, CHOSEN: a language picked on the sign-in
 * screen just now, which wins over the account's). */
async function signedIn(view, chosen) {
  setCsrf(view.csrf);
  app.me = { name: view.name, role: view.role, code: view.code || null, lang: view.lang || null };
  app.signedOutReason = "";
  if (chosen && chosen !== app.me.lang) {
    await changeLanguage(chosen, true);
  } else if (app.me.lang && app.me.lang !== currentLanguage()) {
    await setLanguage(app.me.lang);
    storeLanguage(app.me.lang);
  }
  if (!location.hash || location.hash === "#/signin") location.hash = "#/bench";
  else route();
}

async function signOut() {
  try {
    await post("/api/logout");
  } catch {
    /* the session may be over already: the sign-in screen comes either way */
  }
  app.me = null;
  setCsrf(null);
  location.hash = "#/bench";
  route();
}

whenSignedOut(() => {
  if (!app.me) return;
  app.me = null;
  app.signedOutReason = t("Your session has ended. Please sign in again.");
  route();
});

/* The bar at the top: where to go, the language, who is signed in. */
async function drawTop() {
  const top = document.getElementById("top");
  if (!app.me) {
    top.hidden = true;
    fill(top);
    return;
  }
  const here = location.hash.split("/")[1] || "bench";
  const link = (href, label, key) =>
    h("a.nav-link", { href, "aria-current": here === key ? "page" : null }, label);
  const langs = await availableLanguages();
  const select = h("select#top-lang.lang-select", {
    onchange: (e) => changeLanguage(e.target.value, true),
  }, langs.map((l) => h("option", { value: l.lang, lang: l.lang, selected: l.lang === currentLanguage() }, l.name)));
  fill(top,
    h("nav.nav", { "aria-label": t("Main menu") },
      h("span.brand", {}, "Atelier"),
      link("#/bench", t("Bench"), "bench"),
      link("#/history", t("My work"), "history"),
      link("#/secret", app.me.role === "trainee" ? t("My PIN") : t("My password"), "secret"),
      isInstructor() ? link("#/console", t("Console"), "console") : null),
    h("div.who", {},
      h("label.lang-label", { for: "top-lang" }, t("Language")), select,
      h("span.who-name", {}, t("Signed in as {name}", { name: app.me.name })),
      h("button.btn.btn-secondary", { type: "button", onclick: signOut }, t("Sign out"))));
  top.hidden = false;
}

/* Show the screen the address names. */
async function route() {
  if (app.cleanup) {
    app.cleanup();
    app.cleanup = null;
  }
  await drawTop();
  if (!app.me) {
    showSignIn(app.signedOutReason);
    return;
  }
  const [, what = "bench", ...rest] = location.hash.replace(/^#/, "").split("/");
  const arg = rest.map(decodeURIComponent);
  let cleanup = null;
  switch (what) {
    case "device": cleanup = await showDevice(arg[0]); break;
    case "job": cleanup = await showJob(arg[0], arg[1]); break;
    case "history": cleanup = await showHistory(); break;
    case "record": cleanup = await showRecord(null); break;
    case "secret": cleanup = await showSecret(); break;
    case "console": cleanup = await showConsole(arg[0], arg[1]); break;
    default: cleanup = await showBench(); break;
  }
  app.cleanup = typeof cleanup === "function" ? cleanup : null;
}

Object.assign(app, { route, changeLanguage, signedIn, signOut });

async function boot() {
  await setLanguage(await firstLanguage());
  try {
    const me = await get("/api/me");
    setCsrf(me.csrf);
    app.me = { name: me.name, role: me.role, code: me.code || null, lang: me.lang || null };
    if (app.me.lang && app.me.lang !== currentLanguage()) await setLanguage(app.me.lang);
  } catch {
    app.me = null;
  }
  window.addEventListener("hashchange", route);
  route();
}

boot();
