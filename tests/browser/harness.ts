/**
 * Browser test harness: Debian's Chromium driven by playwright-core.
 *
 * ```ts
 * import { browserSuite } from "./harness.ts";
 * const suite = await browserSuite(); // finds or installs Chromium, once
 * suite.test("counter hydrates", async ({ page, screenshot }) => {
 *   await page.goto(url);
 *   await screenshot("counter"); // → test-artifacts/counter.png
 * });
 * ```
 *
 * - {@link ensureChromium} finds Chromium (`$CHROMIUM_PATH`, /usr/bin/chromium,
 *   /usr/bin/chromium-browser); if missing and running as root with apt-get, it
 *   runs `apt-get update && apt-get install -y chromium` (once per process).
 * - When Chromium is unavailable: under CI (`CI=true`) every browser test runs
 *   and FAILS with the reason; elsewhere they are registered with `ignore` and
 *   a loud banner says why (never silently).
 * - Each `suite.test` launches its own browser ({@link launchBrowser}: fresh
 *   throwaway profile, headless) with a fresh context and page, fails the test
 *   on uncaught page errors, `console.error` messages and dialogs (unless
 *   `allowPageErrors`), saves `test-artifacts/failed-<test>.png` on failure, and
 *   always closes the browser.
 * - Tear-down that changes the page (leaving it to close its streams, say) goes
 *   in `ctx.cleanup(fn)`, not in a `finally`: cleanups run after the failure
 *   screenshot, so the screenshot shows the page as the test left it.
 * - {@link saveScreenshot} writes PNGs under `test-artifacts/` (gitignored; set
 *   `TEST_ARTIFACTS_DIR` to move it). Look at them.
 *
 * @module
 */

import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from "playwright-core";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Chromium flags used for every launch. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage", // containers often have a tiny /dev/shm
];

/** Result of {@link ensureChromium}. */
export type ChromiumStatus =
  | { ok: true; path: string; installed: boolean }
  | { ok: false; reason: string };

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const APT_GET = "/usr/bin/apt-get";
const APT_TIMEOUT_MS = 10 * 60_000;

/** True under CI (`CI=true` or `CI=1`). */
export function isCI(): boolean {
  const ci = (Deno.env.get("CI") ?? "").toLowerCase();
  return ci === "true" || ci === "1";
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function findChromium(): Promise<string | null> {
  const fromEnv = Deno.env.get("CHROMIUM_PATH");
  for (const path of fromEnv ? [fromEnv, ...CANDIDATES] : CANDIDATES) {
    if (await isExecutable(path)) return path;
  }
  return null;
}

async function apt(args: string[]): Promise<{ ok: boolean; output: string }> {
  const result = await new Deno.Command(APT_GET, {
    args,
    env: { DEBIAN_FRONTEND: "noninteractive" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(APT_TIMEOUT_MS),
  }).output();
  const decoder = new TextDecoder();
  return {
    ok: result.success,
    output: (decoder.decode(result.stdout) + decoder.decode(result.stderr))
      .trim().split("\n").slice(-15).join("\n"),
  };
}

async function findOrInstall(): Promise<ChromiumStatus> {
  const found = await findChromium();
  if (found) return { ok: true, path: found, installed: false };
  if (Deno.build.os !== "linux") {
    return {
      ok: false,
      reason: `no Chromium found (${CANDIDATES.join(", ")}, $CHROMIUM_PATH) and ` +
        `automatic install only works on Debian/Ubuntu`,
    };
  }
  if (Deno.uid() !== 0) {
    return {
      ok: false,
      reason: "no Chromium at /usr/bin/chromium and not running as root: " +
        "run `sudo apt-get install -y chromium` or set CHROMIUM_PATH",
    };
  }
  if (!await isExecutable(APT_GET)) {
    return {
      ok: false,
      reason: "no Chromium at /usr/bin/chromium and no apt-get to install it: " +
        "install Chromium or set CHROMIUM_PATH",
    };
  }
  console.warn(
    "[browser tests] Chromium missing: running apt-get update && apt-get install -y chromium",
  );
  try {
    const update = await apt(["update"]);
    if (!update.ok) {
      return { ok: false, reason: `apt-get update failed:\n${update.output}` };
    }
    const install = await apt([
      "install",
      "-y",
      "-o",
      "DPkg::Lock::Timeout=300",
      "chromium",
    ]);
    if (!install.ok) {
      return {
        ok: false,
        reason: `apt-get install -y chromium failed:\n${install.output}`,
      };
    }
  } catch (error) {
    return { ok: false, reason: `installing Chromium failed: ${error}` };
  }
  const path = await findChromium();
  return path ? { ok: true, path, installed: true } : {
    ok: false,
    reason: "apt-get installed chromium but no binary is at /usr/bin/chromium",
  };
}

let ensuring: Promise<ChromiumStatus> | null = null;

/**
 * Returns Chromium's path, installing it with apt-get (as root) if missing.
 * Runs at most once per process.
 */
export function ensureChromium(): Promise<ChromiumStatus> {
  ensuring ??= findOrInstall();
  return ensuring;
}

/**
 * Launches headless Chromium with {@link CHROMIUM_FLAGS}. Playwright gives
 * every launch a fresh temporary user-data dir, deleted on `browser.close()`.
 * Throws if Chromium is unavailable.
 */
export async function launchBrowser(
  options: Omit<LaunchOptions, "executablePath"> = {},
): Promise<Browser> {
  const status = await ensureChromium();
  if (!status.ok) throw new Error(`Chromium unavailable: ${status.reason}`);
  return await chromium.launch({
    headless: true,
    timeout: 30_000,
    ...options,
    executablePath: status.path,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}

/** Directory for screenshots and other test artifacts (gitignored). */
export function artifactsDir(): string {
  return resolve(
    Deno.env.get("TEST_ARTIFACTS_DIR") ??
      fileURLToPath(new URL("../../test-artifacts", import.meta.url)),
  );
}

/** Saves a full-page PNG as `test-artifacts/<name>.png`; returns the path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir = artifactsDir();
  await Deno.mkdir(dir, { recursive: true });
  const file = join(
    dir,
    `${name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "screenshot"}.png`,
  );
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What a browser test receives. */
export interface BrowserTestContext {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, console errors and dialogs seen so far. */
  pageErrors: string[];
  /** {@link saveScreenshot} of `page`. */
  screenshot(name: string): Promise<string>;
  /**
   * Runs `fn` when the test ends, after the failure screenshot (last registered, first run). A
   * cleanup that fails fails a test that passed; after a failure it is only logged.
   */
  cleanup(fn: () => Promise<unknown> | unknown): void;
  /** The Deno test context (for steps). */
  t: Deno.TestContext;
}

/** Options of one browser test. */
export interface BrowserTestOptions {
  /** Do not fail on page errors / console errors / dialogs. */
  allowPageErrors?: boolean;
  /** Whole-test timeout (default 60 s). */
  timeoutMs?: number;
  /** Default timeout of Playwright actions and waits (default 10 s). */
  actionTimeoutMs?: number;
}

/** Registers browser tests; see {@link browserSuite}. */
export interface BrowserSuite {
  status: ChromiumStatus;
  /** True when tests will be skipped (Chromium unavailable, not CI). */
  skipped: boolean;
  test(
    name: string,
    fn: (ctx: BrowserTestContext) => Promise<void>,
    options?: BrowserTestOptions,
  ): void;
}

let bannerShown = false;

function banner(reason: string) {
  if (bannerShown) return;
  bannerShown = true;
  const line = "!".repeat(78);
  console.warn(
    `\n${line}\n!! BROWSER TESTS SKIPPED: Chromium is not available.\n!! ${
      reason.replaceAll("\n", "\n!! ")
    }\n!! (Under CI=true these tests fail instead.)\n${line}\n`,
  );
}

/**
 * Prepares browser tests in a test module (top-level `await`): ensures
 * Chromium, then returns `test()` which registers a `Deno.test` that is
 * ignored (with a banner) or failed (under CI) when Chromium is unavailable.
 */
export async function browserSuite(): Promise<BrowserSuite> {
  const status = await ensureChromium();
  const skipped = !status.ok && !isCI();
  if (!status.ok && skipped) banner(status.reason);
  return {
    status,
    skipped,
    test(name, fn, options = {}) {
      Deno.test({
        name,
        ignore: skipped,
        // playwright keeps timers and pipes across awaits it does not own.
        sanitizeOps: false,
        sanitizeResources: false,
        fn: async (t) => {
          if (!status.ok) {
            throw new Error(
              `Chromium unavailable under CI: ${status.reason}`,
            );
          }
          await runBrowserTest(name, t, fn, options);
        },
      });
    },
  };
}

async function runBrowserTest(
  name: string,
  t: Deno.TestContext,
  fn: (ctx: BrowserTestContext) => Promise<void>,
  options: BrowserTestOptions,
) {
  const browser = await launchBrowser();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let failed = false;
  let cleanupError: unknown;
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(options.actionTimeoutMs ?? 10_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // Chromium asks for /favicon.ico by itself; its 404 is not the app's error.
      if (/^[a-z]+:\/\/[^/]+\/favicon\.ico$/.test(message.location().url)) return;
      pageErrors.push(`console.error: ${message.text()}`);
    });
    page.on("dialog", (dialog) => {
      pageErrors.push(`dialog (${dialog.type()}): ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
    const ctx: BrowserTestContext = {
      browser,
      context,
      page,
      pageErrors,
      screenshot: (shot) => saveScreenshot(page, shot),
      cleanup: (fn) => void cleanups.push(fn),
      t,
    };
    const timeoutMs = options.timeoutMs ?? 60_000;
    try {
      await Promise.race([
        fn(ctx),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`browser test timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      if (!options.allowPageErrors && pageErrors.length > 0) {
        throw new Error(`errors in the page:\n${pageErrors.join("\n")}`);
      }
    } catch (error) {
      failed = true;
      try {
        const shot = await saveScreenshot(page, `failed-${name}`);
        console.error(`[browser tests] screenshot of the failure: ${shot}`);
      } catch {
        // the page may be gone; the original error matters more
      }
      throw error;
    }
  } finally {
    clearTimeout(timer);
    cleanupError = await runCleanups(cleanups, failed);
    await browser.close().catch(() => {});
  }
  if (cleanupError) throw cleanupError; // the test itself passed
}

/** Runs `cleanups` last first; returns the first error when the test passed (else logs them). */
async function runCleanups(cleanups: (() => Promise<unknown> | unknown)[], failed: boolean): Promise<unknown> {
  let first: unknown;
  for (const fn of [...cleanups].reverse()) {
    try {
      await fn();
    } catch (error) {
      if (failed) console.error("[browser tests] a cleanup failed after the test had failed:", error);
      else first ??= error;
    }
  }
  return first;
}
