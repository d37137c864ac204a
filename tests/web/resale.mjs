// The resale office on the console's Devices page, in real headless Chromium, in French,
// with the keyboard only (docs/resale.md): claire opens Devices, the certified iPhone's
// sale form; a price with three decimals is refused beside the form in French; she
// types 89,50, chooses "En boutique", an invoice number, presses Sell, reads the
// confirmation in plain words and confirms; the device is sold. An admin then finds it
// among the sold devices, writes why it comes back, confirms, and it is back in repair,
// its certificate withdrawn. Each screen is audited at its sizes and photographed.
//
// usage: node tests/web/resale.mjs BASE_URL OUT_DIR FACTS.json
// FACTS: {instructor, password, admin, admin_password, serial}. Prints {checks,
// screenshots, finished}.
import { chromium, request } from "playwright-core";
import { readFileSync } from "node:fs";
import { watchConsole, LAUNCH, VIEWPORTS } from "./audit.mjs";
import { walk } from "./flow.mjs";

const [base, outDir, factsFile] = process.argv.slice(2);
const F = JSON.parse(readFileSync(factsFile, "utf8"));
const { report, errors, expected, ok, T, loadCatalogue, until, h1, waitH1, tabTo, press, screen } = walk(outDir);
const SOME = VIEWPORTS.filter(([l]) => l === "bench" || l === "small");

async function signedInPage(browser, name, secret, locale) {
  const ctx = await browser.newContext({ viewport: VIEWPORTS[0][1], locale });
  const page = await ctx.newPage();
  watchConsole(page, errors, expected);
  const r = await page.request.post(`${base}/api/login`, { data: { name, secret } });
  ok(r.ok(), `${name} signs in (${locale})`, await r.text());
  return page;
}

const mainText = (page) => page.locator("main").innerText().catch(() => "");

const browser = await chromium.launch(LAUNCH);
try {
  const anon = await request.newContext({ baseURL: base });
  await loadCatalogue(anon, "fr");
  ok(T("fr", "Sell this device") !== "Sell this device", "the sale form's words are translated into French");

  const page = await signedInPage(browser, F.instructor, F.password, "fr-BE");
  await page.goto(`${base}/#/console`);
  ok(await waitH1(page, T("fr", "Instructors' console")), "the console opens in French", await h1(page));
  await press(page, '.console-nav a[href="#/console/devices"]', "open Devices from the console's menu");
  ok(await waitH1(page, T("fr", "Devices")), "the devices screen", await h1(page));
  await press(page, 'a.console-link[href="#/console/devices/certified"]', "show the certified devices");
  ok(await until(page, () => !!document.querySelector(".sale-form"), null, 8000), "the certified iPhone shows its sale form",
    await mainText(page));
  const legend = await page.locator(".sale-form legend").innerText().catch(() => "");
  ok(legend === T("fr", "Sell this device"), "the form says what it is for, in French", legend);

  // A price with three decimals: refused beside the form, in French.
  ok(await tabTo(page, 'input[id$="-price"]'), "keyboard: the price field is reached with Tab");
  await page.keyboard.type("89,505");
  await page.keyboard.press("Tab");
  ok(await page.evaluate(() => document.activeElement && document.activeElement.matches('select[id$="-channel"]')),
    "keyboard: Tab goes from the price to the channel");
  await page.keyboard.press("ArrowDown"); // En boutique
  ok((await page.locator('select[id$="-channel"]').inputValue()) === "shop", "the channel is chosen with the arrow keys",
    await page.locator('select[id$="-channel"]').inputValue());
  await press(page, ".sale-form button.btn-primary", "press Sell");
  ok(await until(page, (want) => document.querySelector(".sale-out")?.textContent.includes(want),
    T("fr", "Record the sale of {name} for {price} euros ({channel})? It leaves the workshop's stock.",
      { name: "iPhone 13", price: "89,505", channel: T("fr", "In the shop") }), 4000),
    "the sale is confirmed in plain words before it is recorded", await page.locator(".sale-out").innerText().catch(() => ""));
  ok(await page.evaluate(() => document.activeElement?.textContent), "the confirmation takes the focus");
  await page.keyboard.press("Enter");
  ok(await until(page, (want) => document.querySelector(".sale-out")?.textContent.includes(want),
    T("fr", "At most two decimals: cents."), 6000),
    "a price with three decimals is refused, in French", await page.locator(".sale-out").innerText().catch(() => ""));
  ok(await page.evaluate(() => document.activeElement && document.activeElement.matches('input[id$="-price"]')),
    "the focus goes back to the price");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("89,50");
  ok(await tabTo(page, 'input[id$="-ref"]'), "keyboard: the invoice number field");
  await page.keyboard.type("FAC-2026-0042");
  await screen(page, "console-device-sale", SOME);
  await press(page, ".sale-form button.btn-primary", "press Sell again");
  ok(await until(page, () => !!document.querySelector(".confirm-buttons"), null, 4000), "asked to confirm again");
  await page.keyboard.press("Enter");
  ok(await until(page, (want) => document.querySelector(".sale-out")?.textContent.includes(want),
    T("fr", "Sold for {price} euros. Stock number {stock}.", { price: "89,50", stock: "AT-000001" }), 8000),
    "the sale is recorded: the price and the stock number are said", await page.locator(".sale-out").innerText().catch(() => ""));
  await screen(page, "console-device-sold", SOME);
  const dev = await page.request.get(`${base}/api/devices/${F.serial}`);
  ok((await dev.json()).state === "sold", "the device is sold in the records");

  // The admin takes it back.
  const boss = await signedInPage(browser, F.admin, F.admin_password, "fr-BE");
  await boss.goto(`${base}/#/console/devices/sold`);
  ok(await until(boss, () => !!document.querySelector('textarea[id^="return-"]'), null, 8000), "the sold iPhone offers a return",
    await mainText(boss));
  ok(await tabTo(boss, 'textarea[id^="return-"]'), "keyboard: the reason of the return");
  await boss.keyboard.type("L'écran clignote, rapporté le 3 décembre");
  await press(boss, ".reason-form button", "press Take it back");
  ok(await until(boss, (want) => document.querySelector(".reason-form")?.textContent.includes(want),
    T("fr", "Take {name} back? Its certificate will be withdrawn and it goes back to repair.", { name: "iPhone 13" }), 4000),
    "the return is confirmed in plain words", await boss.locator(".reason-form").innerText().catch(() => ""));
  await screen(boss, "console-device-return", SOME);
  // The same list in a second tab, left open while the return is recorded in the first.
  const stale = await boss.context().newPage();
  await stale.goto(`${base}/#/console/devices/sold`);
  await until(stale, () => !!document.querySelector('textarea[id^="return-"]'), null, 8000);
  await press(boss, ".confirm-buttons .btn-primary", "confirm the return");
  ok(await until(boss, (want) => document.querySelector(".reason-form")?.textContent.includes(want),
    T("fr", "Taken back. Its certificate is withdrawn and it is in repair again."), 8000),
    "taken back: the certificate is withdrawn", await boss.locator(".reason-form").innerText().catch(() => ""));
  const back = await (await boss.request.get(`${base}/api/devices/${F.serial}`)).json();
  ok(back.state === "in_repair", "the device is in repair again", back.state);
  // The stale tab tries the same return: the server refuses, and the screen says what
  // that means in French first, then the server's reason marked as English.
  await stale.locator('textarea[id^="return-"]').fill("Encore une fois");
  await stale.locator(".reason-form button").click();
  await until(stale, () => !!document.querySelector(".confirm-buttons"), null, 4000);
  await stale.locator(".confirm-buttons .btn-primary").click();
  ok(await until(stale, () => !!document.querySelector(".reason-form .error-words"), null, 8000),
    "a refusal from the server, on a French screen", await stale.locator(".reason-form").innerText().catch(() => ""));
  const refused = await stale.locator(".reason-form .error-words").evaluate((e) => ({
    text: e.textContent, en: e.querySelector('[lang="en"]')?.textContent || "" }));
  ok(refused.text.startsWith(T("fr", "This cannot be done now."))
    && T("fr", "This cannot be done now.") !== "This cannot be done now."
    && refused.text.includes(T("fr", "In English:")) && refused.en.length > 0 && refused.text.endsWith(refused.en),
  "it is said in French first, then the server's own words, marked as English", refused);
  await screen(stale, "console-device-refused", SOME);
  report.finished = true;
} catch (err) {
  ok(false, "the walk ran without an exception", String(err && err.stack || err));
} finally {
  await browser.close();
  console.log(JSON.stringify(report));
}
