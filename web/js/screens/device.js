// One device: its card, and the checklists that apply to it, with the open job to
// continue or a new one to start.
import { h, fill } from "../dom.js";
import { t, currentLanguage, competenceName } from "../i18n.js";
import { get, post, withQuery } from "../api.js";
import { app } from "../state.js";
import { liveCard, recordedCard } from "../card.js";
import { screen, message, errorBox, errorText, linkButton, waiting } from "../ui.js";

/* The language the server should give the titles in: it has en, fr and nl; others read
 * English (as the checklists fall back). */
export function serverLang() {
  const l = currentLanguage();
  return ["en", "fr", "nl"].includes(l) ? l : "en";
}

// The order of work (docs/checklists.md): the list comes sorted by id; show it in the
// order a device goes through.
function rank(id) {
  if (id.startsWith("intake")) return 0;
  if (id.includes("wipe")) return 1;
  if (id.startsWith("diagnostics")) return 2;
  if (id.startsWith("final")) return 4;
  return 3;
}

function difficulty(n) {
  const blocks = [];
  for (let i = 1; i <= 5; i++) blocks.push(h(`span.diff-block${i <= n ? ".on" : ""}`, { "aria-hidden": "true" }));
  return h("span.difficulty", {}, h("span.diff-blocks", {}, blocks), t("Difficulty: {n} of 5", { n }));
}

// The titles of the checklists shown, by id: what a trainee not ready yet is told she
// needs is said with the titles she reads on this screen.
const titles = new Map();

/* What a trainee still needs before she may start a checklist, in her language: the
 * server's {needs: [{approved: CHECKLIST} | {signed_off: COMPETENCE}]}. */
function needsBox(needs) {
  return message("warning", h("div", {},
    h("p", {}, t("You cannot start this work yet. First you need:")),
    h("ul.needs", {}, needs.map((n) => h("li", {}, n.approved
      ? t("an approved job of {checklist}", { checklist: titles.get(n.approved) || n.approved })
      : t("your instructor's sign-off for {competence}", { competence: competenceName(n.name, n.signed_off) })))),
    h("p", {}, t("Ask your instructor what to do next."))));
}

async function start(key, checklist, where, btn) {
  btn.disabled = true;
  fill(where, waiting(t("Starting...")));
  try {
    const view = await post("/api/jobs", { device: key, checklist });
    location.hash = `#/job/${view.job.id}`;
  } catch (err) {
    btn.disabled = false;
    const needs = err.detail && Array.isArray(err.detail.needs) ? err.detail.needs : null;
    fill(where, needs && needs.length ? needsBox(needs) : message("error", errorText(err)));
  }
}

function checklistItem(key, c, open, quarantined) {
  const where = h("div.item-feedback", { "aria-live": "polite" });
  let action = null;
  if (open && open.trainee === app.me.name) {
    action = linkButton(t("Continue"), `#/job/${open.id}`, "primary btn-big", { "aria-describedby": `cl-${c.id}` });
  } else if (open) {
    action = h("p.note", {}, t("{name} is working on this checklist.", { name: open.trainee }));
  } else if (!quarantined) {
    const btn = h("button.btn.btn-primary.btn-big", { type: "button", "aria-describedby": `cl-${c.id}` }, t("Start"));
    btn.addEventListener("click", () => start(key, c.id, where, btn));
    action = btn;
  }
  return h("li.card.checklist-item", {},
    h("h3", { id: `cl-${c.id}` }, c.title),
    h("p.meta", {},
      h("span", {}, t("About {n} minutes", { n: c.time_minutes })),
      difficulty(c.difficulty),
      h("span", {}, t("{n} steps", { n: c.steps }))),
    open ? h("p.open-job", {}, t("Started, not finished yet.")) : null,
    action, where);
}

export async function showDevice(key) {
  if (!key) {
    location.hash = "#/bench";
    return null;
  }
  app.lastDevice = key; // where the step runner's "Stop for now" comes back to
  const main = screen(t("Choose the work"), waiting());
  let dev;
  try {
    dev = await get(`/api/devices/${encodeURIComponent(key)}`);
  } catch (err) {
    fill(main, main.querySelector("h1"),
      err.status === 404 ? message("error", t("No device with this number is known. Check the number, or plug the device in so that the bench reads it."))
        : errorBox(err),
      linkButton(t("Back to the bench"), "#/bench"));
    return null;
  }
  // The live card when the bench sees the device now, else the recorded one.
  let live = null;
  try {
    const bench = await get("/api/bench");
    const ids = [key, dev.udid, dev.serial, dev.imei].filter(Boolean);
    live = (bench.devices || []).find((d) => d.card && ids.includes(d.card.device)) || null;
  } catch {
    live = null; // no live list on this server: the recorded card says enough
  }
  const quarantined = dev.state === "quarantine";
  const list = h("ul.checklists");
  fill(main, main.querySelector("h1"),
    live ? liveCard(live, false) : recordedCard(dev),
    quarantined ? message("warning", t("This device is in quarantine. Nobody works on it until an instructor releases it.")) : null,
    h("h2", {}, t("Checklists for this device")),
    list,
    linkButton(t("Back to the bench"), "#/bench"));
  try {
    const [cl, open] = await Promise.all([
      get(withQuery("/api/checklists", { device: key, lang: serverLang() })),
      get(withQuery("/api/jobs", { device: key, state: "open" })),
    ]);
    const items = (cl.checklists || []).slice().sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
    for (const c of items) titles.set(c.id, c.title);
    if (!items.length) fill(list, h("li", {}, message("info", t("No checklist applies to this device yet. Ask your instructor."))));
    else fill(list, items.map((c) => checklistItem(key, c, (open || []).find((j) => j.checklist === c.id), quarantined)));
  } catch (err) {
    fill(list, h("li", {}, errorBox(err)));
  }
  return null;
}
