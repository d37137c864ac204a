// The page a certificate's QR code opens (/v/ID#SIG): anyone, signed in or not, sees
// whether the certificate is valid, withdrawn, unknown or altered, and what it says of
// the device, in their language. The signature in the address's fragment never reaches
// the server's logs: this script sends it to /api/public/certificates/ID?sig=SIG, which
// checks it against the certificate as issued, the key and the withdrawn list.
// Everything is built with h() (textContent): nothing the server sends is read as HTML.
import { h, icon } from "./js/dom.js";
import { setLanguage, t, num } from "./js/i18n.js";

const LANGS = [
  { lang: "fr", name: "Français" },
  { lang: "nl", name: "Nederlands" },
  { lang: "en", name: "English" },
];

const app = document.getElementById("app");
const id = decodeURIComponent(location.pathname.replace(/^\/v\//, "")).slice(0, 64);
const sig = location.hash.replace(/^#/, "").slice(0, 256);
const asked = new URLSearchParams(location.search).get("lang");

/* Milliseconds of an ISO 8601 time, or null. */
function ms(iso) {
  const v = Date.parse(iso || "");
  return Number.isNaN(v) ? null : v;
}

/* A date (and its time unless DAY) in the page's language, in the workshop's time zone
 * (the certificate names it; Brussels for those issued before). */
function when(iso, zone, day) {
  const v = ms(iso);
  if (v === null) return "";
  const opts = day ? { dateStyle: "long" } : { dateStyle: "long", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang, { ...opts, timeZone: zone || "Europe/Brussels" }).format(new Date(v));
  } catch {
    return new Intl.DateTimeFormat(document.documentElement.lang, { ...opts, timeZone: "Europe/Brussels" }).format(new Date(v));
  }
}

/* The certificate's sentence at PATH in the page's language (its translations), else as
 * it was signed. */
function said(cert, lang, path) {
  const tr = cert.translations && cert.translations[lang];
  if (tr && typeof tr[path] === "string") return tr[path];
  return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), cert) ?? "";
}

function langLinks(lang) {
  return h("nav.verify-langs", { "aria-label": t("Language") },
    LANGS.map((l) => l.lang === lang
      ? h("span.verify-lang", { "aria-current": "true", lang: l.lang }, l.name)
      : h("a.verify-lang", { href: `?lang=${l.lang}${location.hash}`, lang: l.lang, hreflang: l.lang }, l.name)));
}

function row(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return [h("dt", null, label), h("dd", null, value)];
}

function verdict(v) {
  const gone = v.revoked || {};
  switch (v.state) {
    case "valid":
      return h("section.verify-state.state-valid", { role: "status" }, icon("pass"),
        h("div", null, h("h2", null, t("Valid certificate")),
          h("p", null, t("This certificate was issued by the workshop and has not been changed since. The workshop has not withdrawn it."))));
    case "revoked":
      return h("section.verify-state.state-revoked", { role: "alert" }, icon("warning"),
        h("div", null, h("h2", null, t("Withdrawn certificate")),
          h("p", null, t("The workshop withdrew this certificate on {date}. Reason: {why}", { date: when(gone.revoked_at, null, true), why: gone.why || "" })),
          h("p", null, t("Do not rely on it: ask the workshop what was done to the device since."))));
    case "tampered":
      return h("section.verify-state.state-tampered", { role: "alert" }, icon("fail"),
        h("div", null, h("h2", null, t("This certificate does not match")),
          h("p", null, t("The code you scanned, or the certificate kept by the workshop, is not the one the workshop signed. Do not trust it, and tell the workshop."))));
    default:
      return h("section.verify-state.state-unknown", { role: "alert" }, icon("unknown"),
        h("div", null, h("h2", null, t("Unknown certificate")),
          h("p", null, t("This workshop has no certificate {id}. Check the address, or ask the seller for the certificate.", { id: id || "?" }))));
  }
}

function battery(c) {
  const b = c.battery || {};
  if (typeof b.health_pct !== "number") return null;
  const pct = `${num(b.health_pct)}${document.documentElement.lang === "fr" ? "\u202f" : " "}%`;
  if (b.measured === "tester" || (!b.measured && /tester/.test(b.tool || "")))
    return t("{pct} (measured with a tester)", { pct });
  if (typeof b.cycle_count === "number")
    return t("{pct} (measured by the phone; {cycles} charge cycles)", { pct, cycles: num(b.cycle_count, 0) });
  return t("{pct} (measured by the phone)", { pct });
}

function lockName(check) {
  switch (check) {
    case "find_my": return t("Find My (Activation Lock)");
    case "google_accounts": return t("Google accounts");
    case "frp": return t("Factory Reset Protection");
    case "bootloader": return t("Bootloader");
    default: return check;
  }
}

function lockState(state) {
  switch (state) {
    case "off": return t("off");
    case "0": return t("none");
    case "locked": return t("locked");
    default: return state;
  }
}

function details(c, lang) {
  const d = c.device || {};
  const w = c.workshop || {};
  const zone = w.timezone;
  const storage = Number.isInteger(d.storage_gb) ? `${d.storage_gb} ${t("GB")}` : null;
  const colour = d.color_name || (d.color && !/^(#|[0-9]+$|[A-Z0-9_-]{1,4}$)/.test(d.color) ? d.color : d.color ? t("not recorded (the device gives only the code {code})", { code: d.color }) : null);
  const grade = c.cosmetic ? `${c.cosmetic.grade} \u2014 ${said(c, lang, "cosmetic.label")}` : null;
  const method = (c.sanitization || {}).method;
  const scale = (c.cosmetic && c.cosmetic.scale && c.cosmetic.scale.grades) || [];
  const parts = Array.isArray(c.parts) ? c.parts : [];
  const origin = (o) => ({ genuine: t("new, original"), "used-original": t("original, reused"), aftermarket: t("compatible, not original") }[o] || o);
  return [
    h("section.card.verify-card", null,
      h("h2", null, d.marketing_name || d.model_id || t("Device")),
      h("dl.verify-facts", null,
        row(t("Certificate"), c.id),
        row(t("Issued"), when(c.issued_at, zone)),
        row(t("Storage"), storage),
        row(t("Colour"), colour),
        row(t("Serial number"), d.serial),
        Array.isArray(d.imei) ? row(t("IMEI"), d.imei.join(", ")) : null,
        row(t("Battery health"), battery(c)),
        row(t("Cosmetic grade"), grade),
        row(t("What the grade means"), said(c, lang, "cosmetic.criteria")),
        row(t("Functional test"), c.functional ? (c.functional.result === "pass" ? t("Passed") : t("Failed")) : null),
        row(t("Data wiped"), method ? `${method === "purge" ? t("Purge (cryptographic erase)") : t("Clear")}, ${t("NIST SP 800-88")}${c.sanitization.checked_at ? ", " + t("checked by a second person on {date}", { date: when(c.sanitization.checked_at, zone, true) }) : ""}` : null),
        (c.locks || []).map((k) => row(lockName(k.check), t("{state} (read on {date})", { state: lockState(k.state), date: when(k.read_at, zone) }))),
        row(t("Warranty"), Number.isInteger(c.warranty_months) ? t("{n} months from the sale", { n: c.warranty_months }) : null))),
    parts.length ? h("section.card.verify-card", null, h("h2", null, t("Parts fitted")),
      h("ul", null, parts.map((p) => h("li", null, `${p.name}: ${origin(p.origin)}`)))) : null,
    h("section.card.verify-card", null, h("h2", null, t("Water resistance")),
      h("p", null, t("Water resistance is not guaranteed: the seals of a used device may have aged, and a device opened for a repair is not sealed as in the factory."))),
    scale.length ? h("section.card.verify-card", null, h("h2", null, t("Grading scale")),
      h("dl.verify-facts", null, scale.map((g) => row(`${g.grade} \u2014 ${(g.label || {})[lang] || (g.label || {}).en || ""}`,
        (g.criteria || []).map((x) => (x ? x[lang] || x.en : "")).filter(Boolean).join(" "))))) : null,
    h("section.card.verify-card", null, h("h2", null, t("Workshop")),
      h("dl.verify-facts", null,
        row(t("Name"), w.legal_name || w.name),
        row(t("Address"), w.address || w.place),
        row(t("Company number"), w.company_number),
        row(t("Contact"), w.contact))),
  ];
}

async function main() {
  let v = null;
  let failed = false;
  try {
    const q = new URLSearchParams();
    if (sig) q.set("sig", sig);
    if (asked) q.set("lang", asked);
    const r = await fetch(`/api/public/certificates/${encodeURIComponent(id || "-")}?${q}`, { credentials: "omit" });
    if (r.ok) v = await r.json();
    else failed = r.status;
  } catch {
    failed = true;
  }
  const lang = await setLanguage((v && v.lang) || (["fr", "nl", "en"].includes(asked) ? asked : "en"));
  document.title = t("Certificate check");
  const body = [h("h1", { tabindex: "-1" }, t("Certificate check")), langLinks(lang)];
  if (!v) {
    body.push(h("section.verify-state.state-unknown", { role: "alert" }, icon("caution"),
      h("div", null, h("h2", null, t("The certificate cannot be checked now")),
        h("p", null, failed === 429 ? t("Too many certificates were checked just now. Try again in a minute.")
          : t("The workshop's server did not answer. Try again later.")))));
  } else {
    body.push(verdict(v));
    if (v.certificate && v.state !== "tampered") body.push(...details(v.certificate, lang));
  }
  body.push(h("p.verify-offline", null, t("You can also check a certificate offline: atelier verify FILE --key with the workshop's public key.")));
  app.replaceChildren(...body.filter(Boolean));
}

main();
