// The instructors' console. Its first screen: the work on the benches now
// (GET /api/overview: each job in work, its trainee, the step in hand and for how long,
// and what needs an instructor), kept up to date by the server's events, then the work
// waiting for a grade (GET /api/queue), the longest waiting first. Each job opens its
// review page (console/review/ID), where it is graded. A trainee who opens the console
// gets the server's refusal (403: an instructor's route), said politely.
import { h, icon, fill, announce } from "../dom.js";
import { t, num, currentLanguage, dirOf } from "../i18n.js";
import { get, withQuery, serverNow } from "../api.js";
import { serverLang } from "./device.js";
import { showReview } from "./review.js";
import { showDevices } from "./devices.js";
import { showInventory } from "./inventory.js";
import { showRecord, showTrainees } from "./record.js";
import { showAccounts } from "./accounts.js";
import { isAdmin } from "../state.js";
import { screen, message, errorBox, linkButton, waiting } from "../ui.js";

const IDLE_MS = 12 * 3600 * 1000; // a job untouched this long is not "on a bench now"
const TICK_MS = 10000;		  // times on the screen move on, and the lists are read again
const POLL_MS = 15000;		  // when the events cannot be had
const RETRY_MS = 2000;		  // a reading that failed is asked again after this

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

/* The console's own menu: where an instructor can go from here. */
export function consoleNav(here) {
  const link = (href, label, key) => h("a.console-link", { href, "aria-current": here === key ? "page" : null }, label);
  return h("nav.console-nav", { "aria-label": t("Console menu") },
    link("#/console", t("Work now"), "work"),
    link("#/console/devices", t("Devices"), "devices"),
    link("#/console/inventory", t("Inventory"), "inventory"),
    link("#/console/trainees", t("Trainees"), "trainees"),
    // The accounts are an admin's (the server refuses them to the others).
    isAdmin() ? link("#/console/accounts", t("Accounts"), "accounts") : null);
}

/* Text in the checklists' language when the screen's has none (Arabic): its own
 * language and direction. */
function own() {
  return serverLang() === currentLanguage() ? {} : { lang: serverLang(), dir: dirOf(serverLang()) };
}

function deviceWords(job) {
  return job.device_name || t("Device {n}", { n: job.device });
}

/* What needs an instructor on JOB now: its alerts, then a step far over its time. */
function alertsOf(job, now) {
  const out = (job.alerts || []).map((a) => a.kind === "quarantine"
    ? { kind: "quarantine", text: t("Failed: {step}. The device is in quarantine.", { step: a.title }) }
    : { kind: "stopped", text: t("Failed: {step}. The work is stopped until you decide: go on or cancel.", { step: a.title }) });
  if (job.step && job.slow_at_ms && now >= job.slow_at_ms)
    out.push({ kind: "slow", text: t("This step is taking much longer than expected.") });
  return out;
}

/* How far the job is, as a bar with its words for a screen reader. The width is set
 * through the style object: the Content-Security-Policy refuses style attributes. */
function progressBar(job, pct) {
  const done = h("div.progress-done");
  done.style.inlineSize = `${pct}%`;
  return h("div.progress", { role: "img", "aria-label": t("{done} of {total} steps done", { done: num(job.steps_done, 0), total: num(job.steps, 0) }) }, done);
}

/* One job in work. */
function workItem(job, now) {
  const id = `work-${job.id}`;
  const alerts = alertsOf(job, now);
  const where = job.step
    ? t("Step {n} of {total}: {step}", { n: num(job.step.number, 0), total: num(job.steps, 0), step: job.step.title })
    : t("Every step is done; not sent yet");
  const pct = job.steps ? Math.round((100 * job.steps_done) / job.steps) : 0;
  return h(`li.card.work-item${alerts.length ? ".work-alert" : ""}`, {},
    h("h3", { id }, h("span", {}, job.trainee), " · ", h("span", own(), job.checklist_title || job.checklist)),
    h("dl.facts.queue-facts", {},
      h("dt", {}, t("Device")), h("dd", {}, deviceWords(job)),
      h("dt", {}, t("Now")), h("dd", own(), where),
      h("dt", {}, job.step ? t("On this step for") : t("Since")), h("dd.queue-waited", {}, icon("clock"), " ", waitedWords(now - job.last_ms))),
    progressBar(job, pct),
    alerts.length ? h("ul.work-alerts", {}, alerts.map((a) =>
      h(`li.work-alert-line.alert-${a.kind}`, {}, icon(a.kind === "slow" ? "clock" : "warning"), h("span", {}, a.text)))) : null,
    linkButton(t("See the work"), `#/console/review/${job.id}`, alerts.length ? "primary" : "secondary", { "aria-describedby": id }));
}

/* The overview: the jobs worked on lately, those that need an instructor first; the
 * others in work, untouched for more than 12 hours, folded below. */
function overviewSection(view, now) {
  const jobs = (view && view.jobs) || [];
  const recent = jobs.filter((j) => now - j.last_ms < IDLE_MS);
  const idle = jobs.filter((j) => now - j.last_ms >= IDLE_MS);
  const needs = recent.filter((j) => alertsOf(j, now).length);
  recent.sort((a, b) => (alertsOf(b, now).length > 0) - (alertsOf(a, now).length > 0));
  return h("section.work-section", { "aria-labelledby": "work-title" },
    h("h2#work-title", {}, t("On the benches now")),
    h("p.work-summary", {}, recent.length
      ? t("{n} jobs in work; {k} need you.", { n: num(recent.length, 0), k: num(needs.length, 0) })
      : t("Nobody is working on a device right now.")),
    recent.length ? h("ul.queue.work", {}, recent.map((j) => workItem(j, now))) : null,
    idle.length ? h("details.work-idle", {},
      h("summary", {}, t("Open jobs untouched for more than 12 hours: {n}", { n: num(idle.length, 0) })),
      h("ul.queue.work", {}, idle.map((j) => workItem(j, now)))) : null);
}

/* One job waiting for a grade. */
function queueItem(job, now) {
  const id = `queue-${job.id}`;
  return h("li.card.queue-item", {},
    h("h3", { id, ...own() }, job.checklist_title || job.checklist),
    h("dl.facts.queue-facts", {},
      h("dt", {}, t("Trainee")), h("dd", {}, job.trainee),
      h("dt", {}, t("Device")), h("dd", {}, deviceWords(job)),
      h("dt", {}, t("Waiting time")), h("dd.queue-waited", {}, icon("clock"), " ", waitedWords(now - job.submitted_ms)),
      h("dt", {}, t("Job number")), h("dd", {}, String(job.id))),
    linkButton(t("Review and grade"), `#/console/review/${job.id}`, "primary", { "aria-describedby": id }));
}

function queueSection(jobs, now) {
  return h("section.queue-section", { "aria-labelledby": "queue-title" },
    h("h2#queue-title", {}, t("Waiting for a grade")),
    jobs.length
      ? [h("p", {}, t("The work that has waited longest comes first.")), h("ul.queue", {}, jobs.map((j) => queueItem(j, now)))]
      : message("ok", t("No work waits for a grade.")));
}

/* The server's events that change the console: a job started, a step, a submission, a
 * grade. ON_CHANGE is called once per burst; when the events cannot be had, every
 * POLL_MS. Gives the function that stops it all. */
export function watchWork(onChange) {
  let timer = null;
  let poll = null;
  let source = null;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, 300);
  };
  if (typeof EventSource !== "undefined") {
    source = new EventSource("/api/events", { withCredentials: true });
    for (const name of ["work", "graded", "reset"]) source.addEventListener(name, soon);
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED && !poll) poll = setInterval(onChange, POLL_MS);
    });
  } else {
    poll = setInterval(onChange, POLL_MS);
  }
  return () => {
    clearTimeout(timer);
    clearInterval(poll);
    if (source) source.close();
  };
}

async function showWork() {
  const main = screen(t("Instructors' console"), waiting());
  const lang = serverLang();
  let overview;
  let jobs;
  try {
    // The API decides who may see it: an instructor's route answers 403 to a trainee.
    [overview, jobs] = await Promise.all([get(withQuery("/api/overview", { lang })), get(withQuery("/api/queue", { lang }))]);
  } catch (err) {
    const body = err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err);
    main.replaceChildren(main.querySelector("h1"), body, h("p", {}, linkButton(t("Back to the bench"), "#/bench", "primary")));
    return null;
  }
  const work = h("div.work-live", { "aria-live": "polite", "aria-atomic": "false" });
  const queue = h("div.queue-live");
  let lastSummary = "";
  const draw = () => {
    const now = serverNow();
    const active = document.activeElement && document.activeElement.closest(".work-live, .queue-live") ? document.activeElement.getAttribute("href") : null;
    fill(work, overviewSection(overview, now));
    fill(queue, queueSection(Array.isArray(jobs) ? jobs : [], now));
    // Keep the keyboard where it was when the lists are drawn again.
    if (active) {
      const again = main.querySelector(`.work-live a[href="${active}"], .queue-live a[href="${active}"]`);
      if (again) again.focus();
    }
    const summary = work.querySelector(".work-summary").textContent;
    if (lastSummary && summary !== lastSummary) announce(summary);
    lastSummary = summary;
  };
  main.replaceChildren(main.querySelector("h1"), consoleNav("work"), work, queue);
  draw();
  // Only the latest reading is drawn: an earlier one that answers later (asked before a
  // change the later one was asked after) would put the lists back as they were.
  let asked = 0;
  let retry = null;
  const refresh = async () => {
    const mine = ++asked;
    clearTimeout(retry);
    try {
      const got = await Promise.all([get(withQuery("/api/overview", { lang })), get(withQuery("/api/queue", { lang }))]);
      if (mine !== asked) return;
      [overview, jobs] = got;
      draw();
    } catch {
      // The last lists stay on the screen; a busy server is asked again soon.
      if (mine === asked) retry = setTimeout(refresh, RETRY_MS);
    }
  };
  const stopEvents = watchWork(refresh);
  // The times move on every TICK_MS; the lists are read again then too, in case an event
  // was missed or answered before its change could be read (a submission was seen to
  // miss the grading queue now and then, docs/hacking.md): an instructor waits seconds,
  // not half a minute. An answer kept by the server costs little.
  const tick = setInterval(refresh, TICK_MS);
  return () => {
    stopEvents();
    clearInterval(tick);
    clearTimeout(retry);
  };
}

/* #/console[/review/ID | /devices | /inventory?FILTERS | /trainees | /trainee/NAME |
 * /accounts]: the console's screens. */
export async function showConsole(what, arg) {
  if (what && what.startsWith("inventory")) return showInventory(what.slice("inventory".length).replace(/^\?/, ""));
  if (what === "review" && arg) return showReview(arg);
  if (what === "devices") return showDevices(arg);
  if (what === "trainees") return showTrainees();
  if (what === "trainee" && arg) return showRecord(arg);
  if (what === "accounts") return showAccounts();
  return showWork();
}
