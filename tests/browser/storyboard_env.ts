/**
 * A real Scene Studio for the storyboard browser tests: a fresh database, the real app with its
 * event hub on a Deno.serve port, and a real in-process worker with the simulated provider at short
 * durations. Plus small page helpers that wait on conditions (never on fixed sleeps).
 */
import type { Page } from "playwright-core";
import { createApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { EventHub } from "../../core/live/hub.ts";
import { buildIslands } from "../../islands_runtime/build.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";
import { makeProject, removeDataDir, startTestWorker, testConfig, type TestWorker } from "../helpers/worker.ts";

export interface Studio {
  db: TestDatabase;
  config: Config;
  hub: EventHub;
  worker: TestWorker;
  base: string;
  /** A project with `n` sentences; its id, sentence ids in order and storyboard URL. */
  project(n: number, title?: string): Promise<{ id: number; sentenceIds: number[]; url: string }>;
  /** JSON API call against the running server. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Closes the page's streams first (navigates away), then the worker, hub, server and database. */
  close(page?: Page): Promise<void>;
}

export interface StudioOptions {
  imageMs?: number;
  videoMs?: number;
  /** More settings, e.g. `{ VIDEO_PROVIDER: "draft" }` for full-size media. */
  env?: Record<string, string>;
}

export async function startStudio(label: string, options: StudioOptions = {}): Promise<Studio> {
  await buildIslands();
  const db = await freshDatabase(label);
  const config = await testConfig(db, {
    SIMULATED_IMAGE_MS: String(options.imageMs ?? 250),
    SIMULATED_VIDEO_MS: String(options.videoMs ?? 300),
    // Retries of transient failures are not what these tests are about.
    RETRY_BACKOFF_MS: "100",
    ...options.env,
  });
  const hub = new EventHub({ sql: db.sql, url: db.url, watchdogMs: 1000 });
  await hub.start();
  const app = createApp({ sql: db.sql, config, hub });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const worker = await startTestWorker(db, config);
  return {
    db,
    config,
    hub,
    worker,
    base,
    async project(n, title = "Browser test") {
      const { projectId, sentenceIds } = await makeProject(db.sql, n, { title });
      return { id: projectId, sentenceIds, url: `${base}/projects/${projectId}` };
    },
    async api(method, path, body) {
      const res = await fetch(base + path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : {} };
    },
    async close(page) {
      // An open EventSource would keep server.shutdown() waiting: leave the page first.
      await page?.goto("about:blank").catch(() => {});
      await worker.stop().catch(() => {});
      await hub.stop().catch(() => {});
      await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 5000))]);
      await db.drop().catch(() => {});
      await removeDataDir(config);
    },
  };
}

/** Opens a storyboard and waits until its islands are hydrated and its stream is open. */
export async function openStoryboard(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector("html[data-islands-ready]");
  await waitForStream(page);
}

/**
 * Brings every card onto the page: the storyboard renders its first chunks and loads the others as
 * they come into view (client/chunks.ts), so this scrolls to each placeholder until none is left.
 */
export async function loadAllCards(page: Page): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const placeholder = page.locator("[data-chunk-src]").first();
    if (await placeholder.count() === 0) return;
    await placeholder.scrollIntoViewIfNeeded().catch(() => {});
    await page.waitForTimeout(50);
  }
  throw new Error("The storyboard's placeholders did not all load.");
}

/**
 * Waits until the page's stream is open: the server has subscribed it, so nothing that happens
 * from here on can be missed (and nothing before was, thanks to the page's lastEventId).
 */
export async function waitForStream(page: Page): Promise<void> {
  await page.waitForSelector(".bulk-toolbar[data-connection=open]");
}

/** The main toolbar button's text. */
export function mainLabel(page: Page): Promise<string> {
  return page.locator("[data-testid=generate]").innerText();
}

/** Counts of `data-status` values of one part over all cards. */
export function partStatuses(page: Page, part: "image" | "video"): Promise<Record<string, number>> {
  return page.evaluate((part) => {
    const counts: Record<string, number> = {};
    for (const el of document.querySelectorAll(`.scene-card [data-part=${part}]`)) {
      const s = el.getAttribute("data-status") ?? "?";
      counts[s] = (counts[s] ?? 0) + 1;
    }
    return counts;
  }, part);
}

/** Records every text the main button shows, from now on (read with {@link recordedLabels}). */
export async function recordLabels(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __labels: string[] };
    w.__labels = [];
    const read = () => {
      const text = document.querySelector("[data-testid=generate]")?.textContent ?? "";
      if (w.__labels.at(-1) !== text) w.__labels.push(text);
    };
    read();
    new MutationObserver(read).observe(document.querySelector(".bulk-toolbar")!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

export function recordedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __labels: string[] }).__labels);
}

/** "Generating... (5/24)" → [5, 24]; null for other labels. */
export function parseLabel(label: string): [number, number] | null {
  const m = /^Generating\.\.\. \((\d+)\/(\d+)\)$/.exec(label.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Statuses of the project's scene parts in the database. */
export async function dbStatuses(
  db: TestDatabase,
  projectId: number,
): Promise<{ id: number; image: string; video: string }[]> {
  const rows = await db.sql<{ id: number; image: string; video: string }[]>`
    select id, image_status as image, video_status as video from scene_states
    where project_id = ${projectId} order by id`;
  return rows.map((r) => ({ id: r.id, image: r.image, video: r.video }));
}

/** The cards' statuses as the page shows them, by sentence id. */
export function pageStatuses(page: Page): Promise<{ id: number; image: string; video: string }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".scene-card")].map((card) => ({
      id: Number(card.dataset.sentenceId),
      image: card.querySelector("[data-part=image]")?.getAttribute("data-status") ?? "?",
      video: card.querySelector("[data-part=video]")?.getAttribute("data-status") ?? "?",
    })).sort((a, b) => a.id - b.id)
  );
}

/** What {@link recordSeen} watches for: name → a function run in the page after every DOM change. */
export type SeenChecks = Record<string, string>;

/**
 * Records, from now on, which of `checks` (JavaScript expressions evaluated in the page) were true
 * at any DOM change: fleeting states (a spinner, a Cancel button) are caught however fast the run
 * goes. Read with {@link seen}.
 */
export async function recordSeen(page: Page, checks: SeenChecks): Promise<void> {
  await page.evaluate((checks) => {
    const w = window as unknown as { __seen: Record<string, boolean> };
    w.__seen = {};
    const fns = Object.entries(checks).map(([name, expr]) => [name, new Function(`return (${expr});`)] as const);
    const run = () => {
      for (const [name, fn] of fns) if (!w.__seen[name] && fn()) w.__seen[name] = true;
    };
    run();
    new MutationObserver(run).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  }, checks);
}

export function seen(page: Page): Promise<Record<string, boolean>> {
  return page.evaluate(() => (window as unknown as { __seen: Record<string, boolean> }).__seen);
}
