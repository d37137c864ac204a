// Pieces every screen uses: the screen's frame and heading, messages, buttons.
import { h, icon, fill } from "./dom.js";
import { t } from "./i18n.js";

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

/* The words of an API error for the person: the server's own reason when it gave one,
 * else a plain sentence. */
export function errorText(err) {
  if (!err) return t("Something went wrong. Try again.");
  if (err.status === 0) return t("The bench does not answer. Check that it is on, then try again.");
  return err.why || t("Something went wrong. Try again.");
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
