// The workshop's devices by where they are (console/devices/STATE), for instructors:
// GET /api/board. A device in quarantine shows why and the lawful way out (its owner
// proves it is theirs or removes it from their account, or the carrier or the maker
// unlocks it), then a release with a reason; never a bypass. A device in work shows,
// on request, every condition of the certificate still unmet, and the certificate once
// they are all met. A certified one shows its certificate, its PDF to download and its
// revocation with a reason, and a sale form (price, channel, buyer reference) confirmed
// in plain words before it is recorded. A sold one can be taken back, with a reason,
// after a confirmation that says its certificate will be withdrawn (docs/resale.md).
import { h, icon, fill, announce } from "../dom.js";
import { t, when, percent, langOf, currentLanguage } from "../i18n.js";
import { get, post, withQuery } from "../api.js";
import { stateWords, platformWords } from "../card.js";
import { consoleNav } from "./console.js";
import { screen, message, errorBox, errorText, button, waiting } from "../ui.js";

/* Marks a text for the catalogues without translating it here (xgettext keyword N_). */
const N_ = (s) => s;

const STATES = ["quarantine", "intake", "in_repair", "ready", "certified", "sold", "recycled", "parts"];

function deviceName(d) {
  return d.marketing_name || platformWords(d.platform, null);
}

function keyOf(d) {
  return d.udid || d.serial || d.imei || String(d.id);
}

/* A small form: a reason and a button; ACT(reason) does the change and gives the words
 * to say when it is done. */
function reasonForm(id, label, hint, buttonText, act) {
  const input = h("textarea.input", { id, rows: 2, "aria-describedby": `${id}-hint` });
  const out = h("div", { "aria-live": "assertive" });
  const go = button(buttonText, async () => {
    if (!input.value.trim()) {
      fill(out, message("error", t("Write why, for the record.")));
      input.focus();
      return;
    }
    go.disabled = true;
    try {
      const said = await act(input.value.trim());
      fill(out, message("ok", said));
      announce(said);
    } catch (err) {
      go.disabled = false;
      fill(out, message("error", errorText(err)));
    }
  }, "secondary");
  return h("div.reason-form", {}, h("div.field", {}, h("label", { for: id }, label), h("p.hint", { id: `${id}-hint` }, hint), input), go, out);
}

function quarantinePart(d) {
  const key = keyOf(d);
  return [
    d.since ? h("p.device-why", {}, icon("warning"), t("Set aside: {why} ({name}, {date})", { why: d.since.why, name: d.since.by, date: when(d.since.t_ms) })) : null,
    message("info", t("The lawful ways out: the owner proves the device is theirs or removes it from their account, or the carrier or the maker unlocks it. Never try to get round a lock.")),
    reasonForm(`release-${d.id}`, t("Why it can come out of quarantine"), t("For example: the owner removed it from iCloud, mail of 2 December."),
      t("Release it for repair"), async (why) => {
        await post(`/api/devices/${encodeURIComponent(key)}/state`, { state: "in_repair", why });
        return t("Released: the device can be worked on again.");
      }),
  ];
}

/* The unmet conditions of a certificate as a list, each in the person's words: V.said
 * ([{say, args}], src/cert/certify.h) with its numbers, day and place as her language
 * writes them; V.unmet (English) from a server that says no more. */
function missingList(v) {
  const said = Array.isArray(v.said) && v.said.length === (v.unmet || []).length ? v.said : null;
  const items = (v.unmet || []).map((english, i) => {
    const s = said && said[i];
    if (!s || typeof s.say !== "string") return h("li", { lang: "en" }, english);
    const a = { ...(s.args || {}) };
    if (a.pct !== undefined) a.pct = percent(a.pct, 1);
    if (a.min !== undefined) a.min = percent(a.min, 0);
    if (a.date_ms) a.date = when(a.date_ms);
    if (a.state) a.state = stateWords(a.state);
    return h("li", { lang: langOf(s.say) }, t(s.say, a));
  });
  return h("ul.missing", {}, items);
}

/* The conditions of the certificate, read on request. */
function certificationPart(d) {
  const key = keyOf(d);
  const out = h("div.cert-check", { "aria-live": "polite" });
  const check = button(t("Can it be certified?"), async () => {
    fill(out, waiting());
    try {
      const v = await get(withQuery(`/api/devices/${encodeURIComponent(key)}/certification`, { lang: currentLanguage() }));
      if (v.ready) {
        const certify = button(t("Certify it now"), async () => {
          certify.disabled = true;
          try {
            const c = await post(withQuery(`/api/devices/${encodeURIComponent(key)}/certify`, { lang: currentLanguage() }), {});
            fill(out, message("ok", t("Certified. Certificate {id}.", { id: c.id })));
            announce(t("Certified. Certificate {id}.", { id: c.id }));
          } catch (err) {
            certify.disabled = false;
            const unmet = (err.detail && err.detail.unmet) || [];
            fill(out, message("error", unmet.length ? t("Not yet. Still missing:") : errorText(err), unmet.length ? missingList(err.detail) : null));
          }
        }, "primary");
        fill(out, message("ok", t("Every condition is met.")), certify);
      } else {
        fill(out, message("warning", t("Not yet. Still missing:"), missingList(v)));
      }
    } catch (err) {
      fill(out, errorBox(err));
    }
  }, "secondary");
  return [check, out];
}

/* What the server says of a field at fault ({field, reason}), in the person's words. */
const FIELD_WORDS = {
  "price/not-a-price": N_("Write the price in euros, for example 89 or 89,50."),
  "price/too-many-decimals": N_("At most two decimals: cents."),
  "price/too-high": N_("That price is too high: check it."),
  "price/zero": N_("A price of 0 is a donation: choose the channel Donation."),
  "channel/unknown": N_("Choose how it is sold."),
  "buyer_ref/not-a-reference": N_("An invoice or order number only: letters, digits and - / . _ #, no spaces. Never the buyer's name."),
};

function fieldWords(err) {
  const d = err && err.detail;
  const key = d && d.field ? `${d.field}/${d.reason}` : "";
  return FIELD_WORDS[key] ? t(FIELD_WORDS[key]) : errorText(err);
}

/* Ask QUESTION in OUT with a YES button and a Cancel one; YES runs ACT. */
function confirmIn(out, question, yesText, act, back) {
  const no = button(t("Cancel"), () => {
    fill(out);
    back.focus();
  }, "secondary");
  const yes = button(yesText, async () => {
    yes.disabled = no.disabled = true;
    await act();
  }, "primary");
  fill(out, message("warning", question), h("div.confirm-buttons", {}, yes, no));
  yes.focus();
}

/* CENTS as the language writes euros: "89,50" in French. */
function euros(cents) {
  const tag = currentLanguage() === "ar" ? "ar-u-nu-latn" : currentLanguage();
  return new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(cents / 100);
}

const CHANNELS = [["shop", N_("In the shop")], ["online", N_("Online")], ["partner", N_("Through a partner")], ["donation", N_("Donation")]];

function salePart(d) {
  const key = keyOf(d);
  const id = `sale-${d.id}`;
  const field = (k, label, hint, input) => h("div.field", {}, h("label", { for: `${id}-${k}` }, label),
    hint ? h("p.hint", { id: `${id}-${k}-hint` }, hint) : null, input);
  const price = h("input.input", { id: `${id}-price`, type: "text", inputmode: "decimal", autocomplete: "off", "aria-describedby": `${id}-price-hint` });
  const channel = h("select.input", { id: `${id}-channel` }, h("option", { value: "" }, t("Choose...")),
    CHANNELS.map(([v, words]) => h("option", { value: v }, t(words))));
  const ref = h("input.input", { id: `${id}-ref`, type: "text", autocomplete: "off", spellcheck: "false", "aria-describedby": `${id}-ref-hint` });
  const out = h("div.sale-out", { "aria-live": "assertive" });
  const sell = button(t("Sell it"), () => {
    const body = { price: price.value.trim(), channel: channel.value, buyer_ref: ref.value.trim() || null };
    if (!body.price || !body.channel) {
      fill(out, message("error", t("Write the price and choose how it is sold.")));
      (body.price ? channel : price).focus();
      return;
    }
    const channelWords = t(CHANNELS.find(([v]) => v === body.channel)[1]);
    confirmIn(out, t("Record the sale of {name} for {price} euros ({channel})? It leaves the workshop's stock.", { name: deviceName(d), price: body.price, channel: channelWords }),
      t("Yes, record the sale"), async () => {
        try {
          const v = await post(`/api/devices/${encodeURIComponent(key)}/sell`, body);
          const said = t("Sold for {price} euros. Stock number {stock}.", { price: euros(v.price_cents), stock: v.stock_number });
          fill(out, message("ok", said));
          announce(said);
          sell.disabled = true;
        } catch (err) {
          fill(out, message("error", fieldWords(err)));
          const bad = err.detail && { price, channel, buyer_ref: ref }[err.detail.field];
          (bad || sell).focus();
        }
      }, sell);
  }, "primary");
  return h("fieldset.sale-form", {}, h("legend", {}, t("Sell this device")),
    field("price", t("Price in euros"), t("For example 89 or 89,50. 0 for a donation."), price),
    field("channel", t("How it is sold"), null, channel),
    field("ref", t("Invoice or order number (optional)"), t("Never the buyer's name."), ref),
    sell, out);
}

function returnPart(d) {
  const key = keyOf(d);
  const id = `return-${d.id}`;
  const input = h("textarea.input", { id, rows: 2, "aria-describedby": `${id}-hint` });
  const out = h("div", { "aria-live": "assertive" });
  const go = button(t("Take it back"), () => {
    if (!input.value.trim()) {
      fill(out, message("error", t("Write why, for the record.")));
      input.focus();
      return;
    }
    confirmIn(out, t("Take {name} back? Its certificate will be withdrawn and it goes back to repair.", { name: deviceName(d) }),
      t("Yes, take it back"), async () => {
        try {
          await post(`/api/devices/${encodeURIComponent(key)}/return`, { why: input.value.trim() });
          const said = t("Taken back. Its certificate is withdrawn and it is in repair again.");
          fill(out, message("ok", said));
          announce(said);
          go.disabled = true;
        } catch (err) {
          fill(out, message("error", errorText(err)));
          go.focus();
        }
      }, go);
  }, "secondary");
  return [
    d.since ? h("p", {}, t("Sold on {date}, recorded by {name}.", { name: d.since.by, date: when(d.since.t_ms) })) : null,
    h("div.reason-form", {}, h("div.field", {}, h("label", { for: id }, t("Why it comes back")),
      h("p.hint", { id: `${id}-hint` }, t("For example: the screen flickers, the buyer brought it back on 3 December.")), input), go, out),
  ];
}

function certificatePart(d) {
  const live = (d.certificates || []).find((c) => !c.revoked);
  if (!live) return null;
  return [
    h("p", {}, icon("pass"), t("Certificate {id}, issued on {date}", { id: live.id, date: when(live.issued_ms) })),
    h("p", {}, h("a.btn.btn-secondary", { href: withQuery(`/api/certificates/${encodeURIComponent(live.id)}/pdf`, { lang: ["fr", "nl", "en"].includes(currentLanguage()) ? currentLanguage() : null }), download: "" },
      t("Download the certificate (PDF)"))),
    reasonForm(`revoke-${d.id}`, t("Why withdraw the certificate"), t("The device goes back to repair. The certificate stays on the list of withdrawn ones."),
      t("Withdraw the certificate"), async (why) => {
        await post(`/api/certificates/${encodeURIComponent(live.id)}/revoke`, { why });
        return t("Withdrawn. The device is back in repair.");
      }),
    salePart(d),
  ];
}

/* The device's labels to print: the one for the shelf (with its certificate's QR code when
 * it has one) and the intake label for its bag. */
function labelPart(d) {
  const lang = ["fr", "nl", "en"].includes(currentLanguage()) ? currentLanguage() : null;
  const base = `/api/devices/${encodeURIComponent(keyOf(d))}/label`;
  return h("p.label-links", {},
    h("a.btn.btn-secondary", { href: withQuery(base, { lang }), download: "" }, t("Print its label (PDF)")), " ",
    h("a.btn.btn-secondary", { href: withQuery(base, { intake: "1", lang }), download: "" }, t("Print the label for its bag (PDF)")));
}

function deviceItem(d) {
  const id = `dev-${d.id}`;
  let part = null;
  if (d.state === "quarantine") part = quarantinePart(d);
  else if (d.state === "certified") part = certificatePart(d);
  else if (d.state === "sold") part = returnPart(d);
  else if (d.state === "in_repair" || d.state === "ready" || d.state === "intake") part = certificationPart(d);
  return h("li.card.device-item", {},
    h("h3", { id }, deviceName(d)),
    h("dl.facts.queue-facts", {},
      h("dt", {}, t("Serial number")), h("dd", {}, d.serial || d.imei || d.udid || "?"),
      h("dt", {}, t("Where it is")), h("dd", {}, stateWords(d.state)),
      h("dt", {}, t("Last seen")), h("dd", {}, when(d.last_seen_ms))),
    part, labelPart(d));
}

/* What a board shows, to tell whether a later reading differs: each device and where it
 * is. */
function boardSignature(devices) {
  return devices.map((d) => `${d.id}:${d.state}`).join(",");
}

/* How often the board is read again while it is on the screen. */
const BOARD_TICK_MS = 10000;

/* #/console/devices[/STATE]. The board is read again every BOARD_TICK_MS; when devices
 * came or went (a trainee's step set one aside, another instructor released one), the
 * page says so and offers the new list, rather than redrawing under the instructor's
 * hands: a reason being typed, a sale being confirmed, the place of the keyboard's focus
 * stay as they are until she asks for the new list. */
export async function showDevices(state) {
  const main = screen(t("Devices"), waiting());
  const chosen = STATES.includes(state) ? state : "quarantine";
  const read = () => get(withQuery("/api/board", { state: chosen }));
  let view;
  try {
    view = await read();
  } catch (err) {
    const body = err.status === 403
      ? message("info", t("Sorry, this screen is for instructors only. If you need something from it, ask your instructor."))
      : errorBox(err);
    main.replaceChildren(main.querySelector("h1"), body);
    return null;
  }
  const filters = h("nav.state-filter", { "aria-label": t("Where the devices are") },
    STATES.map((s) => h("a.console-link", { href: `#/console/devices/${s}`, "aria-current": s === chosen ? "page" : null }, stateWords(s))));
  // A polite live region, there from the start, filled when the list on the server is
  // no longer the one on the screen: what it says is read out once.
  const notice = h("div.list-changed", { role: "status" });
  let shown = "";
  const draw = (devices) => {
    shown = boardSignature(devices);
    fill(notice);
    const title = h("h2", { tabindex: "-1" }, t("{state}: {n}", { state: stateWords(chosen), n: devices.length }));
    main.replaceChildren(main.querySelector("h1"), consoleNav("devices"), filters, notice, title,
      devices.length ? h("ul.queue", {}, devices.map(deviceItem)) : message("ok", t("No device here.")));
    return title;
  };
  draw((view && view.devices) || []);
  let latest = null;
  const tick = setInterval(async () => {
    try {
      const now = await read();
      latest = (now && now.devices) || [];
    } catch {
      return; // the list on the screen stays; the next tick asks again
    }
    if (boardSignature(latest) === shown || notice.firstChild) return;
    fill(notice, h("div.msg.msg-info", {}, icon("note"),
      h("div.msg-body", {}, h("p", {}, t("This list has changed since it was shown.")),
        button(t("Show the new list"), () => draw(latest).focus(), "secondary"))));
  }, BOARD_TICK_MS);
  return () => clearInterval(tick);
}
