// My PIN or my password (#/secret): the person signed in changes her own, giving the one
// she has now (POST /api/me/secret, the same svc call as `atelier user set-secret` for
// one's own account). Trainees have a PIN, the others a password: the words follow. A
// wrong PIN or password now counts as a wrong sign-in: after 5, the screen says to wait
// or to ask an admin. The session goes on after the change.
import { h, announce } from "../dom.js";
import { t } from "../i18n.js";
import { post } from "../api.js";
import { app } from "../state.js";
import { screen, message, errorText, button } from "../ui.js";
import { isPinRole, refusalWords, checkSecret, field, secretInput } from "./accounts.js";

/* The words of a refusal about the one she has now, or null. */
function oldWords(detail, pin) {
  if (!detail || detail.field !== "old") return null;
  switch (detail.reason) {
    case "missing": return pin ? t("Type the PIN you have now.") : t("Type the password you have now.");
    case "wrong": return pin ? t("This is not your PIN now. Try again.") : t("This is not your password now. Try again.");
    case "locked": return pin ? t("Too many wrong tries. Wait up to 15 minutes, or ask an admin for a new PIN.")
      : t("Too many wrong tries. Wait up to 15 minutes, or ask an admin for a new password.");
    default: return null;
  }
}

export async function showSecret() {
  const role = app.me ? app.me.role : "trainee";
  const pin = isPinRole(role);
  const now = secretInput(role, "current-password");
  const fresh = secretInput(role);
  const again = secretInput(role);
  const fNow = field("secret-now", pin ? t("Your PIN now") : t("Your password now"), null, now.input, now.row);
  const fNew = field("secret-new", pin ? t("Your new PIN") : t("Your new password"),
    pin ? t("A PIN is 6 to 12 digits, nothing else. Choose one that is not easy to guess, not your birthday.")
      : t("A password has at least 10 characters. A short sentence is easy to remember."),
    fresh.input, fresh.row);
  const fAgain = field("secret-again", pin ? t("The new PIN again") : t("The new password again"), null,
    again.input, again.row);
  const result = h("div.secret-result", {});
  const fields = [fNow, fNew, fAgain];

  const save = button(pin ? t("Save my new PIN") : t("Save my new password"), async () => {
    fields.forEach((f) => f.error(null));
    result.replaceChildren();
    let bad = null;
    const rule = checkSecret(fresh.input.value, role);
    if (!now.input.value) {
      bad = fNow;
      fNow.error(oldWords({ field: "old", reason: "missing" }, pin));
    } else if (rule) {
      bad = fNew;
      fNew.error(rule);
    } else if (again.input.value !== fresh.input.value) {
      bad = fAgain;
      fAgain.error(pin ? t("The two new PINs are not the same. Type it again.")
        : t("The two new passwords are not the same. Type it again."));
    }
    if (bad) {
      bad.input.focus();
      return;
    }
    save.disabled = true;
    try {
      await post("/api/me/secret", { old: now.input.value, secret: fresh.input.value });
      fields.forEach((f) => { f.input.value = ""; });
      const text = pin ? t("Done: your new PIN works from now on. The old one no longer works.")
        : t("Done: your new password works from now on. The old one no longer works.");
      result.replaceChildren(message("ok", text));
      announce(text);
      now.input.focus();
    } catch (err) {
      const detail = err.detail || null;
      const words = oldWords(detail, pin);
      if (words) {
        fNow.error(words);
        now.input.focus();
      } else if (detail && detail.field === "secret" && refusalWords(detail, role)) {
        fNew.error(refusalWords(detail, role));
        fresh.input.focus();
      } else {
        result.replaceChildren(message("error", errorText(err)));
      }
    } finally {
      save.disabled = false;
    }
  }, "primary");
  for (const f of fields) {
    f.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        save.click();
      }
    });
  }
  screen(pin ? t("My PIN") : t("My password"),
    h("p.lead", {}, pin ? t("You sign in with your name and your PIN. Here you can change your PIN.")
      : t("You sign in with your name and your password. Here you can change your password.")),
    h("form.secret-form", { onsubmit: (e) => e.preventDefault(), novalidate: true },
      fNow.el, fNew.el, fAgain.el, h("div.actions", {}, save)),
    result);
  return null;
}
