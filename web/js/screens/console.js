// The instructors' console. Its first part: the work waiting for a grade
// (GET /api/queue), the longest waiting first, each with who did it, on which device,
// for how long it has waited, and a link to the job's page. The grade itself is still
// given with `atelier job grade` on the bench computer. A trainee who opens the console
// gets the server's refusal (403: an instructor's route), said politely.
import { h, icon } from "../dom.js";
import { t, num, currentLanguage, dirOf } from "../i18n.js";
import { get, withQuery, serverNow } from "../api.js";
import { serverLang } from "./device.js";
import { screen, message, errorBox, linkButton, waiting } from "../ui.js";

/* How long a job has waited, in plain words: "less than 1 min", "3 min", "2 h 5 min",
 * "4 days". */
export function waitedWords(ms) {
  const min = Math.floor(Math.max(0, Number(ms) || 0) / 60000);
  if (min < 1) return t("less than 1 min");
  if (min < 60) return t("{n} min", { n: num(min, 0) });
  const hours = Math.floor(min / 60);
  if (hours < 24) return min % 60 ? t("{h} h {m} min", { h: num(hours, 0), m: num(min % 60, 0) }) : t("{n} h", { n: num(hours, 0) });
  const days = Math.floor(hours / 24);
  return days === 1 ? t("1 day") : t("{n} days", { n: num(days, 0) });
}

/* TEXT (a translation holding {command}) with COMMAND in place, written as code: the
 * command is typed as it is, whatever the screen's language. */
function withCommand(text, command) {
  const [before, after = ""] = text.split("{command}");
  return h("span", {}, before, h("code.command", { lang: "en", dir: "ltr" }, command), after);
}

/* One job waiting for a grade. */
function queueItem(job) {
  const title = job.checklist_title || job.checklist;
  const device = job.device_name || t("Device {n}", { n: job.device });
  const id = `queue-${job.id}`;
  // The title comes in the screen's language, or in English when the checklists have
  // none (Arabic): then it keeps its own language and direction.
  const own = serverLang() === currentLanguage() ? {} : { lang: serverLang(), dir: dirOf(serverLang()) };
  return h("li.card.queue-item", {},
    h("h3", { id, ...own }, title),
    h("dl.facts.queue-facts", {},
      h("dt", {}, t("Trainee")), h("dd", {}, job.trainee),
      h("dt", {}, t("Device")), h("dd", {}, device),
      h("dt", {}, t("Waiting time")), h("dd.queue-waited", {}, icon("clock"), " ", waitedWords(serverNow() - job.submitted_ms)),
      h("dt", {}, t("Job number")), h("dd", {}, String(job.id))),
    linkButton(t("Open this work"), `#/job/${job.id}`, "secondary", { "aria-describedby": id }));
}

export async function showConsole() {
  const main = screen(t("Instructors' console"), waiting());
  let jobs;
  try {
    // The API decides who may see it: an instructor's route answers 403 to a trainee.
    jobs = await get(withQuery("/api/queue", { lang: serverLang() }));
  } catch (err) {
    const body = err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err);
    main.replaceChildren(main.querySelector("h1"), body, h("p", {}, linkButton(t("Back to the bench"), "#/bench", "primary")));
    return null;
  }
  jobs = Array.isArray(jobs) ? jobs : [];
  const section = h("section.queue-section", { "aria-labelledby": "queue-title" },
    h("h2#queue-title", {}, t("Waiting for a grade")),
    jobs.length
      ? [h("p", {}, t("The work that has waited longest comes first.")), h("ul.queue", {}, jobs.map(queueItem))]
      : message("ok", t("No work waits for a grade.")));
  const how = message("info", withCommand(t("Grading on this screen comes later. For now, give the grade on the bench computer with the command {command} and the job number."),
    "atelier job grade"));
  main.replaceChildren(main.querySelector("h1"), section, how);
  return null;
}
