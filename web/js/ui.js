// Pieces every screen uses: the screen's frame and heading, messages, buttons.
import { h, icon, fill } from "./dom.js";
import { t, currentLanguage } from "./i18n.js";

const main = () => document.getElementById("app");

/* Replace the screen with a heading TITLE and CHILDREN; the heading takes the focus, so
 * a screen reader says where the person is and Tab starts from the top. */
export function screen(title, ...children) {
  const h1 = h("h1", { tabindex: "-1", id: "screen-title" }, title);
  main().className = "app"; // a screen's own layout class (the runner's) goes with it
  fill(main(), h1, ...children);
  h1.focus({ preventScroll: false });
  return main();
}

/* A message box: KIND is "error", "ok", "info" or "warning"; the icon and the first
 * word say the kind too, never the colour alone. */
export function message(kind, text, ...more) {
  const ic = { error: "fail", ok: "pass", info: "note", warning: "warning" }[kind] || "note";
  return h(`div.msg.msg-${kind}`, { role: kind === "error" ? "alert" : "status" },
    icon(ic), h("div.msg-body", {}, h("p", {}, text), ...more));
}

/* Marks a text for the catalogues without translating it here (xgettext keyword N_). */
const N_ = (x) => x;

/* What each word of an API error (svc_err_word(), the web layer's own) means for the
 * person, in plain words: the server's reason is in English, for the terminal and logs. */
const ERROR_WORDS = {
  invalid: N_("This was not accepted: check what you entered."),
  "not-found": N_("This was not found: it may have changed meanwhile. Open the page again."),
  "no-device": N_("The bench does not know this device."),
  denied: N_("You may not do this. Ask your instructor."),
  state: N_("This cannot be done now."),
  unmet: N_("Not every condition is met yet."),
  device: N_("The device could not be read. Unplug it and plug it in again."),
  undecided: N_("The bench could not decide this step by itself."),
  "no-data": N_("There is nothing to show yet."),
  "no-usb": N_("The bench cannot see its USB ports."),
  io: N_("The bench could not do it. Nothing was recorded: try again in a moment, or ask your instructor."),
  // Recorded, but the disk did not confirm it (a failed sync): doing it again would record it twice.
  unconfirmed: N_("This was recorded, but the bench could not check that it is kept safe. Look at the steps already done before you do it again, and tell your instructor."),
  busy: N_("The bench is busy. Wait a moment, then try again."),
  unauthorized: N_("Sign in again."),
  csrf: N_("Open the page again, then try again."),
  "records-refused": N_("The records cannot be used. Ask the coordinator."),
  "records-removed": N_("The records cannot be used. Ask the coordinator."),
};

/* The words of an API error for the person. In English: the server's own reason. In
 * another language: what the error means in that language, then the server's reason,
 * marked as English (for a screen reader, and for the instructor who is asked). */
export function errorText(err) {
  if (!err) return t("Something went wrong. Try again.");
  if (err.status === 0) return t("The bench does not answer. Check that it is on, then try again.");
  if (!err.why) return t("Something went wrong. Try again.");
  if (currentLanguage() === "en") return err.why;
  const plain = ERROR_WORDS[err.word] ? t(ERROR_WORDS[err.word]) : t("Something went wrong. Try again.");
  return h("span.error-words", {}, plain, " ",
    h("span.error-detail", {}, t("In English:"), " ", h("span", { lang: "en" }, err.why)));
}

export function errorBox(err) {
  return message("error", errorText(err));
}

/* A button; KIND adds a class (big, primary, secondary, pass, fail). */
export function button(label, onclick, kind = "secondary", extra = {}) {
  return h(`button.btn.btn-${kind}`, { type: "button", onclick, ...extra }, label);
}

/* A link styled as a button, to a route of the page (#/...). */
export function linkButton(label, href, kind = "secondary", extra = {}) {
  return h(`a.btn.btn-${kind}`, { href, ...extra }, label);
}

/* A "please wait" line for a slow answer. */
export function waiting(text) {
  return h("p.waiting", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), text || t("Please wait..."));
}
