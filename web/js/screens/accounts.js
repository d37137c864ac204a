// The console's accounts, for admins (#/console/accounts): the people of the workshop
// with their role and state, a form to add one, and for each person Switch off or on,
// Change role and a new PIN or password. Each change is asked once more in plain words
// before it is made, and made by the server's rules (GET and POST /api/users..., the
// same svc calls as `atelier user`), which keep it in the audit log. A refusal about a
// field comes back as {field, reason}: the screen says it in the person's language,
// beside that field. Others than admins get the server's refusal (403), said politely.
import { h, icon, fill, announce } from "../dom.js";
import { t, when } from "../i18n.js";
import { get, post } from "../api.js";
import { app } from "../state.js";
import { screen, message, errorBox, errorText, button, waiting } from "../ui.js";
import { consoleNav } from "./console.js";

const ROLES = ["trainee", "instructor", "admin"];

/* The word of a role, in the screen's language. */
function roleWord(role) {
  switch (role) {
    case "trainee": return t("Trainee");
    case "instructor": return t("Instructor");
    case "admin": return t("Admin");
    default: return role;
  }
}

export const isPinRole = (role) => role === "trainee";
// A name as a part of an element's id: each character that is not a letter or a digit
// is written as its code, so that two names never give the same id.
const ident = (name) => String(name).replace(/[^A-Za-z0-9]/g, (c) => `-${c.charCodeAt(0).toString(16)}`);

/* What the secret of ROLE must be, in words. */
function secretRule(role) {
  return isPinRole(role)
    ? t("A PIN is 6 to 12 digits, nothing else. Give it to the trainee in person.")
    : t("A password has at least 10 characters. A short sentence is easy to remember.");
}

/* The words of a refusal about a field ({field, reason} from the server), or null. */
export function refusalWords(detail, role) {
  if (!detail || typeof detail !== "object") return null;
  const pin = isPinRole(role);
  switch (`${detail.field}/${detail.reason}`) {
    case "name/missing": return t("Type the name the person will sign in with.");
    case "name/not-a-name": return t("Use one word: letters, digits, dots, dashes or underscores, without spaces or accents. Start with a letter or a digit.");
    case "name/taken": return t("Somebody already has this name. Choose another one, for example with a number or an initial.");
    case "name/unknown": return t("This account does not exist any more. Open the accounts again.");
    case "name/own-account": return t("You cannot switch off your own account. Another admin can.");
    case "role/missing":
    case "role/not-a-role": return t("Choose a role.");
    case "role/own-account": return t("You cannot change your own role. Another admin can.");
    case "secret/missing":
    case "secret/empty": return pin ? t("Type a PIN.") : t("Type a password.");
    case "secret/not-a-pin": return t("A PIN is 6 to 12 digits, nothing else.");
    case "secret/too-short": return t("A password has at least 10 characters.");
    case "secret/too-long": return t("This is too long: at most 256 characters.");
    case "secret/control-character": return t("Use letters, digits, spaces and punctuation only.");
    default: return null;
  }
}

/* The same rules, checked before sending, so that the person reads them at once. */
export function checkSecret(value, role) {
  if (!value) return refusalWords({ field: "secret", reason: "empty" }, role);
  if (isPinRole(role) && !/^[0-9]{6,12}$/.test(value)) return refusalWords({ field: "secret", reason: "not-a-pin" }, role);
  if (!isPinRole(role) && [...value].length < 10) return refusalWords({ field: "secret", reason: "too-short" }, role);
  return null;
}

/* The name to sign in with that a person's name gives: small letters without accents,
 * its words joined by dots ("Hélène Dupont" gives "helene.dupont"); null when it gives
 * none. The person may still type "Hélène Dupont" to sign in: the server does not count
 * capitals, accents, spaces or dots there. */
const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/; // the server's (svc_user.c)
const NO_DECOMPOSITION = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t" };
export function nameFor(typed) {
  const s = String(typed).toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
    .replace(/[ßæœøłđðþıħŧ]/g, (c) => NO_DECOMPOSITION[c])
    .replace(/['\u2019]/g, "")
    .replace(/[^a-z0-9._-]+/g, ".")
    .replace(/\.{2,}/g, ".")
    .replace(/^[._-]+|[._-]+$/g, "");
  return NAME_RULE.test(s) ? s : null;
}

/* A field with its label, hint and the place of its error: {el, input, error(text)}. */
export function field(id, label, hint, input, extra = null) {
  const hintEl = hint ? h("p.hint", { id: `${id}-hint` }, hint) : null;
  const errEl = h("p.field-error", { id: `${id}-error`, hidden: true });
  const offerEl = h("div.field-offer", { id: `${id}-offer-text`, hidden: true });
  const describe = () => [hintEl && hintEl.id, !errEl.hidden && errEl.id, !offerEl.hidden && offerEl.id].filter(Boolean).join(" ");
  input.id = id;
  input.setAttribute("aria-describedby", describe());
  const el = h("div.field", {}, h("label", { for: id }, label), hintEl, errEl, offerEl, extra || input);
  return {
    el, input, hintEl,
    /* Show TEXT as the field's error (null: none), and OFFER (nodes: a way out) under it. */
    error(text, offer = null) {
      errEl.hidden = !text;
      offerEl.hidden = !(text && offer);
      fill(errEl, text ? [icon("fail"), h("span", {}, text)] : []);
      fill(offerEl, text && offer ? offer : []);
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", describe());
    },
  };
}

/* A secret's input with a Show button beside it (the admin reads it to the person). */
export function secretInput(role, autocomplete = "new-password") {
  const input = h("input.input", {
    type: "password", autocomplete, autocapitalize: "none", spellcheck: "false",
  });
  const show = h("button.btn.btn-secondary.btn-show", {
    type: "button", "aria-pressed": "false",
    onclick: () => {
      const on = input.type === "password";
      input.type = on ? "text" : "password";
      show.setAttribute("aria-pressed", on ? "true" : "false");
    },
  }, t("Show"));
  const setRole = (r) => {
    if (isPinRole(r)) input.setAttribute("inputmode", "numeric");
    else input.removeAttribute("inputmode");
  };
  setRole(role);
  const row = h("div.secret-row", {}, input, show);
  return { input, row, setRole, show };
}

function roleSelect(selected, without = null) {
  return h("select.input.role-select", {},
    ROLES.filter((r) => r !== without).map((r) => h("option", { value: r, selected: r === selected }, roleWord(r))));
}

/* A message of KIND that is not itself a live region: the words are said once, through
 * the page's live region (announce). */
function quietMessage(kind, text) {
  const m = message(kind, text);
  m.removeAttribute("role");
  return m;
}

export async function showAccounts() {
  const main = screen(t("Accounts"), waiting());
  let people;
  try {
    // The API decides who may see it: an admin's route answers 403 to the others.
    people = await get("/api/users");
  } catch (err) {
    const body = err.status === 403
      ? message("info", t("Sorry, the accounts are for admins only. If an account needs a change, ask an admin."))
      : errorBox(err);
    main.replaceChildren(main.querySelector("h1"), consoleNav("accounts"), body);
    return null;
  }
  people = Array.isArray(people) ? people : [];
  const me = app.me ? app.me.name : "";
  // One panel open at a time: {name, kind}; the kind last opened (its button takes the
  // focus back when it closes); and a message to show in a person's card.
  let open = null;
  let lastKind = "";
  let said = null;

  const list = h("ul.people", {});
  const count = h("p.people-count", {});

  async function reload() {
    try {
      const now = await get("/api/users");
      people = Array.isArray(now) ? now : people;
    } catch {
      /* the change is made; the list shows what it knew */
    }
  }

  /* Draw the list again; FOCUS: the name of the person whose card takes the focus, or a
   * CSS selector inside the open panel. */
  function draw(focus) {
    count.textContent = t("Number of people: {n}", { n: people.length });
    fill(list, people.map(personCard));
    if (focus && focus.panel) document.getElementById(`panel-${ident(focus.name)}`)?.querySelector(focus.panel)?.focus();
    else if (focus) document.getElementById(`person-${ident(focus)}-title`)?.focus();
  }

  function closePanel(name) {
    open = null;
    said = null;
    draw();
    document.getElementById(`act-${ident(name)}-${lastKind}`)?.focus();
  }

  function openPanel(name, kind) {
    fill(addFeedback); // an addition said before is old news now
    open = { name, kind };
    lastKind = kind;
    said = null;
    // The question first (a screen reader reads it; Enter does not confirm by mistake),
    // or straight into the field to fill.
    draw({ name, panel: { role: "select", secret: "input" }[kind] || "h4" });
  }

  /* After a change: the list from the server, the words in the card and for screen
   * readers, the focus on the card (or on the panel that comes next). */
  async function changed(name, text, next = null) {
    await reload();
    said = { name, text };
    open = next ? { name, kind: next } : null;
    if (next) lastKind = next;
    draw(next ? { name, panel: "input, select" } : name);
    announce(text);
  }

  function personCard(p) {
    // An account whose name was erased on request (docs/privacy.md) stays under its code,
    // for its records; nothing changes it any more.
    if (!p.name) return erasedCard(p);
    const id = ident(p.name);
    const self = p.name === me;
    const titleId = `person-${id}-title`;
    const pin = isPinRole(p.role);
    const act = (kind, label, cls = "secondary") =>
      button(label, () => openPanel(p.name, kind), cls, { id: `act-${id}-${kind}`, "aria-describedby": titleId,
        "aria-expanded": open && open.name === p.name && open.kind === kind ? "true" : "false" });
    const state = p.active
      ? h("dd.state.state-on", {}, icon("pass"), t("Active"))
      : h("dd.state.state-off", {}, icon("lock"), t("Switched off"));
    return h(`li.card.person${p.active ? "" : ".person-off"}`, { id: `person-${id}` },
      h("h3", { id: titleId, tabindex: "-1" }, p.name, self ? h("span.you", {}, ` (${t("you")})`) : null),
      said && said.name === p.name ? quietMessage("ok", said.text) : null,
      h("dl.facts.person-facts", {},
        h("dt", {}, t("Role")), h("dd", {}, roleWord(p.role)),
        p.code ? [h("dt", {}, t("Code on documents")), h("dd", { lang: "en", dir: "ltr" }, p.code)] : null,
        h("dt", {}, t("State")), state,
        h("dt", {}, t("Last sign-in")), h("dd", {}, p.last_signin_ms ? when(p.last_signin_ms) : t("Never"))),
      p.has_secret ? null
        : message("warning", pin ? t("No PIN yet: {name} cannot sign in until you give one.", { name: p.name })
          : t("No password yet: {name} cannot sign in until you give one.", { name: p.name })),
      self
        ? h("p.hint", {}, t("This is your own account. Another admin can change it."))
        : h("div.person-actions", {},
          p.active ? act("off", t("Switch off")) : act("on", t("Switch on")),
          act("role", t("Change role")),
          act("secret", pin ? t("New PIN") : t("New password"), p.has_secret ? "secondary" : "primary")),
      open && open.name === p.name ? panel(p, open.kind) : null);
  }

  function erasedCard(p) {
    return h("li.card.person.person-off", {},
      h("h3", {}, t("Erased account"), p.code ? h("span.you", { lang: "en", dir: "ltr" }, ` (${p.code})`) : null),
      h("p.hint", {}, t("This person's name was erased at her request. Her work stays in the records under her code.")));
  }

  /* The confirmation of a change, under the person's buttons. */
  function panel(p, kind) {
    const id = `panel-${ident(p.name)}`;
    const titleId = `${id}-title`;
    const feedback = h("div.panel-feedback");
    const cancel = button(t("Cancel"), () => closePanel(p.name), "secondary");
    let body;
    let go;

    async function send(path, payload, onError) {
      go.disabled = true;
      try {
        return await post(path, payload);
      } catch (err) {
        const words = refusalWords(err.detail, p.role);
        if (!onError || !onError(err, words)) fill(feedback, message("error", words || errorText(err)));
        return null;
      } finally {
        go.disabled = false;
      }
    }
    const path = (what) => `/api/users/${encodeURIComponent(p.name)}/${what}`;

    if (kind === "off" || kind === "on") {
      const off = kind === "off";
      go = button(off ? t("Yes, switch it off") : t("Yes, switch it on"), async () => {
        const view = await send(path("active"), { active: !off });
        if (view) await changed(p.name, off ? t("The account of {name} is switched off.", { name: p.name }) : t("The account of {name} is switched on.", { name: p.name }));
      }, off ? "fail" : "primary");
      body = [
        h("h4", { id: titleId, tabindex: "-1" }, off ? t("Switch off the account of {name}?", { name: p.name }) : t("Switch the account of {name} on again?", { name: p.name })),
        h("p", {}, off
          ? t("{name} can no longer sign in. If {name} is signed in now, that ends at once. The work and the records stay. You can switch the account on again later.", { name: p.name })
          : t("{name} can sign in again with the same PIN or password.", { name: p.name })),
      ];
    } else if (kind === "role") {
      const select = roleSelect(ROLES.find((r) => r !== p.role), p.role);
      const f = field(`${id}-role`, t("New role"), null, select);
      const what = h("p.role-effect", {});
      const explain = () => {
        const crosses = isPinRole(select.value) !== isPinRole(p.role);
        fill(what, crosses
          ? (isPinRole(select.value)
            ? t("{name} is signed out, and the password stops working: a trainee signs in with a PIN. You give the new PIN just after.", { name: p.name })
            : t("{name} is signed out, and the PIN stops working: instructors and admins sign in with a password. You give the new password just after.", { name: p.name }))
          : t("{name} is signed out and signs in again with the same password.", { name: p.name }));
      };
      select.addEventListener("change", explain);
      explain();
      go = button(t("Change the role"), async () => {
        const role = select.value;
        const view = await send(path("role"), { role }, (err, words) => {
          if (!words) return false;
          f.error(words);
          select.focus();
          return true;
        });
        if (!view) return;
        const crosses = isPinRole(role) !== isPinRole(p.role);
        const text = t("New role of {name}: {role}.", { name: p.name, role: roleWord(role) });
        if (crosses) {
          await changed(p.name, `${text} ${isPinRole(role) ? t("Now give a PIN.") : t("Now give a password.")}`, "secret");
        } else {
          await changed(p.name, text);
        }
      }, "primary");
      body = [h("h4", { id: titleId }, t("Change the role of {name}", { name: p.name })), f.el, what];
    } else {
      const pin = isPinRole(p.role);
      const s = secretInput(p.role);
      const f = field(`${id}-secret`, pin ? t("New PIN") : t("New password"), secretRule(p.role), s.input, s.row);
      go = button(pin ? t("Save the new PIN") : t("Save the new password"), async () => {
        const bad = checkSecret(s.input.value, p.role);
        f.error(bad);
        if (bad) {
          s.input.focus();
          return;
        }
        const view = await send(path("secret"), { secret: s.input.value }, (err, words) => {
          if (!words) return false;
          f.error(words);
          s.input.focus();
          return true;
        });
        if (view) {
          await changed(p.name, pin ? t("{name} has a new PIN. The old one no longer works.", { name: p.name })
            : t("{name} has a new password. The old one no longer works.", { name: p.name }));
        }
      }, "primary");
      s.input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          go.click();
        }
      });
      body = [h("h4", { id: titleId }, pin ? t("A new PIN for {name}", { name: p.name }) : t("A new password for {name}", { name: p.name })),
        h("p", {}, pin
          ? (p.has_secret ? t("The old PIN stops working at once. Tell {name} the new one in person, not by message.", { name: p.name })
            : t("Tell {name} the new PIN in person, not by message.", { name: p.name }))
          : (p.has_secret ? t("The old password stops working at once. Tell {name} the new one in person, not by message.", { name: p.name })
            : t("Tell {name} the new password in person, not by message.", { name: p.name }))),
        f.el];
    }
    return h(`div.person-panel.panel-${kind}`, {
      id, role: "group", "aria-labelledby": titleId,
      onkeydown: (e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          closePanel(p.name);
        }
      },
    }, body, feedback, h("div.panel-actions", {}, go, cancel));
  }

  // ---- adding a person ----
  const nameF = field("new-name", t("Name to sign in with"),
    t("One word: letters, digits, dots or dashes. For example: amina or amina.b"),
    h("input.input", { type: "text", autocomplete: "off", autocapitalize: "none", spellcheck: "false", maxlength: "63" }));
  const roleF = field("new-role", t("Role"),
    t("Trainee: does the work at the bench. Instructor: also grades the work. Admin: also manages the accounts."),
    roleSelect("trainee"));
  const secret = secretInput("trainee");
  const secretF = field("new-secret", t("First PIN"), secretRule("trainee"), secret.input, secret.row);
  const secretLabel = secretF.el.querySelector("label");
  roleF.input.addEventListener("change", () => {
    const r = roleF.input.value;
    secretLabel.textContent = isPinRole(r) ? t("First PIN") : t("First password");
    secretF.hintEl.textContent = secretRule(r);
    secret.setRole(r);
    secretF.error(null);
  });
  const addFeedback = h("div.add-feedback");
  const addButton = h("button.btn.btn-primary", { type: "submit" }, t("Add this person"));

  async function onAdd(e) {
    e.preventDefault();
    const name = nameF.input.value.trim();
    const role = roleF.input.value;
    const value = secret.input.value;
    fill(addFeedback);
    nameF.error(name ? null : refusalWords({ field: "name", reason: "missing" }, role));
    roleF.error(null);
    secretF.error(checkSecret(value, role));
    if (!name) return nameF.input.focus();
    // A name written as people write theirs ("Hélène Dupont"): the rule, and the name it
    // gives, to take with one press.
    if (!NAME_RULE.test(name)) {
      const given = nameFor(name);
      nameF.error(refusalWords({ field: "name", reason: "not-a-name" }, role), given && [
        h("p", {}, t("The person can still type the name with its accents and capitals to sign in.")),
        button(t("Use {name}", { name: given }), () => {
          nameF.input.value = given;
          nameF.error(null);
          nameF.input.focus();
        }, "secondary", { id: "new-name-offer" })]);
      return nameF.input.focus();
    }
    if (checkSecret(value, role)) return secret.input.focus();
    addButton.disabled = true;
    try {
      const view = await post("/api/users", { name, role, secret: value });
      nameF.input.value = "";
      secret.input.value = "";
      const text = isPinRole(role)
        ? t("{name} is added, role: {role}. {name} signs in with this name and the PIN you chose.", { name: view.name, role: roleWord(role) })
        : t("{name} is added, role: {role}. {name} signs in with this name and the password you chose.", { name: view.name, role: roleWord(role) });
      fill(addFeedback, quietMessage("ok", text));
      await reload();
      draw();
      announce(text);
      nameF.input.focus();
    } catch (err) {
      const words = refusalWords(err.detail, role);
      const f = { name: nameF, role: roleF, secret: secretF }[err.detail && err.detail.field];
      if (words && f) {
        f.error(words);
        f.input.focus();
      } else {
        fill(addFeedback, message("error", words || errorText(err)));
      }
    } finally {
      addButton.disabled = false;
    }
  }

  const addForm = h("form.card.add-person", { onsubmit: onAdd, novalidate: true, "aria-labelledby": "add-title" },
    h("h2#add-title", {}, t("Add a person")),
    nameF.el, roleF.el, secretF.el, addFeedback, addButton);

  draw();
  main.replaceChildren(main.querySelector("h1"),
    consoleNav("accounts"),
    h("p.intro", {}, t("Here you add the people of the workshop, switch an account off or on, change a role and give a new PIN or password. Each change is kept in the audit log.")),
    // On a small screen the form comes after the list: this takes the person to it.
    h("p.to-add-person", {}, button(t("Add a person"), () => nameF.input.focus(), "secondary")),
    h("div.accounts-layout", {},
      h("section.people-section", { "aria-labelledby": "people-title" },
        h("h2#people-title", {}, t("People")), count, list),
      addForm));
  return null;
}
