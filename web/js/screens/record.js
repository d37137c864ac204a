// A trainee's record of competence: her sign-offs, her figures per checklist (jobs,
// approved, approved the first time, redos, time and its trend), her rubric scores over
// time as a chart, and the feedback she received, with the record to download as a PDF
// she can keep (GET /api/trainees/NAME, /report). A trainee reads her own (#/record); an
// instructor reads anyone's from the console (#/console/trainees, then a name).
import { h, fill } from "../dom.js";
import { t, num, when, currentLanguage, competenceName } from "../i18n.js";
import { get, withQuery } from "../api.js";
import { app, isInstructor } from "../state.js";
import { serverLang } from "./device.js";
import { consoleNav, watchWork } from "./console.js";
import { screen, message, errorBox, linkButton, waiting } from "../ui.js";

const SVG = "http://www.w3.org/2000/svg";
const FEEDBACK_SHOWN = 10;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/* Each graded job's scores as a share of their maximum (0..1), oldest first. */
function scoreShares(scores) {
  return (scores || []).map((s) => {
    let got = 0;
    let max = 0;
    for (const [k, v] of Object.entries(s.scores || {})) {
      const m = s.score_max && s.score_max[k];
      if (m) {
        got += Number(v) || 0;
        max += m;
      }
    }
    return max ? { t_ms: s.t_ms, share: got / max, verdict: s.verdict } : null;
  }).filter(Boolean).sort((a, b) => a.t_ms - b.t_ms);
}

/* The scores over time: a line of the share of the maximum per graded job, with its
 * words for whoever does not see it. */
function scoreChart(points) {
  if (!points.length) return h("p.muted", {}, t("No scores yet."));
  const W = 600, H = 200, P = 30;
  const x = (i) => P + (points.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (points.length - 1));
  const y = (share) => H - P - share * (H - 2 * P);
  const avg = points.reduce((a, p) => a + p.share, 0) / points.length;
  const words = points.length === 1
    ? t("Scores over time: 1 graded job, {avg} % of the maximum.", { avg: num(avg * 100, 0) })
    : t("Scores over time: {n} graded jobs, on average {avg} % of the maximum; the latest {last} %.",
      { n: num(points.length, 0), avg: num(avg * 100, 0), last: num(points[points.length - 1].share * 100, 0) });
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "score-chart", role: "img", "aria-label": words },
    ...[0, 0.5, 1].map((v) => svg("line", { x1: P, x2: W - P, y1: y(v), y2: y(v), class: "chart-grid" })),
    ...[0, 50, 100].map((v) => svg("text", { x: 2, y: y(v / 100) + 4, class: "chart-label" }, `${num(v, 0)} %`)),
    svg("polyline", { points: points.map((p, i) => `${x(i)},${y(p.share)}`).join(" "), class: "chart-line" }),
    ...points.map((p, i) => svg("circle", { cx: x(i), cy: y(p.share), r: 4, class: p.verdict === "approved" ? "chart-dot" : "chart-dot chart-redo" })));
  return h("figure.chart", {}, chart, h("figcaption", {}, words));
}

function trendWords(trend) {
  if (!Array.isArray(trend) || trend.length < 4) return "";
  const half = Math.floor(trend.length / 2);
  const mean = (a) => a.reduce((s, p) => s + p.minutes, 0) / a.length;
  const before = mean(trend.slice(0, half));
  const after = mean(trend.slice(half));
  if (after < before * 0.85 && before - after > 0.5) return t("faster");
  if (after > before * 1.15 && after - before > 0.5) return t("slower");
  return t("steady");
}

function figuresTable(rows, titles) {
  if (!rows.length) return h("p.muted", {}, t("No work yet."));
  const head = [t("Checklist"), t("Jobs"), t("Approved"), t("Approved the first time"), t("Sent back"), t("Average time"), t("Trend")];
  return h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": t("Work per checklist") },
    h("table.figures", {},
      h("thead", {}, h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((r) => h("tr", {},
        h("th", { scope: "row" }, titles.get(r.id) || r.id),
        h("td", {}, num(r.jobs, 0)),
        h("td", {}, num(r.approved, 0)),
        h("td", {}, r.first_time_rate == null ? "–" : `${num(r.first_time_rate * 100, 0)} %`),
        h("td", {}, num(r.redos, 0)),
        h("td", {}, r.average_minutes == null ? "–" : t("{n} min", { n: num(r.average_minutes, 0) })),
        h("td", {}, trendWords(r.trend)))))));
}

function downloads(name) {
  const lang = ["fr", "nl", "en"].includes(currentLanguage()) ? currentLanguage() : serverLang();
  const link = (format, label) => h("a.btn.btn-secondary", { href: withQuery(`/api/trainees/${encodeURIComponent(name)}/report`, { format, lang }), download: "" }, label);
  return h("div.actions", {}, link("pdf", t("Download the record (PDF)")), link("csv", t("Download the figures (CSV)")));
}

/* The record of NAME (null: the person signed in). */
export async function showRecord(name) {
  const who = name || (app.me && app.me.name);
  const inConsole = !!name && isInstructor();
  const main = screen(t("Training record: {name}", { name: who }), waiting());
  let v;
  let lists;
  try {
    [v, lists] = await Promise.all([get(`/api/trainees/${encodeURIComponent(who)}`),
      get(withQuery("/api/checklists", { lang: serverLang() })).catch(() => null)]);
  } catch (err) {
    fill(main, main.querySelector("h1"), err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err));
    return null;
  }
  const titles = new Map(((lists && lists.checklists) || []).map((c) => [c.id, c.title]));
  const record = v.record || {};
  const feedback = (record.feedback || []).slice().sort((a, b) => b.t_ms - a.t_ms).slice(0, FEEDBACK_SHOWN);
  fill(main, main.querySelector("h1"),
    inConsole ? consoleNav("trainees") : null,
    downloads(who),
    h("section", { "aria-labelledby": "so-title" }, h("h2#so-title", {}, t("Competences signed off")),
      (v.signoffs || []).length
        ? h("ul.signoffs", {}, v.signoffs.map((s) => h("li", {}, h("strong", {}, competenceName(s.name, s.competence)), " — ",
          t("{name}, {date}", { name: s.by, date: when(s.t_ms) }), s.note ? h("p.muted", {}, s.note) : null)))
        : h("p.muted", {}, t("None yet."))),
    h("section", { "aria-labelledby": "fig-title" }, h("h2#fig-title", {}, t("Work per checklist")), figuresTable(record.checklists || [], titles)),
    h("section", { "aria-labelledby": "chart-title" }, h("h2#chart-title", {}, t("Scores over time")), scoreChart(scoreShares(record.scores))),
    h("section", { "aria-labelledby": "fb-title" }, h("h2#fb-title", {}, t("Feedback received")),
      feedback.length ? h("ul.queue", {}, feedback.map((f) => h("li.card", {},
        h("p.verdict", {}, titles.get(f.checklist) || f.checklist, " — ", f.verdict === "approved" ? t("Verdict: approved") : t("Verdict: to do again")),
        h("blockquote.feedback-text", {}, h("p", {}, f.feedback), h("footer", {}, t("{name}, {date}", { name: f.by, date: when(f.t_ms) }))))))
        : h("p.muted", {}, t("None yet."))),
    inConsole ? null : h("p", {}, linkButton(t("My work"), "#/history")));
  return null;
}

/* The trainees of GET /api/trainees (V), each with her jobs, approved work and sign-offs. */
function traineesList(v) {
  const people = new Map();
  for (const r of (v && v.rows) || []) {
    const p = people.get(r.trainee) || { jobs: 0, approved: 0, signed: r.signed_off || "", names: r.signed_off_names || {} };
    p.jobs += r.jobs || 0;
    p.approved += r.approved || 0;
    people.set(r.trainee, p);
  }
  const names = [...people.keys()].sort((a, b) => a.localeCompare(b));
  return names.length ? h("ul.queue", {}, names.map((n) => {
    const p = people.get(n);
    const id = `tr-${n}`;
    return h("li.card", {},
      h("h3", { id }, n),
      h("p", {}, t("Jobs: {jobs}; approved: {approved}", { jobs: num(p.jobs, 0), approved: num(p.approved, 0) })),
      p.signed ? h("p", {}, t("Signed off: {list}", {
        list: p.signed.split("; ").map((c) => competenceName(p.names[c], c)).join(", "),
      })) : null,
      linkButton(t("See the record"), `#/console/trainee/${encodeURIComponent(n)}`, "secondary", { "aria-describedby": id }));
  })) : message("info", t("No trainee has started work yet."));
}

/* The console's list of trainees, kept up to date as the overview is: read again at the
 * server's events of work and grades (watchWork()). Gives the function that stops that. */
export async function showTrainees() {
  const main = screen(t("Trainees"), waiting());
  let v;
  try {
    v = await get("/api/trainees");
  } catch (err) {
    fill(main, main.querySelector("h1"), err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err));
    return null;
  }
  const list = h("div.trainees-live");
  const draw = () => {
    // The keyboard stays on the link it was on when the list is drawn again.
    const active = list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    fill(list, traineesList(v));
    const again = active && [...list.querySelectorAll("a")].find((a) => a.getAttribute("href") === active);
    if (again) again.focus();
  };
  fill(main, main.querySelector("h1"), consoleNav("trainees"), list);
  draw();
  // Only the latest reading is drawn; a failed one leaves the list as it was.
  let asked = 0;
  return watchWork(async () => {
    const mine = ++asked;
    try {
      const got = await get("/api/trainees");
      if (mine === asked) {
        v = got;
        draw();
      }
    } catch {
      // the list on the screen stays; the next event reads it again
    }
  });
}
