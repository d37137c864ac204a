// The screen's words. Every text is written in English in the code, wrapped in t(),
// and looked up in the catalogue of the language chosen (po/xx.po, built into
// /static/i18n/xx.json by scripts/po2json). A text missing from a catalogue is shown
// in English, so a new text never leaves a hole in the screen.

const state = { lang: "en", dir: "ltr", strings: {} };

// The languages offered when the built list (/static/i18n/index.json, made from
// po/LINGUAS) cannot be read, as in development straight from web/.
const FALLBACK_LANGS = [
  { lang: "fr", name: "Français", dir: "ltr" },
  { lang: "nl", name: "Nederlands", dir: "ltr" },
  { lang: "en", name: "English", dir: "ltr" },
  { lang: "ar", name: "العربية", dir: "rtl" },
];
let languages = null;

/* The languages of the picker: [{lang, name, dir}], English always among them. */
export async function availableLanguages() {
  if (languages) return languages;
  try {
    const r = await fetch("/static/i18n/index.json", { credentials: "same-origin" });
    const doc = r.ok ? await r.json() : null;
    languages = doc && Array.isArray(doc.languages) && doc.languages.length ? doc.languages : FALLBACK_LANGS;
  } catch {
    languages = FALLBACK_LANGS;
  }
  if (!languages.some((l) => l.lang === "en")) languages = [...languages, FALLBACK_LANGS[2]];
  return languages;
}

// The catalogues read so far, by language: each is read once a visit.
const catalogues = new Map();

/* The catalogue of LANG ({strings, dir}), read from the server (three tries, a busy
 * moment apart), or null when it cannot be read. */
async function catalogue(lang) {
  if (catalogues.has(lang)) return catalogues.get(lang);
  for (let i = 0; i < 3; i++) {
    if (i) await new Promise((done) => setTimeout(done, 300 * i));
    try {
      const r = await fetch(`/static/i18n/${lang}.json`, { credentials: "same-origin" });
      if (r.ok) {
        const doc = await r.json();
        const got = { strings: doc.strings || {}, dir: doc.dir };
        catalogues.set(lang, got);
        return got;
      }
    } catch {
      /* tried again */
    }
  }
  return null;
}

/* Switch the screen to LANG: load its catalogue (English needs none) and set lang and
 * dir on <html>. An unknown language, or a catalogue that cannot be read in three tries,
 * gives English. A catalogue read once is never asked again: a moment the server did not
 * answer no longer turns a Dutch screen English after the sign-in. */
export async function setLanguage(lang) {
  const known = (await availableLanguages()).find((l) => l.lang === lang);
  let strings = {};
  let dir = known ? known.dir : "ltr";
  if (!known) lang = "en";
  if (lang !== "en") {
    const doc = await catalogue(lang);
    if (doc) {
      strings = doc.strings;
      dir = doc.dir || dir;
    } // else the English words, rather than an empty screen
  }
  state.lang = lang;
  state.dir = dir === "rtl" ? "rtl" : "ltr";
  state.strings = strings;
  document.documentElement.lang = lang;
  document.documentElement.dir = state.dir;
  return lang;
}

export function currentLanguage() {
  return state.lang;
}

/* The direction of a text in LANG: a checklist text shown in English on an Arabic
 * screen keeps its own direction, so that its full stop stays at its end. */
export function dirOf(lang) {
  return ["ar", "fa", "he", "ur", "ps", "ckb", "yi"].includes(String(lang).split(/[-_]/)[0]) ? "rtl" : "ltr";
}

export function isRtl() {
  return state.dir === "rtl";
}

/* The text of MSGID in the current language, with {name} replaced by ARGS.name. */
export function t(msgid, args) {
  const s = state.strings[msgid] || msgid;
  if (!args) return s;
  return s.replace(/\{([a-z_]+)\}/g, (m, k) => (k in args ? String(args[k]) : m));
}

// The name of each language a checklist text can be in, in the words of the screen.
function languageName(lang) {
  switch (lang) {
    case "en": return t("English");
    case "fr": return t("French");
    case "nl": return t("Dutch");
    case "ar": return t("Arabic");
    default: return lang;
  }
}

/* A checklist text ({en, fr, nl}) in the person's language: {text, lang, note}. When
 * that language is missing, French, then Dutch, then English is shown (Arabic falls
 * back to English straight away: the trainees who read Arabic here read English more
 * often than Dutch), and NOTE says so in the screen's language; else NOTE is null. */
export function pick(map) {
  if (!map || typeof map !== "object") return { text: map == null ? "" : String(map), lang: state.lang, note: null };
  const order = state.lang === "ar" ? ["ar", "en"] : [state.lang, "fr", "nl", "en"];
  for (const l of order) {
    if (typeof map[l] === "string" && map[l] !== "") {
      const note = l === state.lang ? null
        : t("This step is not yet translated into {lang}; shown in {shown}.", { lang: languageName(state.lang), shown: languageName(l) });
      return { text: map[l], lang: l, note };
    }
  }
  const any = Object.values(map).find((v) => typeof v === "string") || "";
  return { text: any, lang: "en", note: null };
}

/* A competence by its name in the person's language (NAMES: {en, fr, nl} from the
 * workshop's policy, as the server gives it beside the id), else its id. */
export function competenceName(names, id) {
  const named = names && typeof names === "object" ? pick(names).text : "";
  return named || id || "";
}

/* The language MSGID is shown in by t(): the screen's when its catalogue has it, else
 * English (for a lang attribute, so that a screen reader reads it right). */
export function langOf(msgid) {
  return state.lang === "en" || state.strings[msgid] ? state.lang : "en";
}

/* A number as the person's language writes it (91,4 in French). */
export function num(n, digits = 1) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return "";
  const tag = state.lang === "ar" ? "ar-u-nu-latn" : state.lang; // Western digits: as on the devices
  return new Intl.NumberFormat(tag, { maximumFractionDigits: digits }).format(Number(n));
}

/* A percentage (91.4 for 91.4 %) as the person's language writes it (91,4 % in French). */
export function percent(n, digits = 1) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return "";
  const tag = state.lang === "ar" ? "ar-u-nu-latn" : state.lang;
  return new Intl.NumberFormat(tag, { style: "percent", maximumFractionDigits: digits }).format(Number(n) / 100);
}

/* A date and time from milliseconds since 1970, in the person's language. */
export function when(ms) {
  if (!ms) return "";
  const tag = state.lang === "ar" ? "ar-u-nu-latn" : state.lang;
  return new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
}
