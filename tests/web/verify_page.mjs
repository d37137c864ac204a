// The public page a certificate's QR code opens (/v/ID#SIG), in real headless Chromium,
// as a buyer meets it: no sign-in, the browser's language chosen (Accept-Language), a
// link to switch. A valid certificate in French and in Dutch (its battery with a
// decimal comma, no trainee named), one withdrawn (with its date and reason), one whose
// link carries another signature (altered), and an id the workshop never issued. Each
// screen audited at every size, 360 px included (audit.mjs: axe-core, 44 px targets,
// the keyboard), with its screenshot.
//
// usage: node tests/web/verify_page.mjs BASE_URL OUT_DIR FACTS.json
// FACTS: {valid, valid_sig, revoked, revoked_why, trainee, health_fr, health_nl}.
// Prints {checks, screenshots, finished}.
import { chromium, request } from "playwright-core";
import { readFileSync } from "node:fs";
import { watchConsole, LAUNCH } from "./audit.mjs";
import { walk } from "./flow.mjs";

const [base, outDir, factsFile] = process.argv.slice(2);
const F = JSON.parse(readFileSync(factsFile, "utf8"));
const { report, errors, expected, ok, T, loadCatalogue, until, h1, tabTo, screen } = walk(outDir);

const api = await request.newContext({ baseURL: base });
for (const l of ["fr", "nl"]) await loadCatalogue(api, l);
await api.dispose();

const browser = await chromium.launch(LAUNCH);
const text = (page) => page.evaluate(() => document.body.innerText);

/* Open PATH in a browser whose language is LOCALE; wait for the verdict. */
async function open(locale, path) {
  const ctx = await browser.newContext({ locale, extraHTTPHeaders: { "Accept-Language": `${locale},${locale.slice(0, 2)};q=0.9` } });
  const page = await ctx.newPage();
  watchConsole(page, errors, expected);
  await page.goto(`${base}${path}`);
  await until(page, () => !!document.querySelector(".verify-state"));
  return { ctx, page };
}

try {
  // ---- valid, French ----
  let { ctx, page } = await open("fr-BE", `/v/${F.valid}#${F.valid_sig}`);
  let body = await text(page);
  ok(await h1(page) === T("fr", "Certificate check"), "the page opens in the browser's language, French", await h1(page));
  ok(await page.evaluate(() => document.documentElement.lang) === "fr", "its lang is fr");
  ok(body.includes(T("fr", "Valid certificate")), "a valid certificate says so, in French", body);
  ok(body.includes(F.health_fr), `the battery health has a decimal comma (${F.health_fr})`, body);
  ok(body.includes("128 Go") || body.includes("128 GB"), "the storage as it is sold", body);
  ok(body.includes("Réemploi Molenbeek ASBL") && body.includes("BE 0123.456.789"), "the workshop's legal name and company number", body);
  ok(!body.toLowerCase().includes(F.trainee.toLowerCase()), "no trainee is named", body);
  ok(!body.includes("UTC"), "times are not in UTC", body);
  ok(body.includes(T("fr", "Water resistance")), "the note on water resistance", body);
  await screen(page, "verify-valid-fr");
  // The language can be switched with the keyboard, and the fragment is kept.
  ok(await tabTo(page, 'a.verify-lang[lang="nl"]'), "keyboard: the link to Dutch is reached with Tab");
  await page.keyboard.press("Enter");
  await until(page, () => document.documentElement.lang === "nl");
  await until(page, () => !!document.querySelector(".verify-state"));
  body = await text(page);
  ok(body.includes(T("nl", "Valid certificate")), "switched to Dutch, still valid (the signature kept)", body);
  await ctx.close();

  // ---- valid, Dutch ----
  ({ ctx, page } = await open("nl-BE", `/v/${F.valid}#${F.valid_sig}`));
  body = await text(page);
  ok(await page.evaluate(() => document.documentElement.lang) === "nl", "a Dutch browser gets the page in Dutch");
  ok(body.includes(F.health_nl), `the battery in Dutch (${F.health_nl})`, body);
  for (const fr of ["Très bon état", "Comme neuf", "mois", "Garantie légale", "Effacement"])
    ok(!body.includes(fr), `no French on the Dutch page: "${fr}"`, body);
  ok(body.includes(`B \u2014 ${F.grade_nl}`), "the grade's words in Dutch, as the certificate signed them", body);
  ok(body.includes(T("nl", "Battery health")) && body.includes(T("nl", "Warranty")), "the page's own words in Dutch", body);
  ok(body.includes(F.issued_hm) && !body.includes("UTC"), `the time of issue in Brussels (${F.issued_hm}), not UTC`, body);
  await screen(page, "verify-valid-nl");
  await ctx.close();

  // ---- revoked ----
  for (const [locale, name] of [["nl-BE", "verify-revoked-nl"], ["fr-BE", "verify-revoked-fr"]]) {
    ({ ctx, page } = await open(locale, `/v/${F.revoked}`));
    body = await text(page);
    const l = locale.slice(0, 2);
    ok(body.includes(T(l, "Withdrawn certificate")), `${name}: a withdrawn certificate says so`, body);
    ok(body.includes(F.revoked_why), `${name}: with the reason in plain words`, body);
    ok(!body.includes(`certificate ${F.revoked} revoked`), `${name}: not the record's own words`, body);
    await screen(page, name);
    await ctx.close();
  }

  // ---- tampered: the link's signature is not the certificate's ----
  const bad = (F.valid_sig[0] === "A" ? "B" : "A") + F.valid_sig.slice(1);
  for (const [locale, name] of [["fr-BE", "verify-tampered-fr"], ["nl-BE", "verify-tampered-nl"]]) {
    ({ ctx, page } = await open(locale, `/v/${F.valid}#${bad}`));
    body = await text(page);
    const l = locale.slice(0, 2);
    ok(body.includes(T(l, "This certificate does not match")), `${name}: another signature is shown as altered`, body);
    ok(!body.includes("C1QQABCD4R"), `${name}: and nothing of the certificate is shown as the workshop's word`, body);
    await screen(page, name);
    await ctx.close();
  }

  // ---- unknown ----
  for (const [locale, name] of [["nl-BE", "verify-unknown-nl"], ["fr-BE", "verify-unknown-fr"]]) {
    ({ ctx, page } = await open(locale, "/v/ATL-20200101-0BADC0DE"));
    body = await text(page);
    const l = locale.slice(0, 2);
    ok(body.includes(T(l, "Unknown certificate")), `${name}: an id never issued is unknown`, body);
    await screen(page, name);
    await ctx.close();
  }
  // A hostile id is only text.
  ({ ctx, page } = await open("en-GB", `/v/${encodeURIComponent("<img src=x onerror=alert(1)>")}`));
  ok(await page.evaluate(() => !document.querySelector("img")), "an id with HTML in it is shown as text, never run");
  await ctx.close();
  report.finished = true;
} catch (e) {
  report.checks.push({ name: "the walk ran without an exception", ok: false, detail: String(e && e.stack || e) });
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
