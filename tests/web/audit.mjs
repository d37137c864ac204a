// What a person meets on one screen of atelier serve, checked the same way everywhere
// (page_check.mjs for a single page, trainee_flow.mjs along a trainee's work): at each
// screen size, the accessibility problems axe-core finds (serious and critical ones),
// every button, link and field at least 44 x 44 CSS px, every control reached by the
// keyboard alone, and a screenshot.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

// The screens the workshop uses: the bench's 1366x768, a 10-inch tablet upright and
// lying, and a small phone-sized screen.
export const VIEWPORTS = [
  ["bench", { width: 1366, height: 768 }],
  ["tablet", { width: 800, height: 1280 }],
  ["tablet-landscape", { width: 1280, height: 800 }],
  ["small", { width: 360, height: 640 }],
];

// Chromium as root in a closed network: no sandbox, and no background connections
// (refused here, many at a time, they slow Chromium down). Playwright's profile goes
// under $TMPDIR, which the shell test sets to its own folder.
export const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

/* Record the page's console errors and uncaught exceptions into ERRORS. A resource the
 * page asked the API for and got a 4xx answer to (the sign-in refused, a 409 the screen
 * explains, a route the server does not have yet) is what the page expects and shows:
 * Chromium logs it as an error all the same, so it is kept apart in EXPECTED. Anything
 * else (a Content-Security-Policy refusal, a script error, a missing /static file)
 * counts. */
export function watchConsole(page, errors, expected = []) {
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const url = (m.location() && m.location().url) || "";
    const path = url.replace(/^https?:\/\/[^/]+/, "");
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) &&
        (path.startsWith("/api/") || path.startsWith("/images/"))) {
      expected.push(`${m.text()} ${path}`);
      return;
    }
    errors.push(`${m.text()} ${url}`);
  });
  page.on("pageerror", (e) => errors.push(String(e)));
}

async function axe(page) {
  const has = await page.evaluate(() => !!window.axe);
  if (!has) await page.evaluate(axeSource); // through DevTools: the page's CSP still holds
  return page.evaluate(async () => {
    if (!window.axe) return [{ id: "axe-missing", help: "axe-core could not run in the page" }];
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
}

async function smallTargets(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("button, a[href], input, select, textarea")]
      .filter((el) => el.offsetParent !== null || el.getClientRects().length)
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.width < 44 || r.height < 44))
      .map(({ el, r }) => `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || el.id || "").trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`));
}

/* Tab from the top of the screen through every control: {controls, reached, missed}. */
async function keyboardReach(page) {
  const ids = await page.evaluate(() => {
    const all = [...document.querySelectorAll("button, a[href], input, select, textarea")]
      .filter((el) => (el.offsetParent !== null || el.getClientRects().length) && !el.disabled);
    all.forEach((el, i) => el.setAttribute("data-audit", String(i)));
    // Start the walk from the top of the page: after a blur, Chromium goes on Tabbing from
    // where the focus was (the heading, after the menu), which skipped the menu's first
    // link now and then. A sentinel first in the page, focused and not in the Tab order,
    // is the starting point.
    const start = document.createElement("span");
    start.tabIndex = -1;
    start.id = "audit-start";
    document.body.prepend(start);
    start.focus();
    window.scrollTo(0, 0);
    // A group of radio buttons is one control for Tab.
    const groups = new Set(all.filter((el) => el.type === "radio").map((el) => el.name));
    // A date field is three stops for Tab in Chromium (day, month, year): the walk has
    // two more presses for each.
    const dates = all.filter((el) => el.type === "date").length;
    return { stops: all.filter((el) => el.type !== "radio").length + groups.size + 2 * dates,
      controls: all.filter((el) => el.type !== "radio").length + groups.size };
  });
  const reached = new Set();
  for (let i = 0; i < ids.stops + 3; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.getAttribute("data-audit"));
    if (id !== null && id !== undefined) reached.add(id);
  }
  // A group of radio buttons is one stop for Tab (the arrow keys move within it): the
  // group is reached when one of its buttons is.
  const missed = await page.evaluate((got) =>
    [...document.querySelectorAll("[data-audit]")].filter((el) => !got.includes(el.getAttribute("data-audit")))
      .filter((el) => !(el.type === "radio" && [...document.querySelectorAll(`input[type="radio"][name="${CSS.escape(el.name)}"]`)]
        .some((o) => got.includes(o.getAttribute("data-audit")))))
      .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent || el.id || "").trim().slice(0, 30)}"`), [...reached]);
  await page.evaluate(() => {
    document.getElementById("audit-start")?.remove();
    document.querySelectorAll("[data-audit]").forEach((el) => el.removeAttribute("data-audit"));
    const h1 = document.querySelector("h1");
    if (h1) h1.focus();
  });
  return { controls: ids.controls, reached: reached.size, missed };
}

/* Check the screen shown in PAGE at every viewport; screenshots NAME-LABEL.png into
 * OUT_DIR. The page ends at VIEWPORTS[0]'s size. Returns [{viewport, axe_serious,
 * small_targets, controls, reached_by_tab, missed_by_tab, screenshot, heading, lang,
 * dir}]. */
export async function audit(page, name, outDir, viewports = VIEWPORTS) {
  const out = [];
  for (const [label, size] of viewports) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    const shot = join(outDir, `${name}-${label}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    const kb = await keyboardReach(page);
    out.push({
      viewport: label,
      heading: await page.evaluate(() => document.querySelector("h1")?.textContent?.trim() ?? null),
      lang: await page.evaluate(() => document.documentElement.lang || null),
      dir: await page.evaluate(() => document.documentElement.dir || null),
      axe_serious: await axe(page),
      small_targets: await smallTargets(page),
      controls: kb.controls,
      reached_by_tab: kb.reached,
      missed_by_tab: kb.missed,
      screenshot: shot,
    });
  }
  await page.setViewportSize(viewports[0][1]);
  return out;
}
