// The step runner: one step of a job at a time, full screen. The warnings and cautions
// come before what to do, then the step's picture, then the right input for its kind.
// "Back" opens the step before, and recording it again is a correction (the new record
// names the old one). A failed step that stops the job or sets the device aside gives
// a full-screen instruction in plain words.
import { h, icon, fill, announce } from "../dom.js";
import { t, pick, num, currentLanguage, dirOf } from "../i18n.js";
import { get, post, upload } from "../api.js";
import { app, isInstructor } from "../state.js";
import { applicableSteps, lastRecords, quarantineRecord, nextStep, orderedInstructions } from "../steps.js";
import { screen, message, errorBox, errorText, button, linkButton, waiting } from "../ui.js";

// The words the checklists use for the buttons, in each language they are written in,
// so that a screen in one language and a step text in another still agree.
const CHECKLIST_WORDS = {
  pass: { en: "Pass", fr: "Réussi", nl: "Geslaagd" },
  fail: { en: "Fail", fr: "Échoué", nl: "Mislukt" },
};

function resultWords(result) {
  switch (result) {
    case "pass": return t("Pass");
    case "fail": return t("Fail");
    case "skip": return t("Skipped");
    default: return t("Unknown");
  }
}

/* A result in words with its icon (never the colour alone). */
export function resultBadge(result) {
  const ic = result === "pass" ? "pass" : result === "fail" ? "fail" : "unknown";
  return h(`span.result.result-${result || "unknown"}`, {}, icon(ic), resultWords(result));
}

function elapsedText(ms) {
  const min = Math.max(0, Math.floor(ms / 60000));
  if (min < 60) return t("{n} min", { n: min });
  return t("{h} h {m} min", { h: Math.floor(min / 60), m: min % 60 });
}

/* What the runner holds for one job: the job view, its checklist, the texts' language
 * notes (one note for the whole step). */
async function load(id) {
  const job = await get(`/api/jobs/${encodeURIComponent(id)}`);
  // The checklist as the job was started with it (kept in the records), not the file as
  // it may have been changed since.
  const c = await get(`/api/jobs/${encodeURIComponent(id)}/checklist`);
  // The photos instructors attached to the checklist's steps; none when they cannot be read.
  const photos = await get(`/api/checklists/${encodeURIComponent(job.checklist)}/photos`).catch(() => []);
  return { job, c, photos };
}

/* The step's header: checklist, progress and time on the job. */
function header(ctx, step) {
  const steps = applicableSteps(ctx.c, ctx.job);
  const index = step ? steps.findIndex((s) => s.id === step.id) + 1 : steps.length;
  const clock = h("span.elapsed", {}, icon("clock"), h("span.elapsed-text", {}, ""));
  const tick = () => {
    clock.lastChild.textContent = t("Time on this job: {time}", { time: elapsedText(Date.now() - ctx.job.started_ms) });
  };
  tick();
  ctx.timers.push(setInterval(tick, 15000));
  const bar = h("div.progress", { "aria-hidden": "true" }, h("div.progress-done"));
  bar.firstChild.style.inlineSize = `${Math.round((100 * index) / Math.max(1, steps.length))}%`;
  return h("div.runner-head", {},
    textIn("p.checklist-name", pick(ctx.c.title)),
    h("p.progress-text", {}, step ? t("Step {n} of {total}", { n: index, total: steps.length }) : t("All {total} steps", { total: steps.length })),
    bar, clock);
}

/* A checklist text as an element: its language and its own direction. */
function textIn(tag, text) {
  return h(tag, { lang: text.lang, dir: dirOf(text.lang) }, text.text);
}

function instructionBlock(ins) {
  const level = ins.level || "note";
  // The word says what the colour and the icon say, in the screen's language.
  const label = level === "warning" ? t("Warning:") : level === "caution" ? t("Careful:") : null;
  return h(`div.instruction.instruction-${level}`, {},
    icon(level), h("div.instruction-body", {}, label ? h("strong.level", {}, label) : null, textIn("p", pick(ins.text))));
}

/* The picture of the step, drawn for the checklist, then the photos instructors added;
 * hidden when the bench cannot give it. */
function picture(ctx, step) {
  const base = `/api/checklists/${encodeURIComponent(ctx.c.id)}/steps/${encodeURIComponent(step.id)}`;
  const figures = [];
  if (step.image) {
    const img = h("img.step-picture", { src: `${base}/image`, alt: t("Picture for this step: read the text above it.") });
    const fig = h("figure.step-figure", {}, img);
    img.addEventListener("error", () => fig.remove());
    figures.push(fig);
  }
  for (const p of (ctx.photos || []).filter((x) => x.step === step.id)) figures.push(photoFigure(p));
  if (isInstructor()) figures.push(photoForm(ctx, step, base));
  return figures.length ? h("div.step-pictures", {}, figures) : null;
}

/* A photo an instructor added ({sha256, by}), with who added it. */
function photoFigure(p) {
  const img = h("img.step-picture", { src: `/api/photos/${encodeURIComponent(p.sha256)}`, alt: t("A photo of this step, added by {name}.", { name: p.by }) });
  const fig = h("figure.step-figure", {}, img, h("figcaption", {}, t("Photo added by {name}", { name: p.by })));
  img.addEventListener("error", () => fig.remove());
  return fig;
}

/* An instructor adds a photo to the step (a JPEG or a PNG from this computer). */
function photoForm(ctx, step, base) {
  const id = `photo-${step.id}`;
  const input = h("input.input", { id, type: "file", accept: "image/jpeg,image/png" });
  const said = h("p.photo-feedback", { "aria-live": "polite" });
  const add = button(t("Add this photo to the step"), async () => {
    const file = input.files && input.files[0];
    if (!file) {
      fill(said, t("Choose a photo first."));
      return;
    }
    try {
      const added = await upload(`${base}/photos`, file);
      ctx.photos = await get(`/api/checklists/${encodeURIComponent(ctx.c.id)}/photos`).catch(() => ctx.photos);
      // Shown at once, above the form, as the trainees will see it.
      if (!added.already) form.before(photoFigure({ sha256: added.sha256, by: app.me ? app.me.name : "" }));
      fill(said, t("The photo is added. Trainees see it on this step."));
    } catch (e) {
      fill(said, errorText(e));
    }
  }, "secondary");
  const form = h("div.field.photo-form", {}, h("label", { for: id }, t("Add a photo to this step (for every trainee)")), input, add, said);
  return form;
}

/* The note field; REQUIRED when the step needs one. */
function noteField(step, required, label) {
  const id = `note-${step.id}`;
  const area = h("textarea.input.note-input", { id, rows: "3", maxlength: "2000", required: required || null });
  return {
    el: h("div.field", {},
      h("label", { for: id }, label || (required ? t("Note (needed for this step)") : t("Note (if needed)"))),
      area),
    value: () => area.value.trim(),
    focus: () => area.focus(),
  };
}

/* A Pass or Fail button; the checklist's own word is added when the step's text is in
 * another language than the screen. */
function verdictButton(result, textLang, onclick) {
  const extra = textLang !== currentLanguage() && CHECKLIST_WORDS[result][textLang]
    ? h("span.also", { lang: textLang }, ` (${CHECKLIST_WORDS[result][textLang]})`) : null;
  return h(`button.btn.btn-big.btn-${result}`, { type: "button", onclick }, icon(result), resultWords(result), extra);
}

/* Record STEP with BODY (step, result, value, note, parts, tester); a correction of the
 * step's latest record when it has one. */
async function record(ctx, step, body) {
  const prev = lastRecords(ctx.job).get(step.id);
  const req = { step: step.id, ...body };
  if (prev) req.corrects = prev.record;
  return post(`/api/jobs/${ctx.job.id}/steps`, req);
}

/* After a record: the full-screen instruction, or the next step. */
async function afterRecord(ctx, step, view) {
  if (view.quarantined) {
    location.hash = `#/job/${ctx.job.id}/quarantine`;
    return;
  }
  if (view.stopped) {
    location.hash = `#/job/${ctx.job.id}/stopped`;
    return;
  }
  // Said on the next screen of this job only, and only just after.
  app.flash = { job: ctx.job.id, step, result: view.result, refused: view.quarantine_refused || null, at: Date.now() };
  location.hash = view.next_step ? `#/job/${ctx.job.id}/${encodeURIComponent(view.next_step.id)}` : `#/job/${ctx.job.id}/end`;
}

/* The inputs of each kind of step. Each returns the elements and calls SAVE(body). */
const KINDS = {
  check(step, textLang, save, note) {
    return h("div.verdicts", {},
      verdictButton("pass", textLang, () => save({ result: "pass", note: note.value() || undefined })),
      verdictButton("fail", textLang, () => save({ result: "fail", note: note.value() || undefined })));
  },

  measure(step, textLang, save, note) {
    const id = `value-${step.id}`;
    const unit = step.unit || "";
    const input = h("input.input.input-number", { id, type: "text", inputmode: "decimal", autocomplete: "off", "aria-describedby": `${id}-range` });
    const range = step.range || {};
    const tester = step.tester ? h("input.input", { id: `${id}-tester`, type: "text", autocomplete: "off" }) : null;
    const submit = (e) => {
      e.preventDefault();
      // A decimal comma is how French and Dutch write numbers: the server reads a point.
      const value = input.value.trim().replace(",", ".");
      if (!value) {
        input.focus();
        return;
      }
      save({ value, note: note.value() || undefined, tester: tester ? tester.value.trim() || undefined : undefined });
    };
    return h("form.measure", { onsubmit: submit },
      h("div.field", {},
        h("label", { for: id }, t("The value you measured")),
        h("p.hint", { id: `${id}-range` }, t("Accepted: {min} to {max} {unit}", { min: num(range.min, 3), max: num(range.max, 3), unit })),
        h("div.with-unit", {}, input, h("span.unit", {}, unit))),
      tester ? h("div.field", {}, h("label", { for: `${id}-tester` }, t("Which tester did you use?")), tester) : null,
      h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Save")));
  },

  choice(step, textLang, save, note) {
    return h("div.choices", { role: "group", "aria-labelledby": "screen-title" },
      (step.options || []).map((o) => {
        const label = pick(o.label);
        const crit = pick(o.criteria);
        return h("button.btn.btn-choice", { type: "button", onclick: () => save({ value: o.value, note: note.value() || undefined }) },
          textIn("span.choice-label", label),
          crit.text ? textIn("span.choice-criteria", crit) : null);
      }));
  },

  entry(step, textLang, save, note) {
    const id = `value-${step.id}`;
    const imei = step.format === "imei";
    const input = h("input.input", {
      id, type: "text", autocomplete: "off", spellcheck: "false",
      inputmode: imei ? "numeric" : null, "aria-describedby": imei ? `${id}-hint` : null,
    });
    return h("form.entry", {
      onsubmit: (e) => {
        e.preventDefault();
        if (!input.value.trim()) {
          input.focus();
          return;
        }
        save({ value: input.value.trim(), note: note.value() || undefined });
      },
    },
    h("div.field", {},
      h("label", { for: id }, imei ? t("The IMEI") : t("What you read")),
      imei ? h("p.hint", { id: `${id}-hint` }, t("15 digits. Two IMEIs: put a comma between them.")) : null,
      input),
    h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Save")));
  },

  note(step, textLang, save, note) {
    return h("form.note-step", {
      onsubmit: (e) => {
        e.preventDefault();
        if (!note.value()) {
          note.focus();
          return;
        }
        save({ note: note.value() });
      },
    }, h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Save")));
  },

  parts(step, textLang, save, note, ctx) {
    const rows = h("div.parts-rows");
    const names = h("datalist#part-names", {}, (ctx.c.parts || []).map((p) => h("option", { value: pick(p).text })));
    let n = 0;
    const addRow = () => {
      n++;
      const p = `part-${n}`;
      const field = (key, label, input) => h("div.field", {}, h("label", { for: `${p}-${key}` }, label), input);
      const origin = h("select.input", { id: `${p}-origin` },
        h("option", { value: "" }, t("Choose...")),
        h("option", { value: "genuine" }, t("Genuine: new, from the maker")),
        h("option", { value: "used-original" }, t("Original, taken from another device")),
        h("option", { value: "aftermarket" }, t("Aftermarket: not from the maker")));
      rows.append(h("fieldset.part-row", {},
        h("legend", {}, t("Part {n}", { n })),
        field("name", t("Name of the part"), h("input.input", { id: `${p}-name`, type: "text", list: "part-names", autocomplete: "off" })),
        field("origin", t("Where it comes from"), origin),
        field("serial", t("Serial number of the part"), h("input.input", { id: `${p}-serial`, type: "text", autocomplete: "off", spellcheck: "false" })),
        field("supplier", t("Supplier (if known)"), h("input.input", { id: `${p}-supplier`, type: "text", autocomplete: "off" }))));
    };
    addRow();
    const problem = h("div", { "aria-live": "assertive" });
    return h("form.parts", {
      onsubmit: (e) => {
        e.preventDefault();
        const parts = [...rows.querySelectorAll(".part-row")].map((row) => {
          const v = (k) => row.querySelector(`[id$="-${k}"]`).value.trim();
          return { name: v("name"), origin: v("origin"), serial: v("serial"), supplier: v("supplier") || null };
        }).filter((p) => p.name || p.serial);
        if (!parts.length || parts.some((p) => !p.name || !p.origin || !p.serial)) {
          fill(problem, message("error", t("Each part needs its name, where it comes from and its serial number.")));
          return;
        }
        fill(problem);
        save({ parts, note: note.value() || undefined });
      },
    }, names, rows, problem,
    h("button.btn.btn-secondary", { type: "button", onclick: () => { addRow(); rows.lastChild.querySelector("input").focus(); } }, t("Add another part")),
    h("button.btn.btn-primary.btn-big", { type: "submit" }, t("Save")));
  },
};

/* An automatic step: the bench reads the device and decides. It runs by itself on
 * arrival; when it cannot decide, the trainee checks by hand and says what she saw. */
function autoStep(ctx, step, textLang, area, saveAndGo) {
  const run = async () => {
    fill(area, waiting(t("Atelier is checking the device...")));
    try {
      const view = await record(ctx, step, {});
      const facts = Object.entries(view.facts || {});
      fill(area,
        h("div.auto-result", { role: "status" },
          h("p.big-result", {}, t("Result:"), " ", resultBadge(view.result)),
          facts.length ? h("div.facts-used", {}, h("p", {}, t("What the bench read:")),
            h("ul", {}, facts.map(([k, v]) => h("li", {}, h("code", {}, k), `: ${v === null ? t("not known") : String(v)}`)))) : null),
        h("div.actions", {}, button(t("Next step"), () => afterRecord(ctx, step, view), "primary btn-big")));
      announce(t("Result: {result}", { result: resultWords(view.result) }));
      area.querySelector(".btn-primary").focus();
    } catch (err) {
      if (err.status === 409 && err.word === "undecided") byHand(err);
      else {
        fill(area, errorBox(err), h("div.actions", {}, button(t("Try again"), run, "primary btn-big")));
        area.querySelector(".btn-primary").focus();
      }
    }
  };
  const byHand = (err) => {
    const note = noteField(step, true, t("What you saw on the device (needed)"));
    const go = (result) => {
      if (!note.value()) {
        note.focus();
        announce(t("Write what you saw first."));
        return;
      }
      saveAndGo({ result, note: note.value() });
    };
    fill(area,
      // The server's reason names the command line's options (--result, --note): the
      // sentence below and the step's own note say the same for the screen.
      message("warning", t("The bench could not decide this step. Check it on the device yourself, write what you saw, then choose.")),
      note.el,
      h("div.verdicts", {}, verdictButton("pass", textLang, () => go("pass")), verdictButton("fail", textLang, () => go("fail"))));
    note.focus();
  };
  return run;
}

/* One step of the job. */
function showStep(ctx, step) {
  const steps = applicableSteps(ctx.c, ctx.job);
  const index = steps.findIndex((s) => s.id === step.id);
  const prev = lastRecords(ctx.job).get(step.id);
  const title = pick(step.title);
  const notes = [title, ...(step.instructions || []).map((i) => pick(i.text))].find((x) => x.note);
  const textLang = title.lang;
  const feedback = h("div.feedback", { "aria-live": "polite" });
  const fresh = app.flash && app.flash.job === ctx.job.id && Date.now() - app.flash.at < 10000;
  const flash = fresh ? { ...app.flash, title: pick(app.flash.step.title).text } : null;
  app.flash = null;

  const saveAndGo = async (body) => {
    fill(feedback, waiting(t("Saving...")));
    main.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try {
      const view = await record(ctx, step, body);
      await afterRecord(ctx, step, view);
    } catch (err) {
      main.querySelectorAll("button").forEach((b) => { b.disabled = false; });
      fill(feedback, message("error", errorText(err)));
      feedback.querySelector(".msg")?.setAttribute("tabindex", "-1");
      feedback.querySelector(".msg")?.focus();
    }
  };

  const kind = step.kind;
  const note = noteField(step, !!step.note_required || kind === "note", kind === "note" ? t("Your note") : null);
  const area = h("div.step-input");
  let autoRun = null;
  if (kind === "auto") {
    autoRun = autoStep(ctx, step, textLang, area, saveAndGo);
  } else {
    const make = KINDS[kind];
    fill(area, kind === "note" ? null : note.el, make ? make(step, textLang, saveAndGo, note, ctx) : message("error", t("This kind of step cannot be shown here. Ask your instructor.")));
    if (kind === "note") area.prepend(note.el);
  }

  const nav = h("div.runner-nav", {},
    index > 0 ? h("a.btn.btn-secondary.btn-back", { href: `#/job/${ctx.job.id}/${encodeURIComponent(steps[index - 1].id)}` }, icon("back"), t("Back")) : null,
    step.required === false ? button(t("Skip this step"), () => saveAndGo({ result: "skip" }), "secondary") : null,
    h("a.btn.btn-secondary", { href: ctx.leave }, t("Stop for now")));

  const main = screen(title.text,
    header(ctx, step),
    flash ? message("ok", t("Saved: {step}: {result}", { step: flash.title, result: resultWords(flash.result) }),
      flash.refused ? h("p", {}, flash.refused) : null) : null,
    notes ? h("p.translation-note", {}, icon("note"), notes.note) : null,
    prev ? message("info", t("Already recorded: {result}. Record it again to correct it.", { result: resultWords(prev.result) })) : null,
    h("div.instructions", {}, orderedInstructions(step).map(instructionBlock)),
    picture(ctx, step),
    area, feedback, nav);
  main.querySelector("h1").setAttribute("lang", textLang);
  main.querySelector("h1").setAttribute("dir", dirOf(textLang));
  main.classList.add("runner");
  if (flash) announce(t("Saved: {step}: {result}", { step: flash.title, result: resultWords(flash.result) }));
  // An automatic step runs by itself when it has no record yet.
  if (autoRun) {
    if (!prev) autoRun();
    else fill(area, h("p.big-result", {}, t("Result:"), " ", resultBadge(prev.result)),
      h("div.actions", {}, button(t("Check again"), autoRun, "secondary"),
        button(t("Next step"), () => { location.hash = `#/job/${ctx.job.id}`; }, "primary btn-big")));
  }
}

/* Full screen: the device goes to the quarantine box. */
function showQuarantine(ctx, q) {
  const warnings = (q.step.instructions || []).filter((i) => i.level === "warning").map(instructionBlock);
  const main = screen(t("Stop: this device goes to quarantine"),
    h("div.stop-screen.quarantine", {},
      icon("warning"),
      h("p.stop-step", {}, t("The step \"{step}\" failed.", { step: pick(q.step.title).text })),
      h("ol.stop-list", {},
        h("li", {}, t("Put the device in the quarantine box.")),
        h("li", {}, t("Do not try to unlock it or repair it.")),
        h("li", {}, t("Tell your instructor."))),
      warnings.length ? h("div.instructions", {}, warnings) : null),
    h("div.runner-nav", {},
      linkButton(t("Back to the bench"), "#/bench", "primary btn-big"),
      linkButton(t("My work"), "#/history", "secondary")));
  main.classList.add("runner");
}

/* Full screen: a failed step stops the job until an instructor decides. */
function showStopped(ctx, step) {
  const main = screen(t("Stop here and tell your instructor"),
    h("div.stop-screen", {},
      icon("caution"),
      h("p.stop-step", {}, t("The step \"{step}\" failed. This checklist cannot go on after it.", { step: pick(step.title).text })),
      h("ol.stop-list", {},
        h("li", {}, t("Do not go on with this device.")),
        h("li", {}, t("Tell your instructor. They decide how to go on.")),
        h("li", {}, t("If you made a mistake, do this step again.")))),
    h("div.runner-nav", {},
      linkButton(t("Do this step again"), `#/job/${ctx.job.id}/${encodeURIComponent(step.id)}`, "primary btn-big"),
      linkButton(t("Back to the bench"), "#/bench", "secondary")));
  main.classList.add("runner");
}

/* Every step done (or the job sent): the summary and Submit. */
function showEnd(ctx) {
  const last = lastRecords(ctx.job);
  const steps = applicableSteps(ctx.c, ctx.job);
  const feedback = h("div.feedback", { "aria-live": "polite" });
  const sent = ctx.job.state !== "open";
  const submitBtn = sent ? null : button(t("Submit"), async () => {
    submitBtn.disabled = true;
    fill(feedback, waiting(t("Sending...")));
    try {
      await post(`/api/jobs/${ctx.job.id}/submit`);
      fill(feedback, message("ok", t("Sent. Your instructor will look at your work and give a grade.")),
        h("div.actions", {}, linkButton(t("Back to the bench"), "#/bench", "primary btn-big"), linkButton(t("My work"), "#/history")));
      submitBtn.remove();
      feedback.querySelector(".btn-primary").focus();
    } catch (err) {
      submitBtn.disabled = false;
      const missing = (err.detail && err.detail.missing) || [];
      const reasons = (err.detail && err.detail.reasons) || [];
      const items = reasons.length === missing.length ? reasons.map((r, i) => reasonText(ctx, r, missing[i])) : missing;
      fill(feedback, message("error", missing.length ? t("This work cannot be sent yet:") : errorText(err),
        missing.length ? h("ul.missing", {}, items.map((m) => h("li", {}, m))) : null));
      feedback.querySelector(".msg").setAttribute("tabindex", "-1");
      feedback.querySelector(".msg").focus();
    }
  }, "primary btn-big");
  const main = screen(sent ? t("This work was sent") : t("All steps are done"),
    header(ctx, null),
    sent ? message("info", t("It was sent for grading. You can no longer change it.")) : h("p", {}, t("Look at your answers. Open a step to correct it. Then send your work to your instructor.")),
    h("ol.summary", {}, steps.map((s) => {
      const r = last.get(s.id);
      return h("li", {},
        h("a", { href: `#/job/${ctx.job.id}/${encodeURIComponent(s.id)}` }, pick(s.title).text),
        " ", r ? resultBadge(r.result) : h("span.result.result-none", {}, icon("dot"), t("Not done")));
    })),
    feedback,
    h("div.runner-nav", {}, submitBtn, sent && isInstructor()
      // An instructor reads sent work from the console's list: back to it.
      ? linkButton(t("Back to the console"), "#/console")
      : h("a.btn.btn-secondary", { href: ctx.leave }, t("Stop for now"))));
  main.classList.add("runner");
}

/* A reason the job cannot be sent ({step, why} from the server), in the person's
 * language with the step's name; the server's words (TEXT) when the step is unknown. */
function reasonText(ctx, reason, text) {
  const s = (ctx.c.steps || []).find((x) => x.id === reason.step);
  if (!s) return text;
  const step = pick(s.title).text;
  switch (reason.why) {
    case "not-done": return t("Not done yet: {step}", { step });
    case "skipped": return t("Skipped, but it is needed: {step}", { step });
    case "stopped": return t("Failed, and it stops the work: {step}. Your instructor decides what comes next.", { step });
    case "redo": return t("To do again since the grade: {step}", { step });
    default: return text;
  }
}

export async function showJob(id, which) {
  const main = screen(t("Loading the job..."), waiting());
  const ctx = { timers: [], leave: app.lastDevice ? `#/device/${encodeURIComponent(app.lastDevice)}` : "#/bench" };
  document.body.classList.add("running");
  const cleanup = () => {
    ctx.timers.forEach(clearInterval);
    document.body.classList.remove("running");
  };
  try {
    Object.assign(ctx, await load(id));
  } catch (err) {
    fill(main, main.querySelector("h1"), err.status === 404 ? message("error", t("This job does not exist.")) : errorBox(err),
      linkButton(t("Back to the bench"), "#/bench"));
    return cleanup;
  }
  const steps = applicableSteps(ctx.c, ctx.job);
  const q = quarantineRecord(ctx.c, ctx.job);
  const stop = ctx.job.stopped_by && steps.find((s) => s.id === ctx.job.stopped_by.step);
  if (ctx.job.state !== "open" || which === "end") showEnd(ctx);
  else if (q) showQuarantine(ctx, q);
  else if (stop && which !== stop.id) showStopped(ctx, stop);
  else {
    const step = steps.find((s) => s.id === which) || (which ? null : nextStep(ctx.c, ctx.job));
    if (step) showStep(ctx, step);
    else if (which && which !== "quarantine" && which !== "stopped") location.hash = `#/job/${ctx.job.id}`;
    else showEnd(ctx);
  }
  return cleanup;
}
