/**
 * Reading `/object_info` input specs (pure). Legacy (V1) nodes describe a combo as
 * `[["a.safetensors", "b.safetensors"], {…}]`; V3 nodes as `["COMBO", {"options": [...], …}]`
 * (FACTS.md §1.8); other inputs are `["INT", {min, max, …}]`, `["STRING", {…}]`, `["MODEL"]`, ….
 */
import type { NodeInfo } from "./client.ts";

/** The spec of input `name` of a node class (required, then optional), or `undefined`. */
export function inputSpec(info: NodeInfo, name: string): unknown[] | undefined {
  const spec = info.input?.required?.[name] ?? info.input?.optional?.[name];
  return Array.isArray(spec) ? spec : undefined;
}

/** The options of a combo input spec, in both formats; `undefined` for other inputs. */
export function comboOptions(spec: unknown[] | undefined): string[] | undefined {
  if (!spec) return undefined;
  if (Array.isArray(spec[0])) return spec[0].map(String);
  if (spec[0] === "COMBO") {
    const options = (spec[1] as { options?: unknown } | undefined)?.options;
    return Array.isArray(options) ? options.map(String) : [];
  }
  return undefined;
}
