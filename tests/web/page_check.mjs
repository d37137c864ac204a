// Open one page of atelier serve in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) and report what a person would meet at each screen size
// (audit.mjs): the page's title and main heading, the console errors (a
// Content-Security-Policy refusal shows there), axe-core's serious and critical
// problems, targets under 44 x 44 CSS px, and whether the keyboard alone reaches every
// control. Screenshots go to OUT_DIR.
//
// usage: node tests/web/page_check.mjs URL OUT_DIR NAME
// prints one JSON object on standard output; exits 0 when the page loaded.
import { chromium } from "playwright-core";
import { audit, watchConsole, LAUNCH } from "./audit.mjs";

const [url, outDir, name] = process.argv.slice(2);
if (!url || !outDir || !name) {
  console.error("usage: node page_check.mjs URL OUT_DIR NAME");
  process.exit(2);
}
const browser = await chromium.launch(LAUNCH);
const report = { url, screens: [] };
try {
  const page = await browser.newPage();
  const errors = [];
  watchConsole(page, errors);
  const resp = await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("h1:not(:empty)");
  await page.waitForTimeout(300);
  for (const s of await audit(page, name, outDir)) {
    report.screens.push({ ...s, status: resp ? resp.status() : 0, title: await page.title(), console_errors: errors.slice() });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
