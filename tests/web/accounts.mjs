// An admin's accounts on the console, in real headless Chromium, with the keyboard only.
// In French on the bench's screen: the admin signs in, goes from the menu to the console
// and its Accounts; a PIN of 4 digits is refused beside its field, in French; she adds a
// trainee, gives her a new PIN (the old one no longer signs in, the new one does),
// switches her account off after a confirmation in plain words, and the trainee cannot
// sign in on the screen any more. In Dutch on a 360 px wide screen: she switches the
// account on again and makes the trainee an instructor, which asks for a password at
// once. A trainee changes her own PIN (French, the keyboard only): a wrong PIN now and
// two new PINs that differ are said beside their fields; the new PIN signs her in, the
// old one no longer. The new instructor changes her own password in Dutch on the small
// screen. An instructor is refused the accounts, politely, and sees no way to them. Every
// screen is audited at each size (audit.mjs) and photographed.
//
// usage: node tests/web/accounts.mjs BASE_URL OUT_DIR FACTS.json
// FACTS: {admin, admin_password, instructor, password}. Prints one JSON object:
// {checks: [{name, ok, detail}], screenshots: [...], finished}.
import { chromium, request } from "playwright-core";
import { readFileSync } from "node:fs";
import { watchConsole, LAUNCH, VIEWPORTS } from "./audit.mjs";
import { walk } from "./flow.mjs";

const [base, outDir, factsFile] = process.argv.slice(2);
const F = JSON.parse(readFileSync(factsFile, "utf8"));
const { report, errors, expected, ok, T, loadCatalogue, until, h1, waitH1, tabTo, press, screen } = walk(outDir);
const SMALL = VIEWPORTS.filter(([l]) => l === "small");
const NEW = "lea.m";
const WRITTEN = "Léa M"; // her name as it is written: NEW is the name it gives
const PIN1 = "24681357";
const PIN2 = "97531864";
const OWN = "nina.k"; // a trainee who changes her own PIN
const PIN3 = "13572468";

/* A sign-in over the API, in a context of its own: the status and the view. */
async function signIn(name, secret) {
  const api = await request.newContext({ baseURL: base });
  const r = await api.post("/api/login", { data: { name, secret }, failOnStatusCode: false });
  const doc = await r.json().catch(() => null);
  await api.dispose();
  return { status: r.status(), doc };
}

/* The admin signs in on the sign-in screen with the keyboard, in LANG. */
async function keyboardSignIn(page, lang, name, secret) {
  await page.goto(`${base}/`);
  // The screen may open in the browser's language already (nl-BE): wait for the form.
  await page.waitForSelector("#signin-name", { timeout: 8000 }).catch(() => {});
  await press(page, `.btn-lang[lang="${lang}"]`, `choose ${lang} before signing in`);
  // The form in that language first: when it never comes (its catalogue not loaded), the
  // check fails here, showing the form, not later on a screen in English.
  if (!(await waitH1(page, T(lang, "Sign in to Atelier")))) return false;
  await until(page, (l) => document.documentElement.lang === l, lang);
  // A language chosen draws the form again: what was typed before that is gone, so the
  // name and secret are typed again until the form holds them.
  for (let i = 0; i < 3; i++) {
    await tabTo(page, "#signin-name");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(secret);
    const held = await page.evaluate(() => document.getElementById("signin-name")?.value);
    if (held === name) break;
  }
  await page.keyboard.press("Enter");
  return waitH1(page, T(lang, "Devices on the bench"), 15000);
}

/* The text of the card of NAME in the list. */
/* The element that has the focus, as "tag#id" and its text, for a check's detail. */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} ${(el.textContent || "").trim().slice(0, 40)}` : "";
});

/* What the screen says: its heading and any message, for a check's detail. */
const says = async (page) => `${await h1(page)} | lang=${await page.evaluate(() => document.documentElement.lang).catch(() => "?")} | ${await page.locator("main").innerText().catch(() => "")}`.slice(0, 600);
const card = (page, name) => page.evaluate((n) =>
  [...document.querySelectorAll(".person")].find((li) => li.querySelector("h3")?.firstChild?.textContent === n)?.innerText || "", name);
const live = (page) => page.evaluate(() => document.getElementById("live")?.textContent || "");

const browser = await chromium.launch(LAUNCH);
try {
  const api = await request.newContext({ baseURL: base });
  for (const l of ["fr", "nl"]) await loadCatalogue(api, l);
  ok(T("fr", "Add a person") !== "Add a person" && T("nl", "Add a person") !== "Add a person"
    && T("fr", "Switch off the account of {name}?") !== "Switch off the account of {name}?",
  "the accounts' words are translated into French and Dutch");

  // ---- French, the bench's screen ----
  const ctx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "en-GB" });
  const page = await ctx.newPage();
  watchConsole(page, errors, expected);
  ok(await keyboardSignIn(page, "fr", F.admin, F.admin_password), "the admin signs in with her password, in French", await says(page));
  await press(page, 'a.nav-link[href="#/console"]', "Console in the menu");
  ok(await waitH1(page, T("fr", "Instructors' console")), "the console", await h1(page));
  await press(page, 'a.console-link[href="#/console/accounts"]', "Accounts in the console's menu");
  ok(await waitH1(page, T("fr", "Accounts")), "the accounts, in French", await h1(page));
  await page.waitForSelector(".person", { timeout: 8000 }).catch(() => {});
  const boss = await card(page, F.admin);
  ok(boss.includes(T("fr", "you")) && boss.includes(T("fr", "Admin")) && boss.includes(T("fr", "Active"))
    && boss.includes(T("fr", "This is your own account. Another admin can change it."))
    && await page.locator(`#act-${F.admin}-off`).count() === 0,
  "her own card says it is hers, with no button to switch it off", boss);
  const amina = await card(page, F.trainee);
  ok(amina.includes(T("fr", "Trainee")) && amina.includes(T("fr", "Last sign-in")) && !amina.includes(T("fr", "Never"))
    && !/\d{6,}/.test(amina.replace(/\s/g, "")) && amina.includes(T("fr", "Switch off")) && amina.includes(T("fr", "New PIN")),
  "each person with her role, state and last sign-in, her buttons, and never a PIN", amina);
  ok(await page.locator("label[for=new-name]").count() === 1 && await page.locator("label[for=new-secret]").count() === 1
    && await page.locator("#new-name[placeholder], #new-secret[placeholder]").count() === 0,
  "the form's fields have labels, not placeholders");
  ok((await page.locator(".add-person").innerText()).includes(T("fr", "A PIN is 6 to 12 digits, nothing else. Give it to the trainee in person.")),
    "the PIN's rule is said in words beside its field");

  // A PIN that is no PIN: said beside the field, in French.
  await page.evaluate(() => document.querySelector("h1").focus());
  await tabTo(page, "#new-name");
  await page.keyboard.type(NEW);
  await tabTo(page, "#new-secret");
  await page.keyboard.type("1234");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-secret-error:not([hidden])", { timeout: 5000 }).catch(() => {});
  const wrong = await page.locator("#new-secret-error").innerText().catch(() => "");
  ok(wrong.includes(T("fr", "A PIN is 6 to 12 digits, nothing else.")) && T("fr", "A PIN is 6 to 12 digits, nothing else.") !== "A PIN is 6 to 12 digits, nothing else."
    && await page.evaluate(() => document.activeElement?.id) === "new-secret"
    && await page.locator("#new-secret[aria-invalid=true]").count() === 1
    && (await page.getAttribute("#new-secret", "aria-describedby")).includes("new-secret-error"),
  "a PIN of 4 digits: the error in French beside the field, which has the focus and names it", wrong);
  await screen(page, "accounts-error", VIEWPORTS.slice(0, 1));
  // The server's refusal lands beside its field too: a name already taken.
  await tabTo(page, "#new-name");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(F.trainee);
  await tabTo(page, "#new-secret");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(PIN1);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-name-error:not([hidden])", { timeout: 5000 }).catch(() => {});
  ok((await page.locator("#new-name-error").innerText().catch(() => "")).includes(T("fr", "Somebody already has this name. Choose another one, for example with a number or an initial.")),
    "a name already taken: the server's refusal, in French, beside the name", await page.locator(".add-person").innerText());

  // ---- a trainee added ----
  // The admin types her name as it is written: the rule, and the name it gives, taken
  // with one press.
  await tabTo(page, "#new-name");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(WRITTEN);
  await tabTo(page, "#new-secret");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(PIN1);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#new-name-offer", { timeout: 5000 }).catch(() => {});
  const offer = [await page.locator("#new-name-error").innerText().catch(() => ""),
    await page.locator("#new-name-offer-text").innerText().catch(() => "")].join("\n");
  ok(offer.includes(T("fr", "Use one word: letters, digits, dots, dashes or underscores, without spaces or accents. Start with a letter or a digit."))
    && offer.includes(T("fr", "The person can still type the name with its accents and capitals to sign in."))
    && await page.locator("#new-name-offer").innerText() === T("fr", "Use {name}", { name: NEW })
    && T("fr", "Use {name}", { name: NEW }) !== `Use ${NEW}`
    && await page.evaluate(() => document.activeElement?.id) === "new-name"
    && (await page.getAttribute("#new-name", "aria-describedby")).includes("new-name-offer-text")
    && await page.locator(`.person h3:text-is("${NEW}")`).count() === 0,
  `"${WRITTEN}" is no name to sign in with: the rule in French beside the field, and "${NEW}" offered; nothing added yet`, offer);
  await screen(page, "accounts-name-offer", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
  await tabTo(page, "#new-name"); // the screenshots' checks walked the page with Tab
  await page.keyboard.press("Shift+Tab"); // the offer is just before the field
  ok(await page.evaluate(() => document.activeElement?.id) === "new-name-offer", "the offer is one Shift+Tab away", await focused(page));
  await page.keyboard.press("Enter");
  ok(await page.inputValue("#new-name") === NEW && await page.evaluate(() => document.activeElement?.id) === "new-name"
    && await page.locator("#new-name-error").isHidden() && await page.locator("#new-name-offer-text").isHidden(),
  `taken: the field holds "${NEW}", has the focus, and the error and the offer are gone`, await page.inputValue("#new-name"));
  await page.keyboard.press("Enter");
  const added = T("fr", "{name} is added, role: {role}. {name} signs in with this name and the PIN you chose.", { name: NEW, role: T("fr", "Trainee") });
  await until(page, (n) => [...document.querySelectorAll(".person h3")].some((e) => e.firstChild?.textContent === n), NEW);
  ok((await card(page, NEW)).includes(T("fr", "Trainee")) && (await card(page, NEW)).includes(T("fr", "Never")),
    "the trainee is added: in the list, never signed in yet", await card(page, NEW));
  ok((await page.locator(".add-feedback").innerText()).includes(added), "the screen says so in plain words", added);
  await until(page, (w) => document.getElementById("live")?.textContent === w, added, 3000);
  ok(await live(page) === added, "and screen readers hear it (aria-live)", await live(page));
  ok(await page.evaluate(() => document.activeElement?.id) === "new-name" && await page.inputValue("#new-secret") === "",
    "the form is empty again, ready for the next person", await focused(page));
  ok((await signIn(NEW, PIN1)).status === 200, "she signs in with the PIN the admin chose");
  ok((await signIn(WRITTEN, PIN1)).status === 200, `and with her name written as she writes it, "${WRITTEN}"`);
  await screen(page, "accounts");

  // ---- a new PIN ----
  const id = NEW.replace(".", "-2e");
  await page.evaluate(() => document.querySelector("h1").focus());
  await press(page, `#act-${id}-secret`, "New PIN for her");
  await until(page, (i) => document.activeElement?.id === `panel-${i}-secret`, id, 3000);
  ok(await page.evaluate(() => document.activeElement?.type) === "password"
    && (await page.locator(".person-panel").innerText()).includes(T("fr", "The old PIN stops working at once. Tell {name} the new one in person, not by message.", { name: NEW })),
  "the panel opens with the focus in the new PIN's field, and says the old one stops working", await focused(page));
  await page.keyboard.type(PIN2);
  await page.keyboard.press("Enter");
  const newPin = T("fr", "{name} has a new PIN. The old one no longer works.", { name: NEW });
  await until(page, (w) => document.getElementById("live")?.textContent === w, newPin, 5000);
  ok((await card(page, NEW)).includes(newPin) && await live(page) === newPin
    && await page.evaluate(() => document.activeElement?.tagName) === "H3",
  "saved: the card says so, screen readers hear it, the focus is back on her card", await card(page, NEW));
  ok((await signIn(NEW, PIN1)).status === 401, "the old PIN no longer signs her in");
  ok((await signIn(NEW, PIN2)).status === 200, "the new one does");

  // ---- switched off, after a confirmation ----
  await press(page, `#act-${id}-off`, "Switch off her account");
  await until(page, () => document.activeElement?.tagName === "H4", null, 3000);
  const confirm = await page.locator(".person-panel").innerText().catch(() => "");
  ok(confirm.includes(T("fr", "Switch off the account of {name}?", { name: NEW }))
    && confirm.includes(T("fr", "{name} can no longer sign in. If {name} is signed in now, that ends at once. The work and the records stay. You can switch the account on again later.", { name: NEW }))
    && await page.evaluate(() => document.activeElement?.tagName) === "H4",
  "a confirmation says what will happen, in French; the focus is on its question, not on Yes", confirm);
  await screen(page, "accounts-confirm", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
  // Escape changes nothing; the button that opened it has the focus again.
  await tabTo(page, ".person-panel .panel-actions .btn-secondary");
  await page.keyboard.press("Escape");
  ok(await page.locator(".person-panel").count() === 0 && await page.evaluate(() => document.activeElement?.id) === `act-${id}-off`
    && (await card(page, NEW)).includes(T("fr", "Active")),
  "Escape closes the confirmation, changes nothing, and gives the focus back to the button", await focused(page));
  await page.keyboard.press("Enter");
  await until(page, () => !!document.querySelector(".person-panel"), null, 3000);
  await press(page, ".person-panel .btn-fail", "Yes, switch it off");
  const off = T("fr", "The account of {name} is switched off.", { name: NEW });
  await until(page, (w) => document.getElementById("live")?.textContent === w, off, 5000);
  ok((await card(page, NEW)).includes(T("fr", "Switched off")) && await live(page) === off
    && (await card(page, NEW)).includes(T("fr", "Switch on")),
  "her account is switched off: the card says it in words, screen readers hear it", await card(page, NEW));
  await screen(page, "accounts-switched-off", VIEWPORTS.slice(0, 1));

  // She tries to sign in on the screen: refused, in words.
  const tctx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "fr-BE" });
  const tpage = await tctx.newPage();
  watchConsole(tpage, errors, expected);
  await tpage.goto(`${base}/`);
  await waitH1(tpage, T("fr", "Sign in to Atelier"));
  await tabTo(tpage, "#signin-name");
  await tpage.keyboard.type(NEW);
  await tpage.keyboard.press("Tab");
  await tpage.keyboard.type(PIN2);
  await tpage.keyboard.press("Enter");
  await tpage.waitForSelector(".feedback .msg-error", { timeout: 8000 }).catch(() => {});
  ok((await tpage.locator(".feedback").innerText().catch(() => "")).includes(T("fr", "This account is switched off. Ask your instructor."))
    && await h1(tpage) === T("fr", "Sign in to Atelier"),
  "the trainee whose account is switched off cannot sign in: the screen says so", await tpage.locator(".feedback").innerText().catch(() => ""));
  await tctx.close();

  // The audit log has each change, by the admin.
  const audit = await (await page.request.get(`${base}/api/audit?limit=100`)).json();
  const mine = audit.filter((e) => e.subject === NEW && e.actor === F.admin).map((e) => e.action);
  ok(["user-add", "user-set-secret", "user-disable"].every((a) => mine.includes(a)), "the audit log has each change, made by the admin", mine);
  await ctx.close();

  // ---- Dutch, a small screen, the keyboard only ----
  const nctx = await browser.newContext({ viewport: SMALL[0][1], locale: "nl-BE", hasTouch: true });
  const npage = await nctx.newPage();
  watchConsole(npage, errors, expected);
  // The server gives the Dutch catalogue once, then never again while she signs in: the
  // screen reads it once a visit, so a moment the server does not answer it cannot turn
  // the screens English (a full run once showed the screens in English after a sign-in
  // in Dutch: the catalogue was read again, and a failed read gave English).
  let nlServed = 0;
  await npage.route("**/static/i18n/nl.json", (route) => (nlServed++ === 0 ? route.continue() : route.abort()));
  ok(await keyboardSignIn(npage, "nl", F.admin, F.admin_password), "the admin signs in in Dutch on a small screen", await says(npage));
  ok(nlServed === 1, "the Dutch catalogue is read once for the whole sign-in", nlServed);
  await npage.unroute("**/static/i18n/nl.json");
  await press(npage, 'a.nav-link[href="#/console"]', "Console in the menu (nl)");
  await waitH1(npage, T("nl", "Instructors' console"));
  await press(npage, 'a.console-link[href="#/console/accounts"]', "Accounts in the console's menu (nl)");
  ok(await waitH1(npage, T("nl", "Accounts")), "the accounts, in Dutch", await h1(npage));
  await npage.waitForSelector(".person", { timeout: 8000 }).catch(() => {});
  const wide = await npage.evaluate(() => document.documentElement.scrollWidth);
  ok(wide <= 360, "nothing is wider than the 360 px screen", wide);
  await press(npage, `#act-${id}-on`, "Switch on (nl)");
  await until(npage, () => document.activeElement?.tagName === "H4", null, 3000);
  ok((await npage.locator(".person-panel").innerText()).includes(T("nl", "{name} can sign in again with the same PIN or password.", { name: NEW })),
    "the confirmation, in Dutch", await npage.locator(".person-panel").innerText());
  await press(npage, ".person-panel .btn-primary", "Yes, switch it on (nl)");
  const on = T("nl", "The account of {name} is switched on.", { name: NEW });
  await until(npage, (w) => document.getElementById("live")?.textContent === w, on, 5000);
  ok((await card(npage, NEW)).includes(T("nl", "Active")) && await live(npage) === on, "switched on again, said in Dutch", await card(npage, NEW));
  ok((await signIn(NEW, PIN2)).status === 200, "and she signs in again");
  // A trainee made an instructor: her PIN goes, the screen asks for her password at once.
  await press(npage, `#act-${id}-role`, "Change role (nl)");
  await until(npage, () => document.activeElement?.tagName === "SELECT", null, 3000);
  await npage.keyboard.press("ArrowDown"); // instructor, then admin: the first is instructor
  await npage.keyboard.press("ArrowUp");
  const effect = await npage.locator(".role-effect").innerText();
  ok(effect === T("nl", "{name} is signed out, and the PIN stops working: instructors and admins sign in with a password. You give the new password just after.", { name: NEW }),
    "the panel says what a new role does to her PIN, in Dutch", effect);
  await npage.keyboard.press("Tab");
  await npage.keyboard.press("Enter");
  await until(npage, () => document.activeElement?.type === "password", null, 5000);
  const after = await card(npage, NEW);
  ok(after.includes(T("nl", "Instructor")) && after.includes(T("nl", "No password yet: {name} cannot sign in until you give one.", { name: NEW }))
    && await npage.evaluate(() => document.activeElement?.id) === `panel-${id}-secret`,
  "she is an instructor now; the screen asks at once for her password, the focus in its field", after);
  await npage.keyboard.type("kort");
  await npage.keyboard.press("Enter");
  await npage.waitForSelector(`#panel-${id}-secret-error:not([hidden])`, { timeout: 3000 }).catch(() => {});
  ok((await npage.locator(`#panel-${id}-secret-error`).innerText().catch(() => "")).includes(T("nl", "A password has at least 10 characters.")),
    "a short password: refused beside the field, in Dutch");
  await screen(npage, "accounts-nl", SMALL);
  await tabTo(npage, `#panel-${id}-secret`); // the audit went through the page with Tab
  await npage.keyboard.press("Control+A");
  await npage.keyboard.type("een lange zin als wachtwoord");
  await npage.keyboard.press("Enter");
  const pw = T("nl", "{name} has a new password. The old one no longer works.", { name: NEW });
  await until(npage, (w) => document.getElementById("live")?.textContent === w, pw, 5000);
  const st = await signIn(NEW, "een lange zin als wachtwoord");
  ok(st.status === 200 && st.doc.role === "instructor", "she signs in as an instructor with that password", st);
  await nctx.close();

  // ---- her own PIN, changed by herself: French, the bench's screen, the keyboard only ----
  const adm = await request.newContext({ baseURL: base });
  const login = await (await adm.post("/api/login", { data: { name: F.admin, secret: F.admin_password } })).json();
  const made = await adm.post("/api/users", { data: { name: OWN, role: "trainee", secret: PIN1 },
    headers: { "X-CSRF-Token": login.csrf }, failOnStatusCode: false });
  ok(made.status() === 200, "the admin adds another trainee for her own PIN", made.status());
  await adm.dispose();
  const octx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "fr-BE" });
  const opage = await octx.newPage();
  watchConsole(opage, errors, expected);
  ok(await keyboardSignIn(opage, "fr", OWN, PIN1), "the trainee signs in in French", await says(opage));
  await press(opage, 'a.nav-link[href="#/secret"]', "My PIN in the menu (fr)");
  ok(await waitH1(opage, T("fr", "My PIN")), "her own PIN's screen, in French", await h1(opage));
  await tabTo(opage, "#secret-now");
  await opage.keyboard.type("11111111");
  await opage.keyboard.press("Tab"); // Show
  await opage.keyboard.press("Tab");
  await opage.keyboard.type(PIN3);
  await opage.keyboard.press("Tab");
  await opage.keyboard.press("Tab");
  await opage.keyboard.type(PIN3);
  await opage.keyboard.press("Enter");
  await opage.waitForSelector("#secret-now-error:not([hidden])", { timeout: 5000 }).catch(() => {});
  ok((await opage.locator("#secret-now-error").innerText().catch(() => "")).includes(T("fr", "This is not your PIN now. Try again."))
    && await opage.evaluate(() => document.activeElement?.id) === "secret-now",
  "a wrong PIN now: said beside its field, in French, the focus back in it", await says(opage));
  await opage.keyboard.press("Control+A");
  await opage.keyboard.type(PIN1);
  await tabTo(opage, "#secret-again");
  await opage.keyboard.press("Control+A");
  await opage.keyboard.type("13572460");
  await opage.keyboard.press("Enter");
  await opage.waitForSelector("#secret-again-error:not([hidden])", { timeout: 5000 }).catch(() => {});
  ok((await opage.locator("#secret-again-error").innerText().catch(() => "")).includes(T("fr", "The two new PINs are not the same. Type it again.")),
    "two new PINs that differ: said beside the second, before anything is sent", await says(opage));
  await screen(opage, "my-pin-fr", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
  await tabTo(opage, "#secret-again"); // the audit went through the page with Tab
  await opage.keyboard.press("Control+A");
  await opage.keyboard.type(PIN3);
  await opage.keyboard.press("Enter");
  const done = T("fr", "Done: your new PIN works from now on. The old one no longer works.");
  await until(opage, (w) => document.getElementById("live")?.textContent === w, done, 5000);
  ok((await opage.locator(".secret-result").innerText().catch(() => "")).includes(done)
    && await opage.locator("#secret-now").inputValue() === "",
  "the new PIN is saved: said in French, the fields emptied", await says(opage));
  ok((await signIn(OWN, PIN3)).status === 200 && (await signIn(OWN, PIN1)).status === 401,
    "the new PIN signs her in, the old one no longer does");
  await screen(opage, "my-pin-done-fr", SMALL);
  await octx.close();

  // ---- her own password, in Dutch on a small screen (the trainee made an instructor) ----
  const pctx = await browser.newContext({ viewport: SMALL[0][1], locale: "nl-BE", hasTouch: true });
  const ppage = await pctx.newPage();
  watchConsole(ppage, errors, expected);
  ok(await keyboardSignIn(ppage, "nl", NEW, "een lange zin als wachtwoord"), "the new instructor signs in in Dutch", await says(ppage));
  await press(ppage, 'a.nav-link[href="#/secret"]', "My password in the menu (nl)");
  ok(await waitH1(ppage, T("nl", "My password")), "her own password's screen, in Dutch", await h1(ppage));
  const wide2 = await ppage.evaluate(() => document.documentElement.scrollWidth);
  ok(wide2 <= 360, "nothing is wider than the 360 px screen", wide2);
  await tabTo(ppage, "#secret-now");
  await ppage.keyboard.type("een lange zin als wachtwoord");
  await tabTo(ppage, "#secret-new");
  await ppage.keyboard.type("te kort");
  await ppage.keyboard.press("Enter");
  await ppage.waitForSelector("#secret-new-error:not([hidden])", { timeout: 5000 }).catch(() => {});
  ok((await ppage.locator("#secret-new-error").innerText().catch(() => "")).includes(T("nl", "A password has at least 10 characters.")),
    "a short new password: refused beside its field, in Dutch", await says(ppage));
  await screen(ppage, "my-password-nl", SMALL);
  await tabTo(ppage, "#secret-new");
  await ppage.keyboard.press("Control+A");
  await ppage.keyboard.type("mijn eigen lange zin");
  await tabTo(ppage, "#secret-again");
  await ppage.keyboard.type("mijn eigen lange zin");
  await ppage.keyboard.press("Enter");
  const doneNl = T("nl", "Done: your new password works from now on. The old one no longer works.");
  await until(ppage, (w) => document.getElementById("live")?.textContent === w, doneNl, 5000);
  ok((await ppage.locator(".secret-result").innerText().catch(() => "")).includes(doneNl),
    "the new password is saved, said in Dutch", await says(ppage));
  ok((await signIn(NEW, "mijn eigen lange zin")).status === 200, "and it signs her in");
  await pctx.close();

  // ---- an instructor: no accounts for her ----
  const ictx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "fr-BE" });
  const ipage = await ictx.newPage();
  watchConsole(ipage, errors, expected);
  await ipage.request.post(`${base}/api/login`, { data: { name: F.instructor, secret: F.password, lang: "fr" } });
  await ipage.goto(`${base}/#/console`);
  await waitH1(ipage, T("fr", "Instructors' console"));
  await ipage.waitForSelector(".queue-section", { timeout: 8000 }).catch(() => {});
  ok(await ipage.locator('a[href="#/console/accounts"]').count() === 0, "an instructor's console has no way to the accounts");
  await ipage.evaluate(() => { location.hash = "#/console/accounts"; });
  await waitH1(ipage, T("fr", "Accounts"));
  await ipage.waitForSelector(".msg-info", { timeout: 8000 }).catch(() => {});
  ok((await ipage.locator("main").innerText()).includes(T("fr", "Sorry, the accounts are for admins only. If an account needs a change, ask an admin."))
    && await ipage.locator(".person, .add-person").count() === 0,
  "an instructor who opens the accounts' address: a polite refusal, no list", await ipage.locator("main").innerText());
  await screen(ipage, "accounts-refused", SMALL);
  await ictx.close();
  ok(errors.length === 0, "no console error at the end", errors.join("\n"));
  report.expected_4xx = expected;
  report.finished = true;
} catch (e) {
  ok(false, "the walk ran to its end", String(e && e.stack || e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
