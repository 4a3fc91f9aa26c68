/**
 * Web Worker entry of the script splitting thread (script_import_thread.ts): splits each script
 * it is sent and posts back `{sections}` or `{error: {field, message}}`.
 */
/// <reference lib="deno.worker" />
import { InvalidInputError } from "./errors.ts";
import { type SplitOptions, splitScript } from "./script_import.ts";

self.onmessage = (event: MessageEvent<{ script: string; options: SplitOptions }>) => {
  try {
    self.postMessage({ sections: splitScript(event.data.script, event.data.options) });
  } catch (error) {
    const field = error instanceof InvalidInputError ? error.field : undefined;
    self.postMessage({ error: { field, message: error instanceof Error ? error.message : String(error) } });
  }
};
