// What the browser walks share (trainee_flow.mjs, console_flow.mjs): the report of
// checks, the screen's catalogues, waiting in the page without eval, the keyboard, and
// the audit of a screen turned into checks.
import { audit } from "./audit.mjs";

/* A walk writing its screenshots to OUT_DIR: {report, errors, expected, ok, T,
 * loadCatalogue, until, h1, waitH1, tabTo, press, screen}. ERRORS and EXPECTED are
 * given to audit.mjs's watchConsole for each page. */
export function walk(outDir) {
  const report = { checks: [], screenshots: [] };
  const errors = [];
  const expected = [];
  const catalogues = {};

  function ok(cond, name, detail) {
    report.checks.push({ name, ok: !!cond, detail: cond ? undefined : detail });
    return !!cond;
  }

  // The catalogues the screen uses, as the server gives them: the test reads the words
  // it expects from them, and checks that each is a translation (not the English left).
  async function loadCatalogue(api, lang) {
    const r = await api.get(`/static/i18n/${lang}.json`);
    catalogues[lang] = r.ok() ? (await r.json()).strings : {};
  }
  function T(lang, msgid, args) {
    const s = (catalogues[lang] || {})[msgid] || msgid;
    return args ? s.replace(/\{([a-z_]+)\}/g, (m, k) => (k in args ? String(args[k]) : m)) : s;
  }

  /* Poll FN(ARG) in the page until it is true (at most TIMEOUT ms). Not
   * page.waitForFunction: Playwright evaluates its predicate from a string in the page,
   * which the page's Content-Security-Policy (no 'unsafe-eval') rightly refuses. */
  async function until(page, fn, arg, timeout = 8000) {
    const end = Date.now() + timeout;
    for (;;) {
      if (await page.evaluate(fn, arg).catch(() => false)) return true;
      if (Date.now() > end) return false;
      await page.waitForTimeout(100);
    }
  }
  const h1 = (page) => page.evaluate(() => document.querySelector("h1")?.textContent?.trim() ?? "");
  const waitH1 = (page, text, timeout = 8000) =>
    until(page, (want) => document.querySelector("h1")?.textContent?.trim() === want, text, timeout);

  /* Press Tab until the focused element matches SELECTOR (at most MAX times). */
  async function tabTo(page, selector, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((sel) => !!document.activeElement && document.activeElement.matches(sel), selector)) return true;
      await page.keyboard.press("Tab");
    }
    return false;
  }
  /* Tab to SELECTOR and press Enter; a check named NAME that it could be reached. */
  async function press(page, selector, name) {
    const reached = await tabTo(page, selector);
    ok(reached, `keyboard: ${name}`, `no focusable ${selector} reached with Tab; screen: ${await h1(page)}`);
    if (reached) await page.keyboard.press("Enter");
    return reached;
  }

  /* Audit the screen at every size and turn the findings into checks. */
  async function screen(page, name, viewports) {
    const res = await audit(page, name, outDir, viewports);
    const sizes = (f) => res.filter(f).map((r) => r.viewport);
    report.screenshots.push(...res.map((r) => r.screenshot));
    ok(res.every((r) => r.axe_serious.length === 0), `${name}: no serious accessibility problem (axe-core) at any size`,
      res.filter((r) => r.axe_serious.length).map((r) => `${r.viewport}: ${JSON.stringify(r.axe_serious)}`).join("\n"));
    ok(res.every((r) => r.small_targets.length === 0), `${name}: every target is at least 44 x 44 px at every size`,
      res.filter((r) => r.small_targets.length).map((r) => `${r.viewport}: ${r.small_targets.join("; ")}`).join("\n"));
    ok(res.every((r) => r.missed_by_tab.length === 0 && r.reached_by_tab >= r.controls), `${name}: the keyboard alone reaches every control`,
      res.map((r) => `${r.viewport}: ${r.reached_by_tab}/${r.controls} missed ${r.missed_by_tab.join("; ")}`).join("\n"));
    ok(errors.length === 0, `${name}: no console error (nothing refused by the Content-Security-Policy)`, errors.join("\n"));
    ok(sizes((r) => !r.heading).length === 0, `${name}: a heading at every size`, sizes((r) => !r.heading));
    errors.length = 0;
    return res;
  }

  return { report, errors, expected, ok, T, loadCatalogue, until, h1, waitH1, tabTo, press, screen };
}
