/**
 * The ComfyUI provider's settings, from environment variables (validated with zod; a bad value is
 * one sentence naming the variable):
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `COMFYUI_URL` | — | the ComfyUI server for images and videos |
 * | `COMFYUI_URLS` | — | several servers for images and videos, comma-separated (instead of `COMFYUI_URL`) |
 * | `COMFYUI_IMAGE_URL` / `COMFYUI_VIDEO_URL` | `COMFYUI_URL(S)` | a server, or comma-separated servers, for that part only |
 * | `COMFYUI_IMAGE_WORKFLOW` | `flux-schnell` | `flux-schnell`, `sdxl`, `z-image-turbo`, or a path to an API-format JSON |
 * | `COMFYUI_VIDEO_WORKFLOW` | `wan22-5b` | `wan22-5b`, `wan22-14b`, `wan22-14b-4step`, or a path |
 * | `COMFYUI_IMAGE_BINDINGS` / `COMFYUI_VIDEO_BINDINGS` | — | a binding-map JSON for a custom workflow |
 * | `COMFYUI_TIMEOUT_S` | `1800` | most seconds one image or clip may take, queue wait included |
 * | `COMFYUI_NEGATIVE_PROMPT` | the workflow's | negative prompt for every part |
 *
 * Custom workflow and binding files are read here, once, at start-up.
 */
import { z } from "zod";
import type { MediaKind } from "../types.ts";
import { parseEnvSettings } from "../env_settings.ts";
import { type BindingFile, parseBindingFile } from "./bindings.ts";
import { parseApiGraph } from "./graph.ts";
import { customWorkflow, presetWorkflow, type Workflow } from "./workflow.ts";
import { PRESET_NAMES } from "./workflows/presets.ts";

/** One part's server(s) and workflow. */
export interface ComfyUIPartSettings {
  /** The first (usually the only) server. */
  url: string;
  /** Every server of this part, `url` first; several spread the work (core/engine/gpu_servers.ts). */
  urls: string[];
  workflow: Workflow;
}

/** What {@link createComfyUIProvider} needs. A part is absent when no provider setting uses ComfyUI for it. */
export interface ComfyUISettings {
  image?: ComfyUIPartSettings;
  video?: ComfyUIPartSettings;
  /** Per-part limit, in seconds. */
  timeoutS: number;
  /** Replaces each workflow's own negative prompt when set. */
  negativePrompt?: string;
}

/** A setting the provider cannot use; the message is one sentence naming the variable. */
export class ComfyUISettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ComfyUISettingsError";
  }
}

const url = z.string().trim().refine((text) => {
  try {
    const parsed = new URL(text);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && !parsed.search && !parsed.hash;
  } catch {
    return false;
  }
}, "must be an http:// or https:// address such as http://gpu-box:8188").transform((text) => text.replace(/\/+$/, ""));

/** One server, or several separated by commas (no server twice). */
const urlList = z.string().transform((text, ctx) => {
  const urls: string[] = [];
  for (const item of text.split(",").map((part) => part.trim()).filter(Boolean)) {
    const parsed = url.safeParse(item);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(item)} ${parsed.error.issues[0].message}` });
      return z.NEVER;
    }
    if (urls.includes(parsed.data)) {
      ctx.addIssue({ code: "custom", message: `it lists ${parsed.data} twice` });
      return z.NEVER;
    }
    urls.push(parsed.data);
  }
  if (urls.length === 0) {
    ctx.addIssue({ code: "custom", message: "it lists no server; write e.g. http://gpu1:8188,http://gpu2:8188" });
    return z.NEVER;
  }
  return urls;
});

const schema = z.object({
  COMFYUI_URL: url.optional(),
  COMFYUI_URLS: urlList.optional(),
  COMFYUI_IMAGE_URL: urlList.optional(),
  COMFYUI_VIDEO_URL: urlList.optional(),
  COMFYUI_IMAGE_WORKFLOW: z.string().trim().min(1).default(PRESET_NAMES.image[0]),
  COMFYUI_VIDEO_WORKFLOW: z.string().trim().min(1).default(PRESET_NAMES.video[0]),
  COMFYUI_IMAGE_BINDINGS: z.string().trim().min(1).optional(),
  COMFYUI_VIDEO_BINDINGS: z.string().trim().min(1).optional(),
  COMFYUI_TIMEOUT_S: z.coerce.number().int().min(10).max(86_400).default(1800),
  COMFYUI_NEGATIVE_PROMPT: z.string().max(2000).optional(),
});

/** Reads files; replaceable in tests. */
export type ReadText = (path: string) => string;

/**
 * Parses the ComfyUI settings for the parts that use it (`use.image` when IMAGE_PROVIDER=comfyui,
 * `use.video` when VIDEO_PROVIDER=comfyui). Empty strings count as unset. Throws
 * {@link ComfyUISettingsError} with one sentence naming the variable.
 *
 * @example
 * const comfyui = loadComfyUISettings(Deno.env.toObject(), { image: true, video: true });
 * createProvider("comfyui", { comfyui });
 */
export function loadComfyUISettings(
  env: Record<string, string | undefined>,
  use: { image: boolean; video: boolean },
  readText: ReadText = Deno.readTextFileSync,
): ComfyUISettings {
  const e = parseEnvSettings(env, Object.keys(schema.shape), schema, ComfyUISettingsError);
  if (e.COMFYUI_URL && e.COMFYUI_URLS) {
    throw new ComfyUISettingsError(
      "The environment variables COMFYUI_URL and COMFYUI_URLS are both set: set COMFYUI_URL for one server or COMFYUI_URLS for several, not both.",
    );
  }
  const shared = e.COMFYUI_URLS ?? (e.COMFYUI_URL ? [e.COMFYUI_URL] : undefined);
  const part = (kind: MediaKind): ComfyUIPartSettings | undefined => {
    if (!use[kind]) return undefined;
    const upper = kind.toUpperCase() as "IMAGE" | "VIDEO";
    const servers = e[`COMFYUI_${upper}_URL`] ?? shared;
    if (!servers) {
      throw new ComfyUISettingsError(
        `The environment variable COMFYUI_URL is not set: ${upper}_PROVIDER=comfyui needs the address of a ComfyUI server, e.g. COMFYUI_URL=http://gpu-box:8188 (or COMFYUI_${upper}_URL for ${kind}s alone).`,
      );
    }
    return {
      url: servers[0],
      urls: servers,
      workflow: loadWorkflow(kind, e[`COMFYUI_${upper}_WORKFLOW`], e[`COMFYUI_${upper}_BINDINGS`], readText),
    };
  };
  return {
    image: part("image"),
    video: part("video"),
    timeoutS: e.COMFYUI_TIMEOUT_S,
    negativePrompt: e.COMFYUI_NEGATIVE_PROMPT,
  };
}

function loadWorkflow(kind: MediaKind, choice: string, bindingsPath: string | undefined, readText: ReadText): Workflow {
  const upper = kind.toUpperCase();
  const variable = `COMFYUI_${upper}_WORKFLOW`;
  const isPath = /\.json$/i.test(choice) || choice.includes("/") || choice.includes("\\");
  if (!isPath) {
    if (bindingsPath) {
      throw new ComfyUISettingsError(
        `The environment variable COMFYUI_${upper}_BINDINGS is set, but ${variable}=${choice} names a built-in workflow, which has its own bindings: unset one of them.`,
      );
    }
    try {
      return presetWorkflow(choice, kind);
    } catch (error) {
      throw new ComfyUISettingsError(
        `The environment variable ${variable}=${JSON.stringify(choice)} is not valid: ${(error as Error).message}.`,
      );
    }
  }
  const graph = readJson(variable, choice, readText, (json) => parseApiGraph(json, `The file ${choice}`));
  const file: BindingFile | undefined = bindingsPath
    ? readJson(`COMFYUI_${upper}_BINDINGS`, bindingsPath, readText, parseBindingFile)
    : undefined;
  return customWorkflow(kind, graph, file, `the workflow in ${fileName(choice)}`);
}

function readJson<T>(variable: string, path: string, readText: ReadText, parse: (json: unknown) => T): T {
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound ? "there is no such file" : (error as Error).message;
    throw new ComfyUISettingsError(`The environment variable ${variable}=${path} is not valid: ${reason}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ComfyUISettingsError(
      `The environment variable ${variable}=${path} is not valid: the file is not JSON (${(error as Error).message}).`,
    );
  }
  try {
    return parse(json);
  } catch (error) {
    throw new ComfyUISettingsError(
      `The environment variable ${variable}=${path} is not valid: ${(error as Error).message.replace(/\.$/, "")}.`,
    );
  }
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
