// Open one page of atelier serve in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core), at a bench screen's size and a 10-inch tablet's, and report
// what a person would meet: the page's title and main heading, the console errors (a
// Content-Security-Policy refusal shows there), the accessibility problems axe-core finds
// (serious and critical ones), whether every button and link is at least 44 x 44 CSS px,
// and whether the keyboard alone reaches every control. Screenshots go to OUT_DIR.
//
// usage: node tests/web/page_check.mjs URL OUT_DIR NAME
// prints one JSON object on standard output; exits 0 when the page loaded.
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const [url, outDir, name] = process.argv.slice(2);
if (!url || !outDir || !name) {
  console.error("usage: node page_check.mjs URL OUT_DIR NAME");
  process.exit(2);
}
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
// As root, in a closed network: no sandbox, and no background connections (they are
// refused here, many at a time, and slow Chromium down). Playwright makes its profile
// under $TMPDIR, which the shell test sets to its own directory.
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { url, screens: [] };
try {
  for (const [label, viewport] of [["bench", { width: 1366, height: 768 }],
                                   ["tablet", { width: 800, height: 1280 }]]) {
    const page = await browser.newPage({ viewport });
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    const resp = await page.goto(url, { waitUntil: "load" });
    // Through the DevTools protocol, not a <script> tag: the page's own
    // Content-Security-Policy stays in force for everything the page does itself.
    await page.evaluate(axeSource).catch((e) => errors.push(`axe-core: ${e}`));
    const axe = await page.evaluate(async () => {
      if (!window.axe) return { error: "axe-core could not run in the page" };
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
    });
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("button, a[href], input, select, textarea")]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 44 || r.height < 44)
        .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`));
    // The keyboard alone: Tab through the page and note every control that takes focus.
    const controls = await page.evaluate(() =>
      [...document.querySelectorAll("button, a[href], input, select, textarea")]
        .filter((el) => el.offsetParent !== null && !el.disabled).length);
    const reached = new Set();
    for (let i = 0; i < controls + 2; i++) {
      await page.keyboard.press("Tab");
      const id = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const all = [...document.querySelectorAll("*")];
        return `${el.tagName}:${all.indexOf(el)}`;
      });
      if (id) reached.add(id);
    }
    const shot = join(outDir, `${name}-${label}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    report.screens.push({
      viewport: label,
      status: resp ? resp.status() : 0,
      title: await page.title(),
      heading: await page.evaluate(() => document.querySelector("h1")?.textContent?.trim() ?? null),
      lang: await page.evaluate(() => document.documentElement.lang || null),
      console_errors: errors,
      axe_serious: axe,
      small_targets: small,
      controls,
      reached_by_tab: reached.size,
      screenshot: shot,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
