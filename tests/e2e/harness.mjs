// Shared set-up for the end-to-end tests: a real `hailong serve` on 127.0.0.1 and Debian's
// Chromium with a fresh profile, driven by playwright-core. `cargo xtask test` sets
// HAILONG_BIN, HAILONG_DIST and CHROMIUM; every test closes what it opened in `finally`.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export const KIOSK = { width: 1280, height: 800 };
export const UPRIGHT = { width: 800, height: 1280 };
export const PHONE = { width: 390, height: 844 };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`cargo xtask test\``);
  return value;
}

/** The staff account every test server has, for the collector's staff API. */
export const STAFF_USER = { name: "can-bo-e2e", password: "mật khẩu kiểm thử" };

/** Signs in to the server's workspace (`/staff/may-chu`) as a person does: taps each field and
 *  types key by key; resolves once the workspace says who is signed in. */
export async function signInOnServer(page, url, name, password) {
  await page.goto(`${url}/staff/may-chu`);
  await page.locator("#account-name").tap();
  await page.keyboard.type(name);
  await page.locator("#account-password").tap();
  await page.keyboard.type(password);
  await page.locator(".sign-in-form button[type=submit]").tap();
  await page.locator(".signed-in").waitFor({ timeout: 15_000 });
}

/** Runs `hailong` with `args` and `input` on standard input; resolves to its standard output. */
export function hailong(args, input = "") {
  const run = spawnSync(required("HAILONG_BIN"), args, { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`hailong ${args.join(" ")} failed (${run.status}):\n${run.stderr}`);
  return run.stdout;
}

/** Starts `hailong serve` of `dist` (the built app by default) on `port` (0: any free port)
 *  with a database of its own (and the staff account STAFF_USER), and resolves once it is
 *  listening. */
export async function startServer({ port = 0, dist = required("HAILONG_DIST"), args = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "hailong-server-"));
  const db = join(dataDir, "hailong.db");
  hailong(["user", "add", STAFF_USER.name, "--db", db], `${STAFF_USER.password}\n`);
  const child = spawn(
    required("HAILONG_BIN"),
    ["serve", "--dist", dist, "--addr", `127.0.0.1:${port}`, "--db", db, ...args],
    // The server's structured log goes to a file, where a failing test can read it.
    { stdio: ["ignore", "pipe", openSync(join(dataDir, "server.log"), "w")] }
  );
  const url = await new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/serving (http:\/\/\S+?)\/? from/);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`hailong serve exited (${code}) before listening:\n${seen}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    }).then(() => rmSync(dataDir, { recursive: true, force: true }));
  return { url, port: Number(new URL(url).port), stop, db, dataDir };
}

/** A request to the collector's staff API, signed in as STAFF_USER. */
export async function staffFetch(server, path, init = {}) {
  const basic = Buffer.from(`${STAFF_USER.name}:${STAFF_USER.password}`).toString("base64");
  return fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Basic ${basic}` },
  });
}

/** The responses the server holds for the counter rating: a map from id to the rating given. */
export async function serverResponses(server) {
  const response = await staffFetch(server, "/api/v1/responses.csv?survey=danh-gia-tai-quay@2026.1&profile=rfc4180");
  if (response.status !== 200) throw new Error(`responses.csv: ${response.status} ${await response.text()}`);
  const lines = (await response.text()).trim().split(/\r?\n/);
  const header = lines.shift().split(",");
  const id = header.indexOf("response_id");
  const level = header.indexOf("muc-do-hai-long");
  return new Map(lines.filter(Boolean).map((line) => line.split(",")).map((cells) => [cells[id], cells[level]]));
}

/** Launches Chromium with a new, empty profile, or with `profile` (a folder kept from before). */
export async function launchBrowser({ viewport = KIOSK, profile: kept } = {}) {
  const profile = kept ?? mkdtempSync(join(tmpdir(), "hailong-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    // Kiosks and phones are touch screens: citizens' taps are touch events, and the browser
    // sends the click of a tap after them, as a finger would.
    hasTouch: true,
    acceptDownloads: true,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
  });
  const problems = [];
  const watch = (page) => {
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const close = async ({ keepProfile = false } = {}) => {
    await context.close().catch(() => {});
    if (!keepProfile) rmSync(profile, { recursive: true, force: true });
  };
  /** Kills every process of this browser with SIGKILL, as a power cut or a crash would;
   *  returns how many were killed. */
  const kill = () => {
    let killed = 0;
    for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      let command = "";
      try {
        command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        continue;
      }
      if (command.includes(profile)) {
        try {
          process.kill(Number(pid), "SIGKILL");
          killed += 1;
        } catch {}
      }
    }
    return killed;
  };
  return { context, problems, close, kill, profile };
}

/** Runs `body` with a fresh server, a browser with a new profile, and its first page, and
 *  closes both whatever happens (a failing test must not leave Chromium running). */
export async function withKiosk(body, { viewport } = {}) {
  const server = await startServer();
  const browser = await launchBrowser({ viewport });
  try {
    return await body({ server, browser, page: await firstPage(browser) });
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** The first page of the context, watched for errors. */
export async function firstPage(browser) {
  return browser.context.pages()[0] ?? (await browser.context.newPage());
}

/** Taps a rating level on the kiosk and waits for the thank-you, which appears only once the
 *  response is committed to IndexedDB. */
export async function rate(page, code) {
  await page.locator(`label.level[data-code="${code}"]`).tap();
  await page.locator(".thanks").waitFor({ timeout: 10_000 });
}

/** Taps a rating level, then moves past any follow-up questions without answering them (they
 *  are optional), until the thank-you shows. */
export async function rateAndFinish(page, code) {
  await page.locator(`label.level[data-code="${code}"]`).tap();
  for (let step = 0; step < 5; step++) {
    // Either the thank-you, or a question whose button can be pressed (not the brief moment
    // while the response is being stored, when buttons are disabled).
    await page.waitForFunction(() => {
      const next = document.querySelector("button.next");
      return document.querySelector(".thanks") || (next && !next.disabled);
    }, null, { timeout: 10_000 });
    if (await page.locator(".thanks").isVisible()) return;
    await page.locator("button.next").tap();
  }
  await page.locator(".thanks").waitFor({ timeout: 10_000 });
}

/** What the device's IndexedDB holds in each of the stores named: an object from the store's
 *  name to its values, as stored. */
export async function deviceStores(page, names) {
  return page.evaluate(
    (names) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("hailong");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction(names, "readonly");
          const all = (name) =>
            new Promise((done, fail) => {
              const request = transaction.objectStore(name).getAll();
              request.onsuccess = () => done([name, request.result]);
              request.onerror = () => fail(request.error);
            });
          Promise.all(names.map(all)).then((entries) => {
            db.close();
            resolve(Object.fromEntries(entries));
          }, reject);
        };
      }),
    names
  );
}

/** Every response record the device's IndexedDB holds, as stored. */
export async function storedResponses(page) {
  return (await deviceStores(page, ["responses"])).responses;
}

/** Taps the middle of `locator` with one finger, as `page.touchscreen.tap` does: the browser
 *  sends touchstart, touchend, then the click at whatever is under the finger by then. */
export async function fingerTap(page, locator) {
  // A citizen scrolls to what is below the fold before touching it.
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  if (!box) throw new Error(`nothing to tap: ${locator}`);
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
}

/** Certifies the period shown in the staff area: asks, reads the counts to be locked, ticks
 *  "certify early" where the period is still running, confirms, and waits for the check.
 *  Resolves to the counts the confirmation showed. */
export async function certifyPeriod(page) {
  await showSection(page, "chot-so-lieu");
  await page.locator("button.certify").click();
  const toLock = page.locator(".confirm-certify .to-lock");
  const counts = {
    responses: Number(await toLock.getAttribute("data-responses")),
    partial: Number(await toLock.getAttribute("data-partial")),
    misuse: Number(await toLock.getAttribute("data-misuse")),
  };
  if (await page.locator("#certify-early").count()) await page.locator("#certify-early").check();
  await page.locator("button.certify-confirm").click();
  await page.locator(".verified").waitFor();
  return counts;
}

/** Fills the kiosk's required unit and counter codes in the open settings form where they
 *  are still empty, as staff setting up a new kiosk must. */
export async function fillKioskCodes(page, { unit = "phuong-1", counter = "quay-1" } = {}) {
  if ((await page.locator("#unit-code").inputValue()) === "") await page.locator("#unit-code").fill(unit);
  if ((await page.locator("#counter-code").inputValue()) === "") await page.locator("#counter-code").fill(counter);
}

/** The PIN the tests choose for the staff area. */
export const TEST_PIN = "2468";

/** Opens the staff area at `url` (`…/staff`) on one of its sections (`ket-qua`, the results,
 *  unless another is named: `xuat`, `nhap`, `chot-so-lieu`, `dien-thoai`, `sao-luu`,
 *  `cai-dat`), choosing the PIN on a new kiosk or entering it. */
export async function openStaff(page, url, section = "ket-qua") {
  // A fresh load every time: from `/staff#…` another `#…` alone would not load the page again.
  await page.goto("about:blank");
  await page.goto(`${url}#${section}`);
  await page.locator("#pin").waitFor();
  await page.locator("#pin").fill(TEST_PIN);
  if (await page.locator("#pin-again").count()) await page.locator("#pin-again").fill(TEST_PIN);
  await page.locator(".pin-form button[type=submit]").click();
  await page.locator(`nav.sections a[href="#${section}"][aria-current=page]`).waitFor();
  if (section === "ket-qua") await page.locator(".summary .responses").waitFor();
}

/** Goes to another section of the open staff area, as staff do: by its link. */
export async function showSection(page, section) {
  await page.locator(`nav.sections a[href="#${section}"]`).click();
  await page.locator(`nav.sections a[href="#${section}"][aria-current=page]`).waitFor();
}

/** Counts per option of one question, as the staff page shows them, with the responses counted. */
export async function staffCounts(page, baseUrl, questionId = "muc-do-hai-long") {
  await openStaff(page, `${baseUrl}/staff`);
  const counts = {};
  for (const row of await page.locator(`table.tally[data-question="${questionId}"] tbody tr`).all()) {
    counts[await row.getAttribute("data-code")] = Number(await row.locator(".count").textContent());
  }
  counts._responses = Number(await page.locator(".summary .responses").textContent());
  return counts;
}

/** Waits until the service worker controls the page, so the app shell is cached. */
export async function waitForOfflineReady(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, {
    timeout: 20_000,
  });
}

/** Ticks the staff area's consent to files with citizens' words, and downloads the raw CSV of
 *  the period shown; resolves to the downloaded file's path. */
export async function downloadRaw(page) {
  await showSection(page, "xuat");
  await page.locator("#allow-text").check();
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.download-raw").click()]);
  return await download.path();
}

/** Imports files in the staff area and resolves to the report line of each. */
export async function importFiles(page, paths) {
  await showSection(page, "nhap");
  const before = await page.locator(".import-reports > li").count().catch(() => 0);
  await page.locator("#import-files").setInputFiles(paths);
  await page.waitForFunction(
    ([count]) => document.querySelectorAll(".import-reports > li").length === count && !document.querySelector(".import-progress"),
    [paths.length],
    { timeout: 60_000 }
  );
  void before;
  return await page.locator(".import-reports > li").all();
}

const RAW_HEADER =
  "response_id,survey_id,survey_version,submitted_at,channel,unit,counter,staff,field,device_id,misuse,partial,muc-do-hai-long,ly-do,ly-do.other,y-kien";

/** A raw CSV of `count` counter ratings (RFC 4180), seeded: spread over the fourth quarter of
 *  2026, four counters and three fields, about one in six not satisfied. */
export function seededRawCsv(count, { seed = 7, unit = "phuong-hong-bang" } = {}) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = [RAW_HEADER];
  const start = Date.parse("2026-10-01T08:00:00+07:00");
  const span = Date.parse("2026-11-20T17:00:00+07:00") - start;
  const fields = ["ho-tich", "dat-dai", "chung-thuc"];
  for (let n = 1; n <= count; n++) {
    const at = new Date(start + Math.floor(next() * span) + 7 * 3600_000).toISOString().replace(/\.\d+Z$/, "+07:00");
    const roll = next();
    const level = roll < 0.55 ? "rat-hai-long" : roll < 0.84 ? "hai-long" : "khong-hai-long";
    const reasons = level === "khong-hai-long" && next() < 0.7 ? "cho-lau" : "";
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
    const counter = `quay-${1 + Math.floor(next() * 4)}`;
    const field = fields[Math.floor(next() * fields.length)];
    lines.push(`${id},danh-gia-tai-quay,2026.1,${at},kiosk,${unit},${counter},,${field},,,0,${level},${reasons},,`);
  }
  return lines.join("\r\n") + "\r\n";
}

/** The font families the layout tests measure with, each installed by `cargo xtask test` from
 *  Debian's packages: DejaVu Sans, the widest common one (the only font of a bare Debian
 *  machine), and Roboto, what Android phones draw text with. */
export const LAYOUT_FONTS = ["DejaVu Sans", "Roboto"];

/** Draws every page `page` opens from now on in `family` alone, whatever the stylesheet asks
 *  for (a pairing code keeps its monospace). The sheet is a constructed one, which the app's
 *  content security policy allows, so nothing else about the page changes. */
export async function useFont(page, family) {
  await page.addInitScript((family) => {
    const apply = () => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`*:not(.pairing-code .code) { font-family: "${family}" !important; }`);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", apply);
    else apply();
  }, family);
}

/** The fonts the browser really drew the first text inside `selector` with: a layout measured
 *  in a font the machine lacks would measure its fallback, and prove nothing. */
export async function drawnFonts(page, selector) {
  const marked = await page.locator(selector).first().evaluate((element) => {
    // The first text that is drawn: hidden text is drawn in no font at all.
    const drawn = (node) => node.textContent.trim() && node.parentElement.getClientRects().length > 0 && getComputedStyle(node.parentElement).visibility === "visible";
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, (node) => (drawn(node) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP));
    const text = walker.nextNode();
    if (!text) return false;
    text.parentElement.setAttribute("data-drawn-fonts", "");
    return true;
  });
  if (!marked) throw new Error(`${selector} holds no text to measure`);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "[data-drawn-fonts]" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    return [...new Set(fonts.map((font) => font.familyName))];
  } finally {
    await cdp.detach();
  }
}

/** Sets the browser's default text size, as a phone's text scaling does (32 px is 200 %). */
export async function setTextSize(page, pixels) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Page.setFontSizes", { fontSizes: { standard: pixels } });
  } finally {
    await cdp.detach();
  }
}

/**
 * What is wrong with the layout of the page shown now, as a person would see it: the page
 * scrolls sideways; a box's text spills out of it (a word wider than its button, a label
 * running past its cell) where the box does not scroll; or two things one taps or reads
 * (links, buttons, fields, labels, headings) lie over each other.
 */
export async function layoutFaults(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return page.evaluate(() => {
    const faults = [];
    const describe = (element) => {
      const text = (element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50);
      return `${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? "." + element.className.trim().split(/\s+/).join(".") : ""} "${text}"`;
    };
    const shown = (element) => {
      const rect = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return rect.width > 0 && rect.height > 0 && style.visibility !== "hidden" && style.display !== "none";
    };
    const sideways = document.documentElement.scrollWidth - window.innerWidth;
    if (sideways > 0) faults.push(`the page scrolls ${sideways} px sideways`);
    // A box whose content is wider than it, where the box neither scrolls nor is a scroller's
    // content: the text runs out of it (or is cut, where it hides what overflows).
    for (const element of document.querySelectorAll("body *")) {
      if (!shown(element) || element.clientWidth === 0) continue;
      const style = getComputedStyle(element);
      if (style.display === "inline" || ["auto", "scroll"].includes(style.overflowX)) continue;
      if (["svg", "path", "g", "text", "rect", "line", "circle", "option", "select", "input", "textarea"].includes(element.tagName.toLowerCase())) continue;
      if (element.closest("svg")) continue;
      const spill = element.scrollWidth - element.clientWidth;
      if (spill <= 1) continue;
      // The inner part that reaches furthest out is what to mend; boxes around it spill only
      // because it does.
      const right = element.getBoundingClientRect().left + element.clientLeft + element.clientWidth;
      let culprit = null;
      for (const inner of element.querySelectorAll("*")) {
        const reach = inner.getBoundingClientRect().right;
        if (reach > right + 1 && (!culprit || reach > culprit.getBoundingClientRect().right)) culprit = inner;
      }
      const because = culprit && !culprit.contains(element) ? `, because of ${describe(culprit)}` : "";
      faults.push(`${describe(element)} spills ${spill} px out of its box${because}`);
    }
    // Things one taps or reads that lie over each other (one inside the other is not a fault).
    const things = [...document.querySelectorAll("a, button, input, select, textarea, label, h1, h2, h3, th")].filter(shown);
    for (let i = 0; i < things.length; i++) {
      for (let j = i + 1; j < things.length; j++) {
        const [a, b] = [things[i], things[j]];
        if (a.contains(b) || b.contains(a)) continue;
        if ((a.tagName === "LABEL" && a.control === b) || (b.tagName === "LABEL" && b.control === a)) continue;
        const [r, s] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const width = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        const height = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (width > 2 && height > 2) faults.push(`${describe(a)} and ${describe(b)} overlap by ${Math.round(width)}×${Math.round(height)} px`);
      }
    }
    return faults;
  });
}
