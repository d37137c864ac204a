// The instructors' console is not built yet. An instructor reads that it comes later; a
// trainee who opens it gets the server's refusal (403 on an instructor's route), said
// politely.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { get } from "../api.js";
import { screen, message, errorBox, linkButton, waiting } from "../ui.js";

export async function showConsole() {
  const main = screen(t("Instructors' console"), waiting());
  let body;
  try {
    // The API decides who may see it: an instructor's route answers 403 to a trainee.
    await get("/api/audit?limit=1");
    body = message("info", t("The instructors' console comes later. For now, use the atelier command on the bench computer."));
  } catch (err) {
    body = err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err);
  }
  main.replaceChildren(main.querySelector("h1"), body, h("p", {}, linkButton(t("Back to the bench"), "#/bench", "primary")));
  return null;
}
