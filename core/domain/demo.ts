/**
 * The demo project a newcomer sees on first start: 24 sentences in four sections, so the storyboard
 * has something to show (and to generate) before anyone has pasted a script.
 */
import type { Sql } from "../db/client.ts";
import { insertProject } from "./projects.ts";

export const DEMO_TITLE = "The Lighthouse Keeper (demo)";

export const DEMO_SCRIPT = `# The island
On a rocky island far from the coast stands a white lighthouse. Its keeper, Mara, has lived there for thirty years. Every evening she climbs the one hundred and twelve steps to light the lamp. Gulls circle the tower as the sun sinks into the sea. The supply boat comes only once a month. Mara keeps a logbook of every ship that passes.

# The storm
One autumn night, the barometer falls faster than she has ever seen. Black clouds roll in from the west, swallowing the stars. Waves crash over the rocks and spray the lantern room windows. At midnight the lamp flickers and goes dark. Mara climbs the tower with a lantern in one hand and tools in the other. Far out on the water, she sees the lights of a fishing boat.

# The repair
The wind howls through a cracked pane as she works. She replaces the burnt wick by the light of her lantern. Her fingers are numb, but she does not stop. With a hiss and a glow, the great lamp comes back to life. Its beam sweeps across the storm toward the little boat. The boat turns away from the rocks just in time.

# Morning
By dawn the storm has passed and the sea is calm. A small boat approaches the island's landing. The fishermen climb the path carrying bread, coffee and a bouquet of wild heather. They thank Mara for the light that brought them home. She writes one more line in her logbook and smiles. Then she climbs the steps to polish the lens for another night.
`;

/**
 * Creates the demo project once, the first time the app starts on an empty database. Safe when
 * several processes start together (advisory lock, and a marker so it is not recreated later).
 */
export async function ensureDemoProject(sql: Sql): Promise<number | null> {
  return await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(727002)`;
    const [flag] = await tx`select 1 from app_flags where name = 'demo_seeded'`;
    if (flag) return null;
    await tx`insert into app_flags (name) values ('demo_seeded')`;
    const [existing] = await tx`select 1 from projects limit 1`;
    if (existing) return null;
    const created = await insertProject(tx, { title: DEMO_TITLE, script: DEMO_SCRIPT });
    return created.id;
  });
}
