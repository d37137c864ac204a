// A device's card: its picture, name and model, make, mode, storage, battery health and
// locks, and what to do while the bench cannot read it yet. Used by the bench (a live
// card from GET /api/bench) and by the device's screen.
import { h, icon } from "./dom.js";
import { t, num } from "./i18n.js";

/* Marks a text for the catalogues without translating it here (xgettext keyword N_). */
const N_ = (s) => s;

// The server's instructions for a device that does not trust the bench yet, and why a
// device was not read, are translated by the catalogue (their msgids come from the C
// sources: svc_trust_hint(), probe_result_words()); these two are the screen's own.
N_("Unlock the phone and tap Trust");
N_("Allow USB debugging");

const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/* The server's hint in the screen's language when the catalogue has it, else as it is;
 * always starting with a capital. */
export function hintText(hint) {
  if (!hint) return "";
  let s = t(hint);
  if (s === hint) s = t(hint.charAt(0).toLowerCase() + hint.slice(1));
  return cap(s);
}

/* The picture of the kind of device (the text beside it names it: alt is empty). */
export function platformPicture(platform, deviceClass) {
  const file = deviceClass === "tablet" ? "tablet" : platform === "ios" ? "phone-ios" : "phone-android";
  return h("img.device-picture", { src: `/static/img/${file}.svg`, alt: "", width: "72", height: "120" });
}

export function platformWords(platform, deviceClass) {
  if (platform === "ios") return deviceClass === "tablet" ? t("iPad (Apple)") : t("iPhone (Apple)");
  if (platform === "android") return deviceClass === "tablet" ? t("Android tablet") : t("Android phone");
  return deviceClass === "tablet" ? t("Tablet") : t("Phone or tablet");
}

// Names of the locks a device can have, in plain words.
const LOCK_NAMES = {
  find_my: N_("Find My"),
  activation_lock: N_("Activation Lock"),
  activation: N_("Activation Lock"),
  frp: N_("Factory reset protection"),
  google_accounts: N_("Google account"),
  google_account: N_("Google account"),
  supervised: N_("Managed by an organisation"),
  mdm: N_("Managed by an organisation"),
  passcode: N_("Passcode"),
  bootloader: N_("Bootloader"),
};

// What each USB mode means, in plain words (docs/usb-modes.md).
const MODE_WORDS = {
  normal: N_("Switched on"),
  adb: N_("USB debugging on"),
  mtp: N_("File transfer (USB debugging off)"),
  ptp: N_("Photo transfer (USB debugging off)"),
  recovery: N_("Recovery mode"),
  dfu: N_("Restore mode (DFU)"),
  fastboot: N_("Bootloader (fastboot)"),
  download: N_("Download mode"),
  edl: N_("Emergency mode (EDL): call your instructor"),
  brom: N_("Boot ROM mode: call your instructor"),
  preloader: N_("Starting up"),
  rndis: N_("Network sharing"),
  accessory: N_("Accessory mode"),
};

/* The mode in words, the mode's own name after them. */
export function modeWords(mode) {
  if (!mode || mode === "unknown") return null;
  return MODE_WORDS[mode] ? `${t(MODE_WORDS[mode])} (${mode})` : mode;
}

/* The lock state in words with an icon (never the colour alone): which locks are on
 * (the server's list, locks_on: the rule of which lock counts is not written here). */
export function lockLine(lock, locksOn) {
  const on = (Array.isArray(locksOn) ? locksOn : []).map((k) => t(LOCK_NAMES[k] || k));
  if (lock === "on" || on.length) {
    return h("span.lock.lock-on", {}, icon("lock"),
      h("span", {}, on.length ? t("Locked: {which}", { which: on.join(", ") }) : t("Locked")));
  }
  if (lock === "off") return h("span.lock.lock-off", {}, icon("unlock"), h("span", {}, t("No lock found")));
  return h("span.lock.lock-unknown", {}, icon("unknown"), h("span", {}, t("Lock not known yet")));
}

function fact(label, value) {
  return [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? t("not known") : value)];
}

/* The words of a live card's state, and whether they ask the trainee to act. */
function stateBlock(entry) {
  const hint = hintText(entry.hint);
  switch (entry.state) {
    case "reading":
      return h("p.state.state-reading", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), t("Reading the device..."));
    case "untrusted":
      return h("div.trust", { role: "alert" }, icon("warning"),
        h("p.trust-text", {}, hint || t("Unlock the device and allow this computer.")));
    case "usb-only":
      return h("p.state.state-usb", {}, icon("plug"), t("Seen on USB only."), hint ? ` ${hint}` : "");
    case "failed":
      return h("div.trust.trust-failed", { role: "alert" }, icon("fail"),
        h("p.trust-text", {}, hint || t("The bench could not read this device. Unplug it and plug it in again.")));
    case "read":
      return h("p.state.state-read", {}, icon("pass"), t("Read by the bench"));
    default:
      return null;
  }
}

/* A card of a device on the bench now: ENTRY is one of GET /api/bench's devices. With
 * OPEN, the card links to the device's screen. */
export function liveCard(entry, open = true) {
  const c = entry.card || {};
  const name = c.marketing_name || t("Unknown model");
  const titleId = `card-${String(entry.usb_id || c.device || "x").replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return h("article.card.device-card", { "aria-labelledby": titleId, "data-usb": entry.usb_id || "" },
    h("div.card-head", {},
      platformPicture(c.platform, c.device_class),
      h("div", {},
        h("h2.card-title", { id: titleId }, name, c.model_number ? h("span.model", {}, ` ${c.model_number}`) : null),
        h("p.platform", {}, platformWords(c.platform, c.device_class)))),
    stateBlock(entry),
    h("dl.facts", {},
      fact(t("Make"), c.make),
      fact(t("Mode"), modeWords(c.mode)),
      fact(t("Storage"), c.storage_gb != null ? t("{n} GB", { n: num(c.storage_gb, 0) }) : null),
      fact(t("Battery health"), c.battery_health_pct != null ? t("{n} %", { n: num(c.battery_health_pct) }) : null),
      fact(t("Locks"), lockLine(c.lock, c.locks_on))),
    open && c.device && (entry.state === "read" || entry.known)
      ? h("a.btn.btn-primary.btn-big", { href: `#/device/${encodeURIComponent(c.device)}` },
        t("Open this device"), h("span.visually-hidden", {}, `: ${name}`))
      : null);
}

/* The card of a recorded device (GET /api/devices/KEY), when the bench does not see it
 * now. */
export function recordedCard(dev) {
  const id = dev.identity || {};
  const c = dev.card || {};
  const name = c.marketing_name || id.marketing_name || t("Unknown model");
  const model = c.model_number || id.model_id;
  return h("article.card.device-card", { "aria-labelledby": "dev-title" },
    h("div.card-head", {},
      platformPicture(dev.platform, c.device_class),
      h("div", {},
        h("h2.card-title#dev-title", {}, name, model ? h("span.model", {}, ` ${model}`) : null),
        h("p.platform", {}, platformWords(dev.platform, c.device_class)))),
    h("dl.facts", {},
      fact(t("Serial number"), dev.serial || id.serial),
      fact(t("IMEI"), dev.imei || (Array.isArray(id.imei) ? id.imei.join(", ") : null)),
      fact(t("System"), dev.os ? `${dev.os.name || ""} ${dev.os.version || ""}`.trim() : null),
      fact(t("Storage"), c.storage_gb != null ? t("{n} GB", { n: num(c.storage_gb, 0) }) : null),
      fact(t("Battery health"), c.battery_health_pct != null ? t("{n} %", { n: num(c.battery_health_pct) }) : null),
      fact(t("Locks"), lockLine(c.lock, c.locks_on)),
      fact(t("Where it is"), stateWords(dev.state))));
}

/* A device's place in the workshop (src/store/status.h), in plain words. */
export function stateWords(state) {
  const words = {
    intake: N_("Just arrived"),
    in_repair: N_("Being worked on"),
    quarantine: N_("In quarantine: set aside, nobody works on it"),
    ready: N_("Ready"),
    certified: N_("Certified"),
    sold: N_("Sold"),
    recycled: N_("Recycled"),
    parts: N_("Kept for parts"),
  };
  return words[state] ? t(words[state]) : state || t("not known");
}
