/**
 * Island: the GPU server(s) behind this studio, in the storyboard header — reachable or not, the
 * GPU and its free memory, and how many prompts wait in its queue — from `GET /api/v1/status`,
 * refreshed every 15 s while the page is visible. Rendered only when a part is made on a server.
 */
import { useEffect, useState } from "preact/hooks";
import type { BackendStatus as Status } from "../providers/status.ts";

const REFRESH_MS = 15_000;

type Backends = Record<"image" | "video", Status>;

function gb(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** One line about one server: "GPU server http://gpu:8188: NVIDIA RTX 4090, 18.2 GB free, 2 waiting". */
export function describeBackend(label: string, s: Status): string {
  if (!s.reachable) return `${label}: ${s.message ?? "cannot be reached."}`;
  const parts = [
    s.gpu ? `${s.gpu.name}, ${gb(s.gpu.vramFree)} free of ${gb(s.gpu.vramTotal)}` : null,
    s.queue ? `${s.queue.running + s.queue.pending} in its queue` : null,
  ].filter(Boolean);
  return `${label} ${s.server ?? ""}: ${parts.join(", ") || "ready"}`.replace(/ :/, ":");
}

/** A status line that fetches itself: not needed before the page is interactive. */
export const hydration = "idle";

export default function BackendStatus() {
  const [backends, setBackends] = useState<Backends | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      if (document.visibilityState === "visible") {
        try {
          const res = await fetch("/api/v1/status");
          setBackends(((await res.json()) as { backends: Backends }).backends);
          setError(null);
        } catch {
          setError("Could not ask the server about the GPU.");
        }
      }
      timer = setTimeout(load, REFRESH_MS);
    };
    load();
    return () => clearTimeout(timer);
  }, []);
  if (error) return <p class="backend-status backend-down" role="status">{error}</p>;
  if (!backends) return <p class="backend-status muted" role="status">Checking the GPU server…</p>;
  const servers = (["image", "video"] as const).filter((k) => backends[k].server);
  const same = servers.length === 2 && backends.image.server === backends.video.server;
  const shown = same
    ? [["GPU server", backends.image] as const]
    : servers.map((k) => [k === "image" ? "Image server" : "Video server", backends[k]] as const);
  const down = shown.some(([, s]) => !s.reachable);
  return (
    <p class={`backend-status ${down ? "backend-down" : "backend-up"}`} role="status" data-testid="backend-status">
      {shown.map(([label, s]) => <span key={label}>{describeBackend(label, s)}</span>)}
    </p>
  );
}
