/** Plain-text tables for the terminal: columns padded to their widest cell. */

/**
 * Formats rows as aligned columns under a header line; "(none)" when there are no rows.
 *
 * @example table(["queue", "running"], [["images", 1]]) // "queue   running\nimages  1"
 */
export function table(header: string[], rows: unknown[][]): string {
  if (rows.length === 0) return "  (none)";
  const cells = [header, ...rows.map((r) => r.map(cell))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => "  " + r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (value instanceof Date) return value.toISOString().replace("T", " ").slice(0, 19);
  const text = String(value).replace(/\s+/g, " ");
  return text.length > 60 ? text.slice(0, 59) + "…" : text;
}
