// The inventory (console/inventory), for instructors and the resale office: GET
// /api/inventory?format=json with the same filters as `atelier report inventory`
// (state, platform, grade, first seen since), sorted by the server when a column's
// head is chosen (a button in each head: Enter or Space, aria-sort says the order),
// and the same list as a CSV file to download. The screen shows the first PAGE rows;
// the file holds them all.
import { h, announce } from "../dom.js";
import { t, num, when, currentLanguage } from "../i18n.js";
import { get, withQuery } from "../api.js";
import { stateWords } from "../card.js";
import { consoleNav } from "./console.js";
import { screen, message, errorBox, waiting } from "../ui.js";

const PAGE = 500;
const STATES = ["intake", "in_repair", "quarantine", "ready", "certified", "sold", "recycled", "parts"];
const GRADES = ["A", "B", "C", "D"];

/* The columns shown: the inventory's key, its head, and how a value reads. */
const COLUMNS = [
  ["stock_number", () => t("Stock number")],
  ["marketing_name", () => t("Model")],
  ["storage_gb", () => t("Storage"), (v) => t("{n} GB", { n: num(v, 0) })],
  ["colour", () => t("Colour")],
  ["grade", () => t("Grade")],
  ["battery_health_pct", () => t("Battery"), (v) => t("{n} %", { n: num(v, 0) })],
  ["imei1", () => t("IMEI")],
  ["state", () => t("Where it is"), (v) => stateWords(v)],
  ["shelf", () => t("Shelf")],
  ["certificate", () => t("Certificate")],
  ["price", () => t("Price"), (v, row) => `${num(v, 2)} ${row.currency || ""}`.trim()],
];

/* The intake batches, each with the labels for its devices' bags and the donor's report;
 * BATCHES is GET /api/batches's list. */
function batchPart(batches) {
  const lang = ["fr", "nl", "en"].includes(currentLanguage()) ? currentLanguage() : null;
  const items = batches.map((b) => {
    const base = `/api/batches/${encodeURIComponent(b.name)}`;
    return h("li.card.batch-item", {},
      h("h3", {}, b.name),
      h("p", {}, t("From {donor}, {date}. Devices: {n}.", { donor: b.donor, date: when(b.t_ms), n: num(b.devices, 0) })),
      b.devices ? h("p.label-links", {},
        h("a.btn.btn-secondary", { href: withQuery(`${base}/labels`, { intake: "1", lang }), download: "" }, t("Print the labels for the bags (A4, PDF)")), " ",
        h("a.btn.btn-secondary", { href: withQuery(`${base}/erasure`, { format: "pdf", lang }), download: "" }, t("Donor's erasure report (PDF)")))
        : h("p.hint", {}, t("No device in this batch yet.")));
  });
  return h("section.batches", { "aria-labelledby": "batches-title" },
    h("h2", { id: "batches-title" }, t("Intake batches")),
    items.length ? h("ul.queue", {}, items) : message("info", t("No batch yet. Make one with: atelier intake batch NAME --donor TEXT")));
}

/* The programme's report for the funders: the period, then the file to download. */
function programmePart() {
  const year = new Date().getFullYear();
  const from = h("input.input", { id: "prog-from", type: "date", value: `${year}-01-01` });
  const to = h("input.input", { id: "prog-to", type: "date", value: `${year + 1}-01-01` });
  const lang = ["fr", "nl", "en"].includes(currentLanguage()) ? currentLanguage() : null;
  const pdf = h("a.btn.btn-secondary", { download: "" }, t("Download the report (PDF)"));
  const csv = h("a.btn.btn-secondary", { download: "" }, t("Download its figures (CSV)"));
  const update = () => {
    pdf.href = withQuery("/api/reports/programme", { from: from.value, to: to.value, format: "pdf", lang });
    csv.href = withQuery("/api/reports/programme", { from: from.value, to: to.value, format: "csv", lang });
  };
  from.addEventListener("change", update);
  to.addEventListener("change", update);
  update();
  return h("section.programme", { "aria-labelledby": "programme-title" },
    h("h2", { id: "programme-title" }, t("The programme's report")),
    h("p.hint", {}, t("For the funders: devices, repairs, trainees counted (never named), e-waste kept in use. The period ends the evening before the second day.")),
    h("div.inventory-filters", {},
      h("div.field", {}, h("label", { for: "prog-from" }, t("From")), from),
      h("div.field", {}, h("label", { for: "prog-to" }, t("To")), to)),
    h("p.label-links", {}, pdf, " ", csv));
}

/* The filters as the address keeps them: #/console/inventory?state=sold&sort=-price */
function filtersOf(query) {
  const p = new URLSearchParams(query || "");
  const f = {};
  for (const k of ["state", "platform", "grade", "since", "sort"]) if (p.get(k)) f[k] = p.get(k);
  return f;
}

function hashOf(f) {
  return withQuery("#/console/inventory", f);
}

function select(id, label, value, options) {
  return h("div.field", {},
    h("label", { for: id }, label),
    h("select.input", { id, name: id },
      h("option", { value: "" }, t("All")),
      options.map(([v, words]) => h("option", { value: v, selected: v === value ? "" : null }, words))));
}

function filterForm(f) {
  const since = h("input.input", { id: "inv-since", name: "since", type: "date", value: f.since || "" });
  const form = h("form.inventory-filters", { "aria-label": t("Which devices") },
    select("inv-state", t("Where it is"), f.state, STATES.map((s) => [s, stateWords(s)])),
    select("inv-platform", t("Platform"), f.platform, [["ios", "iPhone, iPad"], ["android", "Android"]]),
    select("inv-grade", t("Grade"), f.grade, GRADES.map((g) => [g, g])),
    h("div.field", {}, h("label", { for: "inv-since" }, t("First seen since")), since),
    h("button.btn.btn-primary", { type: "submit" }, t("Show")));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = {
      state: form.querySelector("#inv-state").value, platform: form.querySelector("#inv-platform").value,
      grade: form.querySelector("#inv-grade").value, since: since.value, sort: f.sort,
    };
    location.hash = hashOf(next);
  });
  return form;
}

/* A column's head: a button that sorts by it, the largest first on a second press. */
function head(f, key, words) {
  const now = f.sort === key ? "ascending" : f.sort === `-${key}` ? "descending" : "none";
  const next = now === "ascending" ? `-${key}` : key;
  const b = h("button.sort-button", { type: "button", "data-sort": key }, words,
    h("span.sort-mark", { "aria-hidden": "true" }, now === "ascending" ? " \u25b2" : now === "descending" ? " \u25bc" : ""));
  b.addEventListener("click", () => {
    location.hash = hashOf({ ...f, sort: next });
  });
  return h("th", { scope: "col", "aria-sort": now }, b);
}

function table(f, rows) {
  return h("div.table-wrap", { role: "region", "aria-label": t("Inventory") },
    h("table.figures.inventory-table", {},
      h("thead", {}, h("tr", {}, COLUMNS.map(([key, words]) => head(f, key, words())))),
      h("tbody", {}, rows.map((row) => h("tr", {}, COLUMNS.map(([key, , show]) => {
        const v = row[key];
        return h("td", {}, v === null || v === undefined || v === "" ? "\u2014" : show ? show(v, row) : String(v));
      }))))));
}

/* #/console/inventory[?filters] */
export async function showInventory(query) {
  const f = filtersOf(query);
  const main = screen(t("Inventory"), waiting());
  let rows;
  try {
    rows = await get(withQuery("/api/inventory", { ...f, format: "json", limit: PAGE + 1 }));
  } catch (err) {
    const body = err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err);
    main.replaceChildren(main.querySelector("h1"), consoleNav("inventory"), body);
    return null;
  }
  // The batches, for their labels and donors' reports (an empty list if they cannot be read).
  let batches = null;
  try {
    batches = (await get("/api/batches")).batches || [];
  } catch (err) {
    batches = null;
  }
  const more = rows.length > PAGE;
  if (more) rows = rows.slice(0, PAGE);
  const download = h("a.btn.btn-secondary", { href: withQuery("/api/inventory", { ...f, format: "csv" }), download: "inventory.csv" },
    t("Download the list (CSV)"));
  const count = more
    ? t("More than {n} devices: the first {n} are shown. The CSV file holds them all.", { n: num(PAGE, 0) })
    : rows.length === 1 ? t("1 device") : t("{n} devices", { n: num(rows.length, 0) });
  main.replaceChildren(main.querySelector("h1"), consoleNav("inventory"), filterForm(f),
    h("p.inventory-count", { role: "status" }, count, " ", download),
    rows.length ? table(f, rows) : message("info", t("No device matches.")),
    h("p.hint", {}, t("Made {date}. Opening the CSV in a spreadsheet: keep quoted fields as text, so that IMEIs stay whole.", { date: when(Date.now()) })),
    batches ? batchPart(batches) : null, programmePart());
  // After a sort, the focus goes back to the head that was pressed.
  if (f.sort) {
    const key = f.sort.replace(/^-/, "");
    const again = main.querySelector(`.sort-button[data-sort="${key}"]`);
    if (again) {
      again.focus();
      announce(count);
    }
  }
  return null;
}

