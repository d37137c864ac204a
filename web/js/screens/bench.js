// The bench: a card for each phone or tablet plugged in now, kept live, and a way to
// open a recorded device by its serial number or IMEI.
import { h, fill, announce } from "../dom.js";
import { t } from "../i18n.js";
import { app, isInstructor } from "../state.js";
import { liveCard } from "../card.js";
import { watchBench } from "../live.js";
import { screen, message, errorBox } from "../ui.js";

/* The form to open a device by what is written on it or its box. */
export function openByKeyForm() {
  const input = h("input#device-key.input", {
    type: "text", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    "aria-describedby": "device-key-hint",
  });
  return h("form.card.open-key", {
    onsubmit: (e) => {
      e.preventDefault();
      const key = input.value.trim().replace(/\s+/g, "");
      if (key) location.hash = `#/device/${encodeURIComponent(key)}`;
      else input.focus();
    },
  },
  h("h2", {}, t("Open a device by its number")),
  h("div.field", {},
    h("label", { for: "device-key" }, t("Serial number or IMEI")),
    h("p.hint#device-key-hint", {}, t("The IMEI is on the box or the SIM tray, or dial *#06# on the phone.")),
    input),
  h("button.btn.btn-primary", { type: "submit" }, t("Open")));
}

export async function showBench() {
  const list = h("div.cards", { id: "bench-cards" });
  const status = h("div.bench-status");
  screen(t("Devices on the bench"),
    isInstructor() ? message("info", t("You are signed in as an instructor. Here you see the trainees' screens. The work waiting for a grade is in Console, in the menu at the top.")) : null,
    status,
    h("section", { "aria-labelledby": "screen-title" }, list),
    openByKeyForm());
  fill(status, h("p.waiting", { role: "status" }, t("Looking for devices...")));

  let known = new Map();
  function render({ devices, live, error }) {
    if (error) {
      fill(status, errorBox(error));
      return;
    }
    if (!live) {
      fill(status, message("info", t("This bench cannot show the devices plugged in yet. Type the serial number or IMEI below.")));
      fill(list);
      return;
    }
    // Say what changed, for those who do not see the screen change.
    // One announcement for the whole change, so that none hides another.
    const now = new Map(devices.map((d) => [d.usb_id, d]));
    const said = [];
    for (const [id, d] of now) {
      const name = d.card && d.card.marketing_name;
      const before = known.get(id);
      if (!before) said.push(t("A device was plugged in: {name}", { name: name || t("Unknown model") }));
      // Seen on USB first and read a moment later: its name is said when it is known.
      else if (name && !(before.card && before.card.marketing_name)) said.push(t("The device was read: {name}", { name }));
      if (d.state === "untrusted" && (!known.has(id) || known.get(id).state !== d.state)) said.push(t("The device needs you: look at its card."));
    }
    for (const id of known.keys()) if (!now.has(id)) said.push(t("A device was unplugged."));
    if (said.length) announce(said.join(" "));
    known = now;
    fill(status);
    if (!devices.length) {
      fill(list, h("div.empty", {}, h("img.empty-picture", { src: "/static/img/phone-android.svg", alt: "", width: "72", height: "120" }),
        h("p.empty-text", {}, t("Plug in a phone or tablet with the workshop cable."))));
      return;
    }
    // Keep the keyboard's place when a card is redrawn.
    const focused = document.activeElement && document.activeElement.closest(".device-card");
    const focusUsb = focused ? focused.dataset.usb : null;
    fill(list, devices.map((d) => liveCard(d)));
    if (focusUsb) list.querySelector(`.device-card[data-usb="${CSS.escape(focusUsb)}"] a, .device-card[data-usb="${CSS.escape(focusUsb)}"]`)?.focus();
  }

  return watchBench(render, (g) => {
    // The event names the trainee by her code (every screen hears it).
    if (app.me && app.me.code && g.trainee === app.me.code) announce(t("Your work was graded. Look in My work."));
  });
}
