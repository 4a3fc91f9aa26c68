/**
 * `main.ts import FILE [--title T]`: creates a project from a script file with the function
 * POST /api/v1/projects uses (core/domain/projects.ts), and prints its id and address.
 */
import { basename, extname } from "node:path";
import type { Config } from "../config.ts";
import { createProject } from "../core/domain/projects.ts";
import { InvalidInputError } from "../core/domain/errors.ts";
import { createProjectBody } from "../routes/api/schemas.ts";
import { stopScriptThread } from "../core/domain/script_import_thread.ts";
import { CommandError, withDatabase } from "./database.ts";

/** Reads `file` (`-` = standard input) and stores it as a new project; prints `Created project N …`. */
export async function importCommand(
  config: Config,
  file: string,
  options: { title?: string; aspectRatio?: string },
  out: (line: string) => void,
  log: (line: string) => void,
) {
  const script = await readScript(file);
  const title = options.title ?? (file === "-" ? "Imported script" : basename(file, extname(file)));
  // The API's own checks, with its messages ("title must not be empty" …).
  const body = createProjectBody.safeParse({ title, script, aspectRatio: options.aspectRatio });
  if (!body.success) {
    const issue = body.error.issues[0];
    throw new CommandError(`The project cannot be created: ${issue.message}.`);
  }
  const name = body.data.title;
  try {
    await withDatabase(config, log, async (sql) => {
      const created = await createProject(sql, body.data);
      const origin = `http://${config.host === "0.0.0.0" ? "127.0.0.1" : config.host}:${config.port}`;
      out(
        `Created project ${created.id} "${name}": ${created.sectionCount} section(s), ${created.sentenceCount} scene(s). Open ${
          config.publicOrigin ?? origin
        }/projects/${created.id}`,
      );
    });
  } catch (error) {
    if (error instanceof InvalidInputError) throw new CommandError(error.message);
    throw error;
  } finally {
    stopScriptThread();
  }
}

async function readScript(file: string): Promise<string> {
  try {
    if (file === "-") return await new Response(Deno.stdin.readable).text();
    return await Deno.readTextFile(file);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "there is no such file"
      : error instanceof TypeError
      ? "it is not UTF-8 text"
      : (error as Error).name;
    throw new CommandError(`The script file ${JSON.stringify(file)} cannot be read: ${why}.`);
  }
}
