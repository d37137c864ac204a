// Sign-in: a name and a PIN (a trainee at the bench) or a password (an instructor), and
// the language, which can be changed before signing in.
import { h, fill } from "../dom.js";
import { t, availableLanguages, currentLanguage, setLanguage } from "../i18n.js";
import { post } from "../api.js";
import { app } from "../state.js";
import { screen, message, errorText } from "../ui.js";

// A language picked on this screen since it opened: it then wins over the account's.
let chosenHere = null;

/* The buttons of the languages, each written in its own language (and marked so, for
 * screen readers); the one in use is pressed. */
async function languagePicker(onPick) {
  const langs = await availableLanguages();
  return h("div.lang-picker", { role: "group", "aria-labelledby": "lang-title" },
    h("p#lang-title.label", {}, t("Language")),
    h("div.lang-buttons", {}, langs.map((l) =>
      h("button.btn.btn-lang", {
        type: "button",
        lang: l.lang,
        dir: l.dir,
        "aria-pressed": l.lang === currentLanguage() ? "true" : "false",
        onclick: () => onPick(l.lang),
      }, l.name))));
}

/* A refused sign-in in plain words. The server says a wrong PIN and an unknown name the
 * same way; its reason is kept under the translated sentence, for the instructor. */
function refusal(err) {
  const why = err.why || "";
  let plain = null;
  if (/^wrong name or secret/.test(why)) plain = t("The name or the PIN is not right. Try again.");
  else if (/^too many wrong attempts/.test(why)) plain = t("Too many wrong tries. Wait a few minutes, or ask your instructor.");
  else if (/PIN only at the bench/.test(why)) plain = t("A PIN works only on the bench computer itself. Instructors: use your password.");
  else if (/disabled/.test(why)) plain = t("This account is switched off. Ask your instructor.");
  if (!plain) return message("error", errorText(err));
  return message("error", plain, h("p.server-why", { lang: "en" }, why));
}

export async function showSignIn(reason) {
  const name = h("input#signin-name.input", {
    type: "text", name: "username", autocomplete: "username", autocapitalize: "none",
    spellcheck: "false", required: true,
  });
  const secret = h("input#signin-secret.input", {
    type: "password", name: "password", autocomplete: "current-password", required: true,
  });
  const feedback = h("div.feedback", { "aria-live": "assertive" });
  const submit = h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Sign in"));

  async function onSubmit(e) {
    e.preventDefault();
    if (!name.value.trim() || !secret.value) {
      fill(feedback, message("error", t("Type your name and your PIN or password.")));
      (name.value.trim() ? secret : name).focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { name: name.value.trim(), secret: secret.value };
      if (chosenHere) body.lang = chosenHere;
      const view = await post("/api/login", body);
      const lang = chosenHere;
      chosenHere = null;
      await app.signedIn(view, lang);
    } catch (err) {
      fill(feedback, refusal(err));
      secret.value = "";
      secret.focus();
    } finally {
      submit.disabled = false;
    }
  }

  const picker = await languagePicker(async (lang) => {
    chosenHere = lang;
    await setLanguage(lang);
    try {
      localStorage.setItem("atelier.lang", lang);
    } catch {
      /* kept for this visit only */
    }
    const typed = name.value;
    await showSignIn(reason);
    const again = document.getElementById("signin-name");
    if (again) again.value = typed;
    // Back on the language just chosen, so the keyboard does not lose its place.
    document.querySelector(`.btn-lang[lang="${lang}"]`)?.focus();
  });

  // The languages first: a person who cannot read the current one finds hers at once.
  screen(t("Sign in to Atelier"),
    picker,
    reason ? message("info", reason) : null,
    h("form.card.signin", { onsubmit: onSubmit, novalidate: true },
      h("div.field", {},
        h("label", { for: "signin-name" }, t("Your name")), name),
      h("div.field", {},
        h("label", { for: "signin-secret" }, t("Your PIN or password")),
        h("p.hint", { id: "secret-hint" }, t("Trainees: your PIN. Instructors: your password.")),
        secret),
      feedback,
      submit));
  secret.setAttribute("aria-describedby", "secret-hint");
}
