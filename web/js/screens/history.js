// My work: the trainee's jobs, newest first, with their state, the instructor's
// verdict and feedback, and "I have read this" for a grade not yet acknowledged.
import { h, icon, fill, announce } from "../dom.js";
import { t, when } from "../i18n.js";
import { get, post, withQuery } from "../api.js";
import { app } from "../state.js";
import { serverLang } from "./device.js";
import { platformWords } from "../card.js";
import { screen, message, errorBox, errorText, linkButton, waiting } from "../ui.js";

const SHOWN = 30; // the newest jobs; older ones are the instructor's business

function stateLine(job, grade) {
  if (job.state === "cancelled") return h("p.job-state", {}, icon("fail"), t("Stopped by an instructor"));
  if (job.state === "open" && grade && grade.verdict === "redo") return h("p.job-state", {}, icon("back"), t("To do again: your instructor sent it back"));
  if (job.state === "open") return h("p.job-state", {}, icon("clock"), t("In progress"));
  if (grade && grade.verdict === "approved") return h("p.job-state", {}, icon("pass"), t("Approved"));
  return h("p.job-state", {}, icon("clock"), t("Sent, waiting for a grade"));
}

function gradeBlock(job, grade, title) {
  if (!grade) return null;
  const where = h("div.item-feedback", { "aria-live": "polite" });
  const ack = grade.acknowledged ? h("p.acked", {}, icon("pass"), t("You read this on {date}.", { date: when(grade.ack_t_ms) }))
    : h("button.btn.btn-primary", {
      type: "button",
      "aria-describedby": `job-${job.id}`,
      onclick: async (e) => {
        const btn = e.currentTarget;
        btn.disabled = true;
        try {
          await post(`/api/jobs/${job.id}/ack`);
          btn.replaceWith(h("p.acked", {}, icon("pass"), t("Thank you. Your instructor will see that you read it.")));
          announce(t("Marked as read: {title}", { title }));
        } catch (err) {
          btn.disabled = false;
          fill(where, message("error", errorText(err)));
        }
      },
    }, t("I have read this"));
  const redo = Array.isArray(grade.redo) && grade.redo.length;
  return h("div.grade", {},
    h("p.verdict", {}, grade.verdict === "approved" ? t("Verdict: approved") : t("Verdict: to do again")),
    grade.feedback ? h("blockquote.feedback-text", {}, h("p", {}, grade.feedback),
      h("footer", {}, t("{name}, {date}", { name: grade.by, date: when(grade.t_ms) }))) : null,
    redo ? h("p", {}, t("Steps to do again: {n}", { n: grade.redo.length })) : null,
    ack, where);
}

/* Which device a job was on: its kind and its serial number. */
function deviceLine(d) {
  if (!d) return null;
  return h("p.job-device", {}, t("Device: {kind}, serial number {serial}", { kind: platformWords(d.platform, null), serial: d.serial || d.udid || d.imei || "?" }));
}

export async function showHistory() {
  const main = screen(t("My work"), waiting());
  let jobs;
  let titles = new Map();
  let devices = new Map();
  try {
    jobs = await get(withQuery("/api/jobs", { trainee: app.me.name }));
    const cl = await get(withQuery("/api/checklists", { lang: serverLang() })).catch(() => ({ checklists: [] }));
    titles = new Map((cl.checklists || []).map((c) => [c.id, c.title]));
    // The job list names its device by number: the device list says which one it is.
    const devs = await get("/api/devices").catch(() => []);
    devices = new Map((devs || []).map((d) => [d.id, d]));
  } catch (err) {
    fill(main, main.querySelector("h1"), errorBox(err));
    return null;
  }
  jobs = (jobs || []).slice().sort((a, b) => b.id - a.id).slice(0, SHOWN);
  if (!jobs.length) {
    fill(main, main.querySelector("h1"), message("info", t("You have no work recorded yet.")), linkButton(t("Back to the bench"), "#/bench", "primary"));
    return null;
  }
  // Each job's view gives its grades and feedback.
  const views = await Promise.all(jobs.map((j) => get(`/api/jobs/${j.id}`).catch(() => null)));
  const list = h("ul.history");
  for (let i = 0; i < jobs.length; i++) {
    const j = jobs[i];
    const v = views[i] || {};
    const grades = v.grades || [];
    const grade = grades.length ? grades[grades.length - 1] : null;
    const title = titles.get(j.checklist) || j.checklist;
    list.append(h("li.card.history-item", {},
      h("h2", { id: `job-${j.id}` }, title),
      h("p.meta", {}, t("Job {id}", { id: j.id }), v.started_ms ? ` · ${t("Started {date}", { date: when(v.started_ms) })}` : ""),
      deviceLine(devices.get(j.device)),
      stateLine(j, grade),
      gradeBlock(j, grade, title),
      j.state === "open" ? linkButton(t("Continue"), `#/job/${j.id}`, "secondary", { "aria-describedby": `job-${j.id}` }) : null));
  }
  fill(main, main.querySelector("h1"), h("p", {}, linkButton(t("My training record"), "#/record")), list);
  return null;
}
