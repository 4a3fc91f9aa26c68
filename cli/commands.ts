/** The commands of `main.ts`, their flags and help (parsed by ./args.ts, run by ./run.ts). */
import type { CommandSpec } from "./args.ts";

const SERVER = ["port", "host", "data-dir", "database-url", "log-format", "log-level"] as const;
const DATABASE = ["data-dir", "database-url", "log-format", "log-level"] as const;

/** Every command, in the order the overview lists them. */
export const COMMANDS: CommandSpec[] = [
  {
    name: "serve",
    summary: "the web server and a worker in one process (the default)",
    usage: "",
    settings: [...SERVER],
    positionals: [0, 0],
    description:
      "Serves the studio and makes its images, videos, narration and exports, on the embedded Postgres\nin the data folder or the database at DATABASE_URL. Stops cleanly on Ctrl-C or SIGTERM.",
  },
  {
    name: "web",
    summary: "the web server alone (workers run elsewhere on the same database)",
    usage: "",
    settings: [...SERVER],
    positionals: [0, 0],
    description: "Serves pages, the API and live updates; queued work waits for a worker process.",
  },
  {
    name: "worker",
    summary: "a worker alone (also --worker-only)",
    usage: "",
    settings: [...DATABASE],
    positionals: [0, 0],
    description:
      "Takes image, video, narration and export jobs from the database. Several workers may share one\ndatabase; each named queue still runs one job at a time.",
  },
  {
    name: "migrate",
    summary: "bring the database up to date and exit",
    usage: "",
    settings: [...DATABASE],
    positionals: [0, 0],
    description: "Applies the migrations the database lacks (every server also does this when it starts).",
  },
  {
    name: "import",
    summary: "create a project from a script file",
    usage: "FILE",
    settings: [...DATABASE],
    flags: {
      title: { type: "string", help: "the project's title (default: the file's name)" },
      "aspect-ratio": { type: "string", help: '"16:9" (default) or "9:16"' },
    },
    positionals: [1, 1],
    description:
      "Splits the script in FILE (- reads standard input) into sections and scenes, as pasting it on the\nhome page does, and prints the new project's id and address.",
  },
  {
    name: "status",
    summary: "runs, queues and workers in the terminal",
    usage: "[PROJECT]",
    settings: [...DATABASE],
    flags: { json: { type: "boolean", help: "print one JSON object instead of tables" } },
    positionals: [0, 1],
    description:
      "Without PROJECT: workers, jobs per queue, active runs, recent failures and exports in flight.\nWith a project id: its runs, queued and running parts, failures and exports.",
  },
  {
    name: "export",
    summary: "render a project's MP4 and wait for it",
    usage: "PROJECT",
    settings: [...DATABASE],
    flags: {
      placeholders: { type: "boolean", help: "show scenes without an image or video as title cards" },
      "burn-in-captions": { type: "boolean", help: "draw the captions into the picture" },
      detach: { type: "boolean", help: "queue the export and exit without waiting" },
    },
    positionals: [1, 1],
    description:
      "Queues an export as the Export button does and waits while a worker renders it, then prints the\nMP4's path. Exits 1 when the export fails or cannot start (the line says why).",
  },
];
