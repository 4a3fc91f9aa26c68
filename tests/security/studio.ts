/**
 * The real app for the security tests: a fresh database, its own data folder, an event hub (so
 * the live-update route answers), settings from `env`. Requests go in process (`request`, with a
 * client address like Deno.serve gives) or over real HTTP (`serve`, behind the connection guard
 * as main.ts serves it).
 */
import { createApp } from "../../app.ts";
import { type Config, loadConfig } from "../../config.ts";
import { EventHub } from "../../core/live/hub.ts";
import { buildIslands } from "../../islands_runtime/build.ts";
import { type ConnectionGuard, startConnectionGuard } from "../../server/connection_guard.ts";
import { freshDatabase, type TestDatabase } from "../helpers/db.ts";

export const TOKEN = "test-token-0123456789abcdef";

export interface SecurityStudio {
  db: TestDatabase;
  config: Config;
  hub: EventHub;
  app: ReturnType<typeof createApp>;
  /** An in-process request from client address `client` (default 127.0.0.1). */
  request(path: string, init?: RequestInit, client?: string): Promise<Response>;
  /** Serves the app like main.ts (guard in front); returns the base URL. */
  serve(): { base: string; guard: ConnectionGuard };
  close(): Promise<void>;
}

let islandsBuilt: Promise<unknown> | undefined;

export async function securityStudio(label: string, env: Record<string, string> = {}): Promise<SecurityStudio> {
  islandsBuilt ??= buildIslands();
  await islandsBuilt;
  const db = await freshDatabase(label);
  const dataDir = await Deno.makeTempDir({ prefix: "studio-security-" });
  const config = loadConfig({
    STUDIO_DATA_DIR: dataDir,
    IMAGE_PROVIDER: "simulated",
    VIDEO_PROVIDER: "simulated",
    ...env,
  });
  const hub = new EventHub({ sql: db.sql, url: db.url, watchdogMs: 1000 });
  await hub.start();
  const app = createApp({ sql: db.sql, config, hub });
  const servers: { server: Deno.HttpServer; guard: ConnectionGuard }[] = [];
  return {
    db,
    config,
    hub,
    app,
    async request(path, init = {}, client = "127.0.0.1") {
      return await app.request(path, init, { remoteAddr: { hostname: client, port: 40000, transport: "tcp" } });
    },
    serve() {
      let guard: ConnectionGuard | undefined = undefined;
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req, info) => {
        return app.fetch(req, { remoteAddr: guard?.clientOf(info.remoteAddr) ?? info.remoteAddr });
      });
      guard = startConnectionGuard({
        hostname: "127.0.0.1",
        port: 0,
        upstreamPort: server.addr.port,
        headersTimeoutMs: config.headersTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        maxConnections: config.maxConnections,
        maxConnectionsPerClient: config.maxConnectionsPerClient,
      });
      servers.push({ server, guard });
      return { base: `http://127.0.0.1:${guard.addr.port}`, guard };
    },
    async close() {
      await hub.stop();
      for (const { server, guard } of servers) {
        guard.stopAccepting();
        guard.closeAll();
        await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 3000))]);
      }
      await db.drop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
