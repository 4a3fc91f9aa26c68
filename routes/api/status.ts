/**
 * `GET /api/v1/status`: the generation backends of this studio — for each part, the provider and,
 * for a server (ComfyUI), whether it is reachable, its GPU and free VRAM, and its queue.
 */
import { Hono } from "hono";
import { backendStatus } from "../../providers/status.ts";
import type { AppDeps } from "../deps.ts";
import { allowOnly } from "../http.ts";

export function statusApi({ providers }: AppDeps) {
  const api = new Hono();
  api.get(
    "/",
    async (c) => c.json({ backends: await backendStatus(providers!) }, 200, { "cache-control": "no-store" }),
  );
  allowOnly(api, [["/", "GET, HEAD"]]);
  return api;
}
