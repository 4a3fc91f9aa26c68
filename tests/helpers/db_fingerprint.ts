/**
 * A fingerprint of everything the app stores: an md5 per table of the `public` and
 * `graphile_worker` schemas over all its rows (as text, sorted), plus every sequence's last
 * value, so that "a rejected request changed nothing" is checked byte for byte, including ids
 * handed out and rolled back.
 */
import type { Sql } from "../../core/db/client.ts";

/** table or sequence → md5 of its contents. */
export type Fingerprint = Record<string, string>;

let cachedQuery: { sql: Sql; text: string } | undefined;

/** Reads the fingerprint (one query; the list of tables is read once per connection pool). */
export async function databaseFingerprint(sql: Sql): Promise<Fingerprint> {
  if (cachedQuery?.sql !== sql) {
    const tables = await sql<{ name: string }[]>`
      select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema in ('public', 'graphile_worker') and table_type = 'BASE TABLE' order by 1`;
    const sequences = await sql<{ name: string }[]>`
      select format('%I.%I', sequence_schema, sequence_name) as name from information_schema.sequences
      where sequence_schema in ('public', 'graphile_worker') order by 1`;
    const parts = [
      ...tables.map(({ name }) =>
        `select '${name}' as name, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as hash from ${name} t`
      ),
      ...sequences.map(({ name }) =>
        `select 'sequence ${name}', md5((select last_value::text || is_called::text from ${name}))`
      ),
    ];
    cachedQuery = { sql, text: parts.join("\nunion all\n") };
  }
  const rows = await sql.unsafe<{ name: string; hash: string }[]>(cachedQuery.text);
  return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
}

/** The tables whose contents differ between two fingerprints. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
