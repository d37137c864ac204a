// A trainee's morning on atelier serve, in real headless Chromium, with the keyboard
// only: she signs in with her PIN (after a wrong one), in French; sees the bench (the
// empty state, then two devices arriving); opens a recorded device by its serial
// number; starts the intake checklist and records steps; goes back and corrects one;
// does one step of every kind on a workshop checklist (tests/fixtures/web/web-kinds.yaml),
// is refused a submission with what is missing, then submits; her instructor grades it
// (over the API) and she marks the feedback as read in My work. The screen is switched
// to Dutch and to Arabic (right to left); a failed swollen-battery step sends the
// device to quarantine; the instructors' console refuses her politely; an instructor
// signs in. Before the grade, the instructor's console lists her submitted job (French,
// Dutch, Arabic); once graded, it says no work waits. Every screen is audited at each
// size (audit.mjs) and photographed.
//
// usage: node tests/web/trainee_flow.mjs BASE_URL OUT_DIR FACTS.json
// FACTS: {serial, udid, trainee, pin, instructor, password, usb_ctl}: USB_CTL is the FIFO
// of tests/tools/usbbed, through which the test plugs phones into the server's simulated
// USB (the real GET /api/bench and /api/events). Prints one JSON object:
// {checks: [{name, ok, detail}], screenshots: [...]}; exits 0 when it ran to the end.
import { chromium, request } from "playwright-core";
import { appendFileSync, readFileSync } from "node:fs";
import { watchConsole, LAUNCH, VIEWPORTS } from "./audit.mjs";
import { walk } from "./flow.mjs";

// esd-safety by its French name, as checklists/policy.yaml (competences:) writes it.
const ESD_FR = "Travailler sans danger avec l'électricité statique (ESD)";

const [base, outDir, factsFile] = process.argv.slice(2);
const F = JSON.parse(readFileSync(factsFile, "utf8"));
const { report, errors, expected, ok, T, loadCatalogue, until, h1, waitH1, tabTo, press, screen } = walk(outDir);

/* The job view, read over the API with the trainee's own cookie. */
async function jobView(page, id) {
  const r = await page.request.get(`${base}/api/jobs/${id}`);
  return r.ok() ? r.json() : null;
}
const currentJob = (page) => page.evaluate(() => Number((location.hash.match(/^#\/job\/(\d+)/) || [])[1] || 0));

const browser = await chromium.launch(LAUNCH);
try {
  const api = await request.newContext({ baseURL: base });
  for (const l of ["fr", "nl", "ar"]) await loadCatalogue(api, l);
  ok(T("fr", "Devices on the bench") !== "Devices on the bench" && T("nl", "Devices on the bench") !== "Devices on the bench"
    && T("ar", "Devices on the bench") !== "Devices on the bench", "the French, Dutch and Arabic catalogues are served (/static/i18n/xx.json)");
  const langs = await (await api.get("/static/i18n/index.json")).json();
  ok(JSON.stringify(langs.languages.map((l) => l.lang)) === JSON.stringify(["fr", "nl", "en", "ar"])
    && langs.languages.find((l) => l.lang === "ar").dir === "rtl",
  "the language list is po/LINGUAS's, Arabic written right to left", langs);

  const context = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "en-GB" });
  const page = await context.newPage();
  watchConsole(page, errors, expected);

  // The live list is the server's own (GET /api/bench, /api/events): the test plugs the
  // phones into its simulated USB.
  const realBench = await api.get("/api/bench");

  // ---- sign-in ----
  await page.goto(`${base}/`);
  ok(await waitH1(page, "Sign in to Atelier"), "the start page is the sign-in, in English by default", await h1(page));
  await screen(page, "signin");
  await press(page, '.btn-lang[lang="fr"]', "choose Français before signing in");
  ok(await waitH1(page, T("fr", "Sign in to Atelier")), "the sign-in turns French at once", await h1(page));
  ok(await page.evaluate(() => document.documentElement.lang) === "fr", "<html lang> is fr");
  // She types her name as she writes it, with a capital and an accent ("Âmina"): her
  // account is "amina", and the sign-in does not count capitals or accents.
  const asSheWrites = "Â" + F.trainee.slice(1);
  await tabTo(page, "#signin-name");
  await page.keyboard.type(asSheWrites);
  await page.keyboard.press("Tab");
  await page.keyboard.type("00000000");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".feedback .msg-error", { timeout: 8000 }).catch(() => {});
  const refused = await page.evaluate(() => document.querySelector(".feedback .msg-error")?.textContent || "");
  ok(refused.includes(T("fr", "The name or the PIN is not right. Try again.")) && await h1(page) === T("fr", "Sign in to Atelier"),
    "a wrong PIN: refused in plain words, still on the sign-in", refused);
  // The focus is back in the PIN field, emptied.
  ok(await page.evaluate(() => document.activeElement?.id) === "signin-secret", "after a wrong PIN the PIN field has the focus");
  await screen(page, "signin-wrong-pin", VIEWPORTS.slice(0, 1));
  await tabTo(page, "#signin-secret");
  await page.keyboard.type(F.pin);
  await page.keyboard.press("Enter");

  // ---- the bench ----
  ok(await waitH1(page, T("fr", "Devices on the bench")), `signed in with her PIN, her name typed "${asSheWrites}": the bench, in French`, await h1(page));
  ok(realBench.status() === 401 && F.usb_ctl, "the bench's live list is there, behind the sign-in", realBench.status());
  if (F.usb_ctl) {
    await page.waitForSelector(".empty-text", { timeout: 8000 }).catch(() => {});
    ok(await page.locator(".empty-text").textContent().catch(() => "") === T("fr", "Plug in a phone or tablet with the workshop cable."),
      "no device plugged in: the screen says to plug one in");
    await screen(page, "bench-empty");
    // The fake iPhone is plugged into the simulated USB: the server sees it, reads it
    // through the fake usbmuxd and tells the page (server-sent events).
    const t0 = Date.now();
    appendFileSync(F.usb_ctl, `add 1-2 05ac 12a8 ${F.udid.replace(/-/g, "")} ff fe 02\n`);
    const came = await until(page, () => document.querySelectorAll(".device-card").length === 1, null, 5000);
    const toCard = Date.now() - t0;
    const wasRead = await until(page, () => (document.querySelector(".device-card")?.innerText || "").includes("iPhone 13"), null, 10000);
    const toRead = Date.now() - t0;
    report.timings = { plug_to_card_ms: toCard, plug_to_read_card_ms: toRead };
    ok(came, "a phone plugged in: its card appears without reloading the page", { toCard });
    const card = await page.locator(".device-card").first().innerText().catch(() => "");
    ok(wasRead && card.includes("MLDV3CH/A") && card.includes("Apple") && /128\s*Go/.test(card) && card.includes("91,4")
      && card.includes(T("fr", "No lock found")), "then the card is read: name, model number, make, storage in Go, battery health with a decimal comma, the locks in words", card);
    ok(await page.locator(".device-card .lock svg").count() >= 1, "the lock state has its icon beside the words");
    await until(page, () => document.getElementById("live")?.textContent.includes("iPhone 13"), null, 3000);
    ok((await page.locator("#live").textContent()).includes("iPhone 13"), "a new card is announced to screen readers (aria-live)");
    // An Android tablet with USB debugging off: seen by USB alone, the instruction to allow it.
    appendFileSync(F.usb_ctl, "add 1-3 18d1 4ee1 TABLET0001 06 01 01\n");
    const two = await until(page, () => document.querySelectorAll(".device-card").length === 2, null, 5000);
    await until(page, () => !!document.querySelectorAll(".device-card")[1]?.querySelector(".state-usb"), null, 8000);
    const second = await page.locator(".device-card").nth(1).innerText().catch(() => "");
    const allow = T("fr", "unlock the phone and tap Allow on \"Allow USB debugging?\" for this computer");
    ok(two && allow !== "unlock the phone and tap Allow on \"Allow USB debugging?\" for this computer"
      && second.toLowerCase().includes(allow.toLowerCase().slice(0, 20)),
    "an Android phone with USB debugging off: its card says, in French, to allow it", second);
    ok(await page.locator(".device-card").nth(1).locator("a.btn").count() === 0,
      "and it cannot be opened before the bench has read it once", second);
  }
  await screen(page, "bench");

  // ---- a recorded device, by its serial number ----
  await page.evaluate(() => document.querySelector("h1").focus());
  await tabTo(page, "#device-key");
  await page.keyboard.type(F.serial);
  await page.keyboard.press("Enter");
  ok(await waitH1(page, T("fr", "Choose the work")), "the serial number typed opens the device", await h1(page));
  await page.waitForSelector("#cl-intake-triage", { timeout: 8000 }).catch(() => {});
  const choice = await page.locator(".checklists").innerText().catch(() => "");
  ok(choice.includes("Accueil et tri") && choice.includes(T("fr", "About {n} minutes", { n: 25 })) && choice.includes(T("fr", "Difficulty: {n} of 5", { n: 1 })),
    "the checklists for the device, with title, time and difficulty, in French", choice);
  await screen(page, "device");

  // ---- a harder checklist she is not ready for: what she needs, in her language ----
  if (await page.locator("#cl-phone-screen-replacement").count()) {
    await press(page, '[aria-describedby="cl-phone-screen-replacement"]', "Start the screen replacement");
    const ready = await until(page, () => !!document.querySelector(".needs li"), null, 8000);
    const said = await page.locator(".needs").evaluate((el) => el.closest(".message, [role], div")?.innerText || el.innerText).catch(() => "");
    ok(ready && said.includes(T("fr", "You cannot start this work yet. First you need:"))
      && said.includes(T("fr", "an approved job of {checklist}", { checklist: "Accueil et tri" }))
      && said.includes(T("fr", "your instructor's sign-off for {competence}", { competence: ESD_FR }))
      && T("fr", "You cannot start this work yet. First you need:") !== "You cannot start this work yet. First you need:",
      "a checklist she is not ready for: the screen says, in French, the approved job and the sign-off she needs first", said);
    ok(await h1(page) === T("fr", "Choose the work"), "and she stays on the choice of work", await h1(page));
    await screen(page, "device-not-ready");
  }

  // ---- the intake checklist: steps, Back and a correction ----
  await press(page, '[aria-describedby="cl-intake-triage"]', "Start the intake checklist");
  ok(await waitH1(page, "Mettez vos lunettes de protection"), "the first step, in French", await h1(page));
  ok((await page.locator(".progress-text").textContent()).includes(T("fr", "Step {n} of {total}", { n: 1, total: 23 }).split(" ")[0]), "progress is shown");
  await screen(page, "step-check");
  await press(page, ".btn-pass", "Pass on step 1");
  ok(await waitH1(page, "Sachez quoi faire si une batterie brûle"), "Pass moves to step 2", await h1(page));
  await press(page, ".btn-pass", "Pass on step 2");
  ok(await waitH1(page, "La batterie n'est pas gonflée"), "then step 3", await h1(page));
  const warningFirst = await page.evaluate(() => {
    const w = document.querySelector(".instruction-warning");
    const b = document.querySelector(".btn-pass");
    return !!w && !!b && !!(w.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  ok(warningFirst, "the warning is shown before the Pass and Fail buttons");
  await press(page, ".btn-back", "Back to step 2");
  ok(await waitH1(page, "Sachez quoi faire si une batterie brûle"), "Back shows step 2 again", await h1(page));
  ok((await page.locator(".msg-info").innerText().catch(() => "")).includes(T("fr", "Already recorded: {result}. Record it again to correct it.", { result: T("fr", "Pass") })),
    "the step says what was recorded and that recording again corrects it");
  const intakeJob = await currentJob(page);
  await press(page, ".btn-pass", "record step 2 again");
  ok(await waitH1(page, "La batterie n'est pas gonflée"), "after the correction, on to the step to do", await h1(page));
  const jv = await jobView(page, intakeJob);
  const recs = jv ? jv.records : [];
  ok(recs.length === 3 && recs[2].step === "fire-plan" && recs[2].corrects === recs[1].record,
    "the correction is a new record that names the one it corrects", recs);

  // ---- every kind of step ----
  await press(page, 'a[href^="#/device/"]', "Stop for now");
  ok(await waitH1(page, T("fr", "Choose the work")), "Stop for now goes back to the device", await h1(page));
  await page.waitForSelector("#cl-web-kinds", { timeout: 8000 }).catch(() => {});
  ok((await page.locator(".checklists").innerText()).includes(T("fr", "Continue")), "the open intake job is offered with Continue");
  await press(page, '[aria-describedby="cl-web-kinds"]', "Start the practice checklist");
  ok(await waitH1(page, "Mesurez la tension de la batterie"), "a measure step", await h1(page));
  const range = await page.locator(".measure .hint").textContent().catch(() => "");
  ok(range.includes("3,6") && range.includes("4,45") && range.includes("V"), "the accepted range and unit are shown", range);
  const kindsJob = await currentJob(page);
  await screen(page, "step-measure");
  await tabTo(page, "#value-voltage");
  await page.keyboard.type("3,92");
  await page.keyboard.press("Enter");
  ok(await waitH1(page, "Notez l'écran"), "a value typed with a decimal comma is saved; a choice step follows", await h1(page));
  ok((await page.locator(".msg-ok").innerText().catch(() => "")).includes(T("fr", "Pass")), "the saved step's result is said on the next screen");
  await screen(page, "step-choice");
  const crit = await page.locator(".btn-choice").first().innerText();
  ok(crit.includes("Comme neuf") && crit.includes("Aucune marque à 30 cm."), "each option shows its label and its criteria", crit);
  await press(page, ".btn-choice", "choose the first option");
  ok(await waitH1(page, "Saisissez le nom de la couleur indiqué sur la boîte"), "an entry step", await h1(page));
  await screen(page, "step-entry");
  await tabTo(page, "#value-colour");
  await page.keyboard.type("Minuit");
  await page.keyboard.press("Enter");
  ok(await waitH1(page, "Enregistrez l'écran posé"), "a parts step", await h1(page));
  await screen(page, "step-parts");

  // Too early: the submission is refused with what is missing.
  await page.evaluate((id) => { location.hash = `#/job/${id}/end`; }, kindsJob);
  ok(await waitH1(page, T("fr", "All steps are done")), "the summary screen", await h1(page));
  await press(page, ".runner-nav .btn-primary", "Submit too early");
  await page.waitForSelector(".missing li", { timeout: 8000 }).catch(() => {});
  const missing = await page.locator(".missing").innerText().catch(() => "");
  ok(missing.includes(T("fr", "Not done yet: {step}", { step: "Remarques" })), "a refused submission lists what is missing, in French", missing);
  await screen(page, "submit-refused");
  await page.evaluate((id) => { location.hash = `#/job/${id}`; }, kindsJob);
  ok(await waitH1(page, "Enregistrez l'écran posé"), "back to the step to do", await h1(page));

  await tabTo(page, "#part-1-name");
  await page.keyboard.type("Écran");
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown"); // the first origin: genuine
  if (await page.evaluate(() => document.activeElement?.value) !== "genuine") await page.selectOption("#part-1-origin", "genuine");
  await page.keyboard.press("Tab");
  await page.keyboard.type("SN-4411");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Fournisseur A");
  await page.keyboard.press("Enter");
  ok(await waitH1(page, "Remarques"), "the part is saved; a note step follows", await h1(page));
  await screen(page, "step-note");
  await tabTo(page, "textarea");
  await page.keyboard.type("Rayure sur le dos, en bas à gauche.");
  await press(page, ".note-step .btn-primary", "save the note");
  ok(await waitH1(page, "Localiser est désactivé"), "an automatic step", await h1(page));
  await page.waitForSelector(".auto-result", { timeout: 30000 }).catch(() => {});
  const auto = await page.locator(".step-input").innerText().catch(() => "");
  ok(auto.includes(T("fr", "Pass")) && auto.includes("locks.find_my"), "it ran by itself: the result and the facts read", auto);
  await screen(page, "step-auto");
  await press(page, ".auto-result ~ .actions .btn-primary, .step-input .btn-primary", "Next step after the automatic one");
  ok(await waitH1(page, "La protection après réinitialisation est désactivée"), "an automatic step that cannot decide", await h1(page));
  await page.waitForSelector(".step-input .msg-warning", { timeout: 30000 }).catch(() => {});
  ok((await page.locator(".step-input").innerText().catch(() => "")).includes(T("fr", "The bench could not decide this step. Check it on the device yourself, write what you saw, then choose.")),
    "undecided: the reason, and the way to record it by hand");
  await screen(page, "step-auto-undecided");
  await tabTo(page, "textarea");
  await page.keyboard.type("Réglages : aucun compte, pas de verrou.");
  await press(page, ".btn-pass", "Pass by hand");
  ok(await waitH1(page, "Remettez l'appareil dans son sachet"), "the last step", await h1(page));
  await press(page, ".btn-pass", "Pass on the last step");
  ok(await waitH1(page, T("fr", "All steps are done")), "all done: the summary", await h1(page));
  await screen(page, "end");
  await press(page, ".runner-nav .btn-primary", "Submit");
  await page.waitForSelector(".feedback .msg-ok", { timeout: 8000 }).catch(() => {});
  ok((await page.locator(".feedback").innerText().catch(() => "")).includes(T("fr", "Sent. Your instructor will look at your work and give a grade.")), "submitted");
  const kv = await jobView(page, kindsJob);
  ok(kv && kv.state === "submitted" && kv.records.some((r) => r.step === "record-part" && r.parts && r.parts[0].serial === "SN-4411")
    && kv.records.some((r) => r.step === "frp" && r.result === "pass" && r.note),
  "the job is submitted with the part and the hand-decided step's note", kv);

  // ---- the instructors' console: her work waits for a grade ----
  // In the instructor's own browser, which speaks French, then Dutch, then Arabic (the
  // browser's language: her account keeps none, so the later walk is unchanged).
  const kindsTitle = { fr: "Exercice : chaque sorte d'étape", nl: "Oefening: elke soort stap", ar: "Bench practice: every kind of step" };
  for (const [lang, locale] of [["fr", "fr-BE"], ["nl", "nl-BE"], ["ar", "ar"]]) {
    const cctx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale });
    const cpage = await cctx.newPage();
    watchConsole(cpage, errors, expected);
    const signedIn = await cpage.request.post(`${base}/api/login`, { data: { name: F.instructor, secret: F.password } });
    ok(signedIn.ok(), `the instructor signs in in her own browser (${lang})`, await signedIn.text());
    await cpage.goto(`${base}/#/console`);
    ok(await waitH1(cpage, T(lang, "Instructors' console")), `the console opens in ${lang}`, await h1(cpage));
    await cpage.waitForSelector(".queue-item", { timeout: 8000 }).catch(() => {});
    const items = await cpage.locator(".queue-item").allInnerTexts().catch(() => []);
    const waited = (await cpage.locator(".queue-item .queue-waited").allInnerTexts().catch(() => [""]))[0].trim();
    const minutes = new RegExp(`^${T(lang, "{n} min").replace("{n}", "\\d+")}$`);
    ok(items.length === 1 && await cpage.locator(`.queue-item a[href="#/console/review/${kindsJob}"]`).count() === 1
      && items[0].includes(kindsTitle[lang]) && items[0].includes(F.trainee) && items[0].includes("iPhone 13")
      && items[0].includes(T(lang, "Trainee")) && items[0].includes(String(kindsJob)),
    `the console (${lang}) lists the submitted job: the checklist's title in ${lang}, the trainee's name, the device, a link to the job`, items);
    ok(T(lang, "Trainee") !== "Trainee" && (waited === T(lang, "less than 1 min") || minutes.test(waited)),
      `and how long it has waited, in ${lang} words`, waited);
    const work = await cpage.locator(".work-item").allInnerTexts().catch(() => []);
    ok(work.length === 1 && work[0].includes(F.trainee) && await cpage.locator(`.work-item a[href="#/console/review/${intakeJob}"]`).count() === 1,
      `the console (${lang}) shows her intake job in work on the bench, with a link to its review`, work);
    await screen(cpage, lang === "fr" ? "console-queue" : `console-queue-${lang}`, lang === "ar" ? VIEWPORTS.filter(([l]) => l === "bench" || l === "small") : VIEWPORTS);
    if (lang === "ar") {
      ok(await cpage.evaluate(() => document.documentElement.dir) === "rtl", "the console in Arabic is written right to left");
      ok(await cpage.locator('.queue-item h3[lang="en"][dir="ltr"]').count() === 1,
        "the checklist's title, shown in English as the checklists have no Arabic, keeps its own language and direction");
    }
    if (lang === "fr") {
      // The entry opens the job's page; from there the instructor comes back to the list.
      await cpage.evaluate(() => document.querySelector("h1").focus());
      await press(cpage, `.queue-item a[href="#/console/review/${kindsJob}"]`, "open the waiting job from the console");
      ok(await waitH1(cpage, T("fr", "Work of {name}: {title}", { name: F.trainee, title: kindsTitle.fr })), "the console's link opens the job's review", await h1(cpage));
      await screen(cpage, "console-job", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
      await press(cpage, 'main a[href="#/console"]', "Back to the console");
      ok(await waitH1(cpage, T("fr", "Instructors' console")), "and its button goes back to the console", await h1(cpage));
    }
    await cctx.close();
  }

  // ---- graded by the instructor; read in My work ----
  const sam = await request.newContext({ baseURL: base });
  const login = await sam.post("/api/login", { data: { name: F.instructor, secret: F.password } });
  const csrf = (await login.json()).csrf;
  const graded = await sam.post(`/api/jobs/${kindsJob}/grade`, {
    headers: { "X-CSRF-Token": csrf },
    data: { verdict: "approved", feedback: "Bon travail. Pensez à noter la couleur exacte de la boîte.", scores: {} },
  });
  ok(graded.ok(), "the instructor grades the job", await graded.text());
  await press(page, 'a[href="#/history"]', "open My work");
  ok(await waitH1(page, T("fr", "My work")), "My work", await h1(page));
  await page.waitForSelector(".history-item", { timeout: 8000 }).catch(() => {});
  const hist = await page.locator(".history").innerText().catch(() => "");
  ok(hist.includes(T("fr", "Verdict: approved")) && hist.includes("Bon travail. Pensez à noter la couleur exacte de la boîte.")
    && hist.includes(T("fr", "In progress")), "her jobs with their state, the verdict and the feedback", hist);
  await screen(page, "history");
  await press(page, ".grade .btn-primary", "I have read this");
  await page.waitForSelector(".grade .acked", { timeout: 8000 }).catch(() => {});
  const kv2 = await jobView(page, kindsJob);
  ok(kv2 && kv2.grades[0].acknowledged === true, "the grade is acknowledged", kv2 && kv2.grades);

  // ---- Dutch, then Arabic ----
  for (const [lang, shotSuffix] of [["nl", "nl"], ["ar", "ar"]]) {
    await page.evaluate(() => { location.hash = "#/bench"; });
    await waitH1(page, T("fr", "Devices on the bench"));
    await page.evaluate(() => document.querySelector("h1").focus());
    const reached = await tabTo(page, "#top-lang");
    ok(reached, `keyboard: the language menu (${lang})`);
    await page.selectOption("#top-lang", lang);
    ok(await waitH1(page, T(lang, "Devices on the bench")), `the bench in ${lang}: translated heading`, await h1(page));
    const dir = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
    ok(dir[0] === lang && dir[1] === (lang === "ar" ? "rtl" : "ltr"), `<html lang="${lang}" dir="${lang === "ar" ? "rtl" : "ltr"}">`, dir);
    await screen(page, `bench-${shotSuffix}`);
    await page.evaluate((id) => { location.hash = `#/job/${id}`; }, intakeJob);
    const title = lang === "nl" ? "De batterij is niet opgezwollen" : "The battery is not swollen";
    ok(await waitH1(page, title), `the step in ${lang === "nl" ? "Dutch" : "English, as the checklist has no Arabic"}`, await h1(page));
    if (lang === "ar") {
      const note = await page.locator(".translation-note").textContent().catch(() => "");
      ok(note === T("ar", "This step is not yet translated into {lang}; shown in {shown}.", { lang: T("ar", "Arabic"), shown: T("ar", "English") }),
        "a small note says the step is shown in English", note);
      ok((await page.locator(".btn-pass").innerText()).includes("(Pass)"), "the button also gives the checklist's own word (Pass)");
      const mirrored = await page.evaluate(() => {
        const back = document.querySelector(".btn-back").getBoundingClientRect();
        return back.left > window.innerWidth / 2;
      });
      ok(mirrored, "the layout mirrors: Back is on the right in Arabic");
    }
    await screen(page, `step-${shotSuffix}`);
    await page.evaluate(() => { location.hash = "#/history"; });
    await waitH1(page, T(lang, "My work"));
    await page.waitForSelector(".history-item", { timeout: 8000 }).catch(() => {});
    await screen(page, `history-${shotSuffix}`, VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
  }
  await page.evaluate(() => { location.hash = "#/bench"; });
  await page.waitForSelector("#top-lang");
  await page.selectOption("#top-lang", "fr");
  await waitH1(page, T("fr", "Devices on the bench"));

  // ---- an instructor attaches a photo to the step the trainee is on ----
  // In her own browser: she opens the trainee's job and adds a photo to its next step.
  const ictx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale: "en-GB" });
  const ipage = await ictx.newPage();
  watchConsole(ipage, errors, expected);
  const signed = await ipage.request.post(`${base}/api/login`, { data: { name: F.instructor, secret: F.password } });
  ok(signed.ok(), "the instructor signs in in her own browser", await signed.text());
  await ipage.goto(`${base}/#/job/${intakeJob}`);
  ok(await waitH1(ipage, "The battery is not swollen"), "she opens the trainee's job at its next step", await h1(ipage));
  const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==", "base64");
  await ipage.setInputFiles(".photo-form input[type=file]", { name: "swollen.png", mimeType: "image/png", buffer: png });
  await ipage.click(".photo-form .btn");
  await until(ipage, () => (document.querySelector(".photo-feedback")?.textContent || "").length > 0, null, 8000);
  ok(await ipage.locator(".photo-feedback").textContent() === "The photo is added. Trainees see it on this step.",
    "she adds a photo to the step from its screen, and the screen says so", await ipage.locator(".photo-feedback").textContent());
  ok((await ipage.locator(".step-figure figcaption").allTextContents()).includes(`Photo added by ${F.instructor}`),
    "the photo shows at once above the form, as trainees will see it", await ipage.locator(".step-pictures").innerText().catch(() => ""));
  await screen(ipage, "step-photo-added", VIEWPORTS.slice(0, 1));
  await ictx.close();
  ok(await page.locator(".photo-form").count() === 0, "a trainee has no form to add photos");

  // ---- a swollen battery: quarantine ----
  await page.evaluate((id) => { location.hash = `#/job/${id}`; }, intakeJob);
  ok(await waitH1(page, "La batterie n'est pas gonflée"), "Continue goes to the step to do", await h1(page));
  await page.waitForSelector(".step-figure figcaption", { timeout: 8000 }).catch(() => {});
  ok((await page.locator(".step-figure figcaption").allTextContents()).includes(T("fr", "Photo added by {name}", { name: F.instructor })),
    "the trainee sees the instructor's photo on the step, with who added it", await page.locator(".step-pictures").innerText().catch(() => ""));
  ok(await page.locator(".step-figure img[src$='/image']").count() === 1, "and the step's own picture, served beside its checklist");
  await press(page, ".btn-fail", "Fail on the swollen battery step");
  ok(await waitH1(page, T("fr", "Stop: this device goes to quarantine")), "a failed quarantine step: the full-screen instruction", await h1(page));
  const q = await page.locator(".stop-screen").innerText().catch(() => "");
  ok(q.includes(T("fr", "Put the device in the quarantine box.")) && q.includes(T("fr", "Tell your instructor.")) && q.includes("bac ignifugé"),
    "it says in plain words what to do, with the step's own warning", q);
  await screen(page, "quarantine");
  const dev = await (await page.request.get(`${base}/api/devices/${F.serial}`)).json();
  ok(dev.state === "quarantine", "the device is in quarantine", dev.state);

  // ---- the console: refused to a trainee, politely ----
  await page.evaluate(() => { location.hash = "#/console"; });
  ok(await waitH1(page, T("fr", "Instructors' console")), "the console's screen", await h1(page));
  await page.waitForSelector(".msg-info", { timeout: 8000 }).catch(() => {});
  ok((await page.locator("main").innerText()).includes(T("fr", "Sorry, this screen is for instructors only. If you need something from it, ask your instructor.")),
    "a trainee opening the console: a polite refusal");
  await screen(page, "console-refused", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));

  // ---- an instructor ----
  await page.evaluate(() => { location.hash = "#/bench"; });
  await waitH1(page, T("fr", "Devices on the bench"));
  await press(page, ".who .btn", "Sign out");
  ok(await waitH1(page, T("fr", "Sign in to Atelier")), "signed out: the sign-in", await h1(page));
  await tabTo(page, "#signin-name");
  await page.keyboard.type(F.instructor);
  await page.keyboard.press("Tab");
  await page.keyboard.type(F.password);
  await page.keyboard.press("Enter");
  ok(await waitH1(page, T("fr", "Devices on the bench")), "an instructor signs in with her password", await h1(page));
  ok((await page.locator("main").innerText()).includes(T("fr", "You are signed in as an instructor. Here you see the trainees' screens. The work waiting for a grade is in Console, in the menu at the top.")),
    "the instructor reads where the work waiting for a grade is");
  await press(page, 'a.nav-link[href="#/console"]', "open the console from the menu");
  ok(await waitH1(page, T("fr", "Instructors' console")), "the console, from the menu", await h1(page));
  await page.waitForSelector(".queue-section .msg", { timeout: 8000 }).catch(() => {});
  ok((await page.locator(".queue-section").innerText().catch(() => "")).includes(T("fr", "No work waits for a grade."))
    && await page.locator(".queue-item").count() === 0,
  "the job is graded: the console says plainly that no work waits for a grade", await page.locator("main").innerText());
  await screen(page, "console-empty", VIEWPORTS.filter(([l]) => l === "bench" || l === "small"));
  ok(errors.length === 0, "no console error at the end", errors.join("\n"));
  report.expected_4xx = expected;
  report.finished = true;
} catch (e) {
  ok(false, "the walk ran to its end", String(e && e.stack || e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
