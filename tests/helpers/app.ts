/** Builds the real app on a fresh test database, for in-process `app.request()` tests. */
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { buildIslands } from "../../islands_runtime/build.ts";
import { freshDatabase, type TestDatabase } from "./db.ts";

let islandsBuilt: Promise<unknown> | undefined;

// Test bodies are whatever JSON the API returned; assertions check their shape.
// deno-lint-ignore no-explicit-any
type Any = any;

export interface TestApp {
  db: TestDatabase;
  app: ReturnType<typeof createApp>;
  dataDir: string;
  /** JSON request helper: returns status and parsed body. */
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Any }>;
  close(): Promise<void>;
}

export async function testApp(label: string, env: Record<string, string> = {}): Promise<TestApp> {
  // Pages with islands need the bundle (cached across runs when the sources are unchanged).
  islandsBuilt ??= buildIslands();
  await islandsBuilt;
  const db = await freshDatabase(label);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-data-" });
  const config = loadConfig({
    STUDIO_DATA_DIR: dataDir,
    IMAGE_PROVIDER: "simulated",
    VIDEO_PROVIDER: "simulated",
    ...env,
  });
  const app = createApp({ sql: db.sql, config } as Any);
  return {
    db,
    app,
    dataDir,
    async json(method, path, body) {
      const res = await app.request(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: Any = text;
      try {
        parsed = JSON.parse(text);
      } catch { /* not JSON */ }
      return { status: res.status, body: parsed };
    },
    async close() {
      await db.drop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
