// The review page of a job, for an instructor (console/review/ID): every step with its
// records (result, value, note, parts, time, who, the facts an automatic step used),
// each correction next to what it corrects, whether the records are still as they were
// made (GET /api/jobs/ID/verify), the grades given before, and the grading form: the
// verdict, the steps to do again chosen on the step list, a score per rubric item with
// what each level means, and the feedback. The server applies the rules of
// `atelier job grade`; its refusal is shown next to the form.
import { h, icon, fill, announce } from "../dom.js";
import { t, pick, num, when, competenceName } from "../i18n.js";
import { get, post } from "../api.js";
import { applicableSteps } from "../steps.js";
import { resultBadge } from "./runner.js";
import { screen, message, errorBox, errorText, button, linkButton, waiting } from "../ui.js";

const FORM = "grade-form";

/* A checklist text in the screen's language, marked with its own when it differs. */
function text(tag, map, attrs = {}) {
  const p = pick(map);
  return h(tag, { lang: p.lang, ...attrs }, p.text);
}

function minutes(ms) {
  const min = Math.round((Number(ms) || 0) / 60000);
  return min < 1 ? t("less than 1 min") : t("{n} min", { n: num(min, 0) });
}

/* What an automatic step read from the device: {fact: value}. */
function factsUsed(facts) {
  if (!facts || typeof facts !== "object") return null;
  const entries = Object.entries(facts);
  if (!entries.length) return null;
  return h("div.facts-used", {}, h("p", {}, t("What the bench read on the device:")),
    h("ul", {}, entries.map(([k, v]) => h("li", {}, h("code", { lang: "en", dir: "ltr" }, k), ": ", typeof v === "object" ? JSON.stringify(v) : String(v)))));
}

/* A measured value as the screen's language writes numbers (3,91 in French); any
 * other value as it was recorded. */
function valueWords(value, step) {
  return step && step.kind === "measure" && !Number.isNaN(Number(value)) ? num(Number(value), 3) : String(value);
}

/* One record of a step. CORRECTED: the record number that corrects it, or null. */
function recordBlock(r, step, corrected) {
  const unit = step && step.unit ? ` ${step.unit}` : "";
  return h(`li.record${corrected ? ".record-corrected" : ""}`, {},
    h("p.record-head", {},
      h("span.record-number", {}, t("Record {n}", { n: num(r.record, 0) })), " ",
      resultBadge(r.result),
      r.value != null ? h("span.record-value", {}, " ", t("Value: {value}", { value: `${valueWords(r.value, step)}${unit}` })) : null),
    r.corrects ? h("p.record-corrects", {}, icon("back"), t("Corrects record {n}", { n: num(r.corrects, 0) })) : null,
    corrected ? h("p.record-corrected-by", {}, icon("note"), t("Corrected later by record {n}", { n: num(corrected, 0) })) : null,
    r.note ? h("p.record-note", {}, t("Note: {note}", { note: r.note })) : null,
    r.tester ? h("p", {}, t("Tester: {name}", { name: r.tester })) : null,
    Array.isArray(r.parts) && r.parts.length ? h("ul.record-parts", {}, r.parts.map((p) =>
      h("li", {}, t("Part: {name}, {origin}, serial number {serial}", { name: p.name, origin: p.origin, serial: p.serial })))) : null,
    factsUsed(r.facts),
    h("p.record-when", {}, t("{name}, {date}, time spent {time}", { name: r.by, date: when(r.t_ms), time: minutes(r.spent_ms) })));
}

/* The steps of the job, in the checklist's order, with their records; with the form,
 * a box per step to send it back. */
function stepList(ctx, withRedo) {
  const notHere = new Set(ctx.job.steps_not_applicable || []);
  const records = ctx.job.records || [];
  const correctedBy = new Map(records.filter((r) => r.corrects).map((r) => [r.corrects, r.record]));
  return h("ol.review-steps", {}, (ctx.c.steps || []).map((s) => {
    const mine = records.filter((r) => r.step === s.id);
    const id = `step-${s.id}`;
    return h("li.card.review-step", {},
      text("h3", s.title, { id }),
      notHere.has(s.id) ? h("p.muted", {}, t("Not for this device."))
        : mine.length ? h("ol.records", {}, mine.map((r) => recordBlock(r, s, correctedBy.get(r.record) || null)))
          : h("p", {}, h("span.result.result-none", {}, icon("dot"), t("Not done"))),
      withRedo && !notHere.has(s.id) ? h("label.check-line", {},
        h("input.redo-box", { type: "checkbox", form: FORM, name: "redo", value: s.id, "aria-describedby": id }),
        t("Send this step back to do again")) : null);
  }));
}

/* Whether the records are whole, in words. */
function chainBox(check, records) {
  if (!check) return message("warning", t("The records could not be checked just now."));
  if (check.ok) return message("ok", t("The records are whole: {n} records checked, nothing changed since they were made.", { n: num(records, 0) }));
  return message("error", t("The records were changed after they were made. Do not grade this work: tell the workshop's coordinator."),
    h("p.server-why", {}, check.why || ""));
}

function gradeItem(g) {
  return h("li.card.past-grade", {},
    h("p.verdict", {}, g.verdict === "approved" ? t("Verdict: approved") : t("Verdict: to do again")),
    g.feedback ? h("blockquote.feedback-text", {}, h("p", {}, g.feedback), h("footer", {}, t("{name}, {date}", { name: g.by, date: when(g.t_ms) }))) : null,
    g.scores && Object.keys(g.scores).length ? h("p", {}, t("Scores: {list}", { list: Object.entries(g.scores).map(([k, v]) => `${k} ${num(v, 0)}/${num((g.score_max || {})[k], 0)}`).join(", ") })) : null,
    h("p", {}, g.acknowledged ? t("Read by the trainee on {date}.", { date: when(g.ack_t_ms) }) : t("Not yet read by the trainee.")));
}

/* One rubric item: a radio button per score, each with what it means. */
function rubricItem(item) {
  const name = `score-${item.id}`;
  const levels = Array.isArray(item.levels) ? item.levels : [];
  const options = [];
  for (let n = 0; n <= item.max; n++) {
    const id = `${name}-${n}`;
    options.push(h("div.level", {},
      h("input", { type: "radio", id, name, value: String(n), form: FORM }),
      h("label", { for: id }, h("span.level-score", {}, num(n, 0)), levels[n] ? text("span.level-text", levels[n]) : null)));
  }
  return h("fieldset.rubric-item", {}, h("legend", {}, pick(item.title).text, " ", h("span.muted", {}, t("(0 to {max})", { max: num(item.max, 0) }))), options);
}

/* The grading form: on success the trainee sees the grade on her screen. */
function gradeForm(ctx) {
  const problem = h("div.form-problem", { "aria-live": "assertive" });
  const verdict = (v, label) => h("div.level", {},
    h("input", { type: "radio", id: `verdict-${v}`, name: "verdict", value: v, form: FORM }),
    h("label", { for: `verdict-${v}` }, label));
  const feedback = h("textarea#grade-feedback.input", { rows: 4, form: FORM, "aria-describedby": "grade-feedback-hint" });
  const rubric = ctx.c.rubric || [];
  const say = (text, focus) => {
    fill(problem, message("error", text));
    if (focus) focus.focus();
  };
  const form = h(`form#${FORM}.grade-form`, {
    onsubmit: async (e) => {
      e.preventDefault();
      const chosen = form.ownerDocument.querySelector(`input[name="verdict"]:checked`);
      const redo = [...document.querySelectorAll('input[name="redo"]:checked')].map((b) => b.value);
      const scores = {};
      for (const item of rubric) {
        const got = document.querySelector(`input[name="score-${item.id}"]:checked`);
        if (got) scores[item.id] = Number(got.value);
      }
      if (!chosen) return say(t("Choose a verdict: approved, or to do again."), document.getElementById("verdict-approved"));
      if (chosen.value === "redo" && !redo.length) return say(t("Choose on the list of steps the steps to do again."), document.querySelector('input[name="redo"]'));
      const missing = rubric.find((item) => !(item.id in scores));
      if (missing) return say(t("Give a score for: {item}", { item: pick(missing.title).text }), document.querySelector(`input[name="score-${missing.id}"]`));
      if (!feedback.value.trim()) return say(t("Write your feedback to the trainee."), feedback);
      send.disabled = true;
      fill(problem, waiting(t("Sending...")));
      try {
        await post(`/api/jobs/${ctx.job.id}/grade`, { verdict: chosen.value, redo: chosen.value === "redo" ? redo : [], scores, feedback: feedback.value.trim() });
        const done = message("ok", chosen.value === "approved"
          ? t("Approved. {name} sees your feedback on her screen.", { name: ctx.job.trainee })
          : t("Sent back to do again. {name} sees your feedback and the steps on her screen.", { name: ctx.job.trainee }),
        h("p", {}, linkButton(t("Back to the console"), "#/console", "primary")));
        form.replaceWith(done);
        if (chosen.value === "approved" && (ctx.c.competences || []).length) {
          // The competences it trains can be signed off now: the page is read again.
          await showReview(ctx.job.id, done.querySelector("p").textContent);
          return;
        }
        document.querySelectorAll('input[name="redo"]').forEach((b) => { b.disabled = true; });
        announce(done.textContent);
        done.querySelector("a").focus();
      } catch (err) {
        send.disabled = false;
        say(errorText(err), problem);
        problem.setAttribute("tabindex", "-1");
      }
    },
  });
  const send = h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Give the grade"));
  // What was missing is said until the person changes something.
  const changed = (e) => {
    if (!form.isConnected) document.removeEventListener("change", changed);
    else if (e.target.form === form) fill(problem);
  };
  document.addEventListener("change", changed);
  form.append(
    h("fieldset.verdict-choice", {}, h("legend", {}, t("Your verdict")),
      verdict("approved", t("Approved: the work is good")),
      verdict("redo", t("To do again: send steps back (tick them on the list above)"))),
    rubric.length ? h("div.rubric", {}, h("h3", {}, t("Scores")), rubric.map(rubricItem)) : null,
    h("div.field", {}, h("label", { for: "grade-feedback" }, t("Your feedback to the trainee")),
      h("p.hint#grade-feedback-hint", {}, t("Say what was done well and what to do better. The trainee reads it on her screen.")), feedback),
    problem, send);
  return h("section.grade-section", { "aria-labelledby": "grade-title" }, h("h2#grade-title", {}, t("Grade this work")), form);
}

/* A job stopped by a failed step: the instructor lets the trainee go on, or cancels. */
function decisionBox(ctx) {
  const stop = ctx.job.stopped_by;
  const step = (ctx.c.steps || []).find((s) => s.id === stop.step);
  const why = h("textarea#decide-why.input", { rows: 2 });
  const out = h("div", { "aria-live": "assertive" });
  const decide = (what) => async () => {
    if (!why.value.trim()) {
      fill(out, message("error", t("Write why, for the record.")));
      why.focus();
      return;
    }
    try {
      await post(`/api/jobs/${ctx.job.id}/${what}`, { why: why.value.trim() });
      fill(out, message("ok", what === "resume" ? t("The trainee can go on.") : t("The work is cancelled. Nothing is deleted.")));
      out.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    } catch (err) {
      fill(out, message("error", errorText(err)));
    }
  };
  return h("section.card.decide", { "aria-labelledby": "decide-title" },
    h("h2#decide-title", {}, t("The work is stopped")),
    h("p", {}, t("Failed: {step}. The trainee waits for your decision.", { step: step ? pick(step.title).text : stop.step })),
    h("div.field", {}, h("label", { for: "decide-why" }, t("Why (kept with the records)")), why),
    h("div.actions", {}, button(t("Let her go on"), decide("resume"), "primary"), button(t("Cancel the work"), decide("cancel"), "secondary")),
    out);
}

/* After approved work: sign the trainee off for a competence the checklist trains, once
 * (the server checks the rules: an approved job, not oneself, not twice). */
function signOffBox(ctx, held) {
  const todo = (ctx.c.competences || []).filter((c) => !held.has(c));
  if (!todo.length) return null;
  const note = h("textarea#signoff-note.input", { rows: 2, "aria-describedby": "signoff-hint" });
  const out = h("div", { "aria-live": "assertive" });
  const named = (c) => competenceName((ctx.c.competence_names || {})[c], c);
  const sign = (competence, btn) => async () => {
    if (!note.value.trim()) {
      fill(out, message("error", t("Write what you saw her do well, for the record.")));
      note.focus();
      return;
    }
    btn.disabled = true;
    try {
      await post(`/api/trainees/${encodeURIComponent(ctx.job.trainee)}/signoffs`, { competence, note: note.value.trim() });
      btn.replaceWith(h("p.acked", {}, icon("pass"), t("{name} is signed off for {competence}.", { name: ctx.job.trainee, competence: named(competence) })));
      fill(out, message("ok", t("Signed off. She can now start the work that needs it.")));
    } catch (err) {
      btn.disabled = false;
      fill(out, message("error", errorText(err)));
    }
  };
  return h("section.card.signoff", { "aria-labelledby": "signoff-title" },
    h("h2#signoff-title", {}, t("Sign off a competence")),
    h("p", {}, t("This work trains these competences. Sign {name} off when she can do them on her own.", { name: ctx.job.trainee })),
    h("div.field", {}, h("label", { for: "signoff-note" }, t("What you saw (kept with the sign-off)")),
      h("p.hint#signoff-hint", {}, t("For example: strap on, battery checked first, every step said aloud.")), note),
    h("div.actions", {}, todo.map((c) => {
      const btn = h("button.btn.btn-primary", { type: "button", "data-competence": c }, t("Sign off: {competence}", { competence: named(c) }));
      btn.onclick = sign(c, btn);
      return btn;
    })),
    out);
}

function stageWords(job) {
  const g = (job.grades || [])[job.grades.length - 1];
  const gradedNow = g && g.submitted_ms === job.submitted_ms;
  if (job.state === "cancelled") return t("Cancelled");
  if (job.state === "open") return gradedNow ? t("Sent back to do again; the trainee is on it") : t("In work");
  return gradedNow ? t("Approved") : t("Sent, waiting for a grade");
}

/* The review page of job ID; NOTICE (may be null): what was just done, said first. */
export async function showReview(id, notice = null) {
  const main = screen(t("Loading the job..."), waiting());
  const ctx = {};
  try {
    const base = `/api/jobs/${encodeURIComponent(id)}`;
    [ctx.job, ctx.c, ctx.check] = await Promise.all([get(base), get(`${base}/checklist`), get(`${base}/verify`).catch((e) => {
      if (e.status === 403) throw e; // an instructor's page: a trainee is told so
      return null;
    })]);
    const g = (ctx.job.grades || [])[(ctx.job.grades || []).length - 1];
    ctx.approved = ctx.job.state === "submitted" && g && g.verdict === "approved" && g.submitted_ms === ctx.job.submitted_ms;
    if (ctx.approved && (ctx.c.competences || []).length) {
      const record = await get(`/api/trainees/${encodeURIComponent(ctx.job.trainee)}`).catch(() => null);
      ctx.held = new Set(((record && record.signoffs) || []).map((s) => s.competence));
    }
  } catch (err) {
    fill(main, main.querySelector("h1"),
      err.status === 404 ? message("error", t("This job does not exist."))
        : err.status === 403 ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
          : errorBox(err),
      h("p", {}, linkButton(t("Back to the console"), "#/console", "primary")));
    return null;
  }
  const job = ctx.job;
  const grades = job.grades || [];
  const last = grades[grades.length - 1];
  const waitingGrade = job.state === "submitted" && !(last && last.submitted_ms === job.submitted_ms);
  const gradable = waitingGrade && ctx.check && ctx.check.ok;
  const steps = applicableSteps(ctx.c, job);
  const title = pick(ctx.c.title);
  screen(t("Work of {name}: {title}", { name: job.trainee, title: title.text }),
    h("p", {}, linkButton(t("Back to the console"), "#/console")),
    notice ? message("ok", notice) : null,
    h("dl.facts.review-facts", {},
      h("dt", {}, t("Trainee")), h("dd", {}, job.trainee),
      h("dt", {}, t("Device")), h("dd", {}, job.device_name || t("Device {n}", { n: job.device })),
      h("dt", {}, t("State")), h("dd", {}, stageWords(job)),
      h("dt", {}, t("Started")), h("dd", {}, when(job.started_ms)),
      job.submitted_ms ? [h("dt", {}, t("Sent")), h("dd", {}, when(job.submitted_ms))] : null,
      h("dt", {}, t("Steps done")), h("dd", {}, t("{done} of {total}", { done: num(steps.length - (job.steps_to_do || []).filter((s) => steps.some((x) => x.id === s)).length, 0), total: num(steps.length, 0) })),
      h("dt", {}, t("Job number")), h("dd", {}, String(job.id))),
    chainBox(ctx.check, (job.records || []).length),
    ctx.held ? signOffBox(ctx, ctx.held) : null,
    job.stopped_by && job.state === "open" ? decisionBox(ctx) : null,
    h("section", { "aria-labelledby": "steps-title" }, h("h2#steps-title", {}, t("The steps")), stepList(ctx, gradable)),
    grades.length ? h("section", { "aria-labelledby": "grades-title" }, h("h2#grades-title", {}, t("Grades given")), h("ol.queue", {}, grades.map(gradeItem))) : null,
    gradable ? gradeForm(ctx) : waitingGrade ? null : h("p.muted", {}, job.state === "submitted" ? t("This work is graded.") : t("This work is graded once the trainee sends it.")));
  if (notice) announce(notice);
  return null;
}
