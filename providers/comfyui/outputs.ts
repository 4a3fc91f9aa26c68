/**
 * Finding the result file in a prompt's history: output dicts list files under `images` (SaveImage,
 * and core SaveVideo with `animated: [true]`), `gifs` (VHS_VideoCombine), `videos` or `audio`, next
 * to flags that are not files (FACTS.md §1.3). Only `type: "output"` files are results.
 */
import type { HistoryEntry, OutputFile } from "./client.ts";

/** Every file an output dict lists (`images`, `gifs`, `videos`, `audio`), skipping flags like `animated`. */
export function outputFiles(output: Record<string, unknown> | undefined): OutputFile[] {
  if (!output) return [];
  const files: OutputFile[] = [];
  for (const value of Object.values(output)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (item && typeof item === "object" && typeof (item as OutputFile).filename === "string") {
        const { filename, subfolder, type } = item as Partial<OutputFile>;
        files.push({
          filename: filename!,
          subfolder: typeof subfolder === "string" ? subfolder : "",
          type: type ?? "output",
        });
      }
    }
  }
  return files;
}

/** The output file to download: the output node's first `type: output` file of the right kind, else any. */
export function pickOutput(entry: HistoryEntry, outputNode: string, extension: string): OutputFile | undefined {
  const fits = (file: OutputFile) => file.type === "output" && file.filename.toLowerCase().endsWith(`.${extension}`);
  return outputFiles(entry.outputs[outputNode]).find(fits) ??
    Object.values(entry.outputs).flatMap((output) => outputFiles(output)).find(fits);
}
