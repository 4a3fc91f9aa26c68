/**
 * What a build of the islands bundle records about itself (the manifest of `buildIslands()`, the
 * one-file build's embedded copy), and the {@link IslandsBuild} that pages are rendered with, made
 * from it the same way wherever the record comes from.
 *
 * @module
 */
import { join } from "node:path";
import type { BuildFile, BuildIsland, IslandsBuild } from "./state.ts";

/** A build as recorded: its folder, entry, sizes, islands, files and chunks. */
export interface BundleRecord {
  /** The build's folder in the output directory (`islands-<hash>`), or null without islands. */
  dir: string | null;
  /** The entry's file name in that folder. */
  entry: string | null;
  hash: string | null;
  bytes: number;
  gzipBytes: number;
  islands: string[];
  /** Every file of the folder, with its size and static imports. */
  files: Record<string, BuildFile>;
  /** Each island's chunk and when it loads. */
  chunks: Record<string, BuildIsland>;
}

/**
 * The islands build that `record` describes, its folder in `outDir` served under `publicPath`.
 */
export function islandsBuildFrom(
  record: BundleRecord,
  outDir: string,
  publicPath: string,
  run: Pick<IslandsBuild, "cached" | "ms" | "components">,
): IslandsBuild {
  const { dir, entry } = record;
  const base = dir ? `${publicPath.replace(/\/$/, "")}/${dir}` : null;
  return {
    scriptPath: dir && entry ? join(outDir, dir, entry) : null,
    url: base && entry ? `${base}/${entry}` : null,
    baseUrl: base,
    bytes: record.bytes,
    gzipBytes: record.gzipBytes,
    islands: record.islands,
    hash: record.hash,
    files: record.files,
    entry,
    chunks: record.chunks,
    ...run,
  };
}
