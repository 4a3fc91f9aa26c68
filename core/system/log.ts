/**
 * The app's log: one line per message, as readable text (LOG_FORMAT=text, the default: the message
 * alone, as the app always printed it) or as one JSON object per line (LOG_FORMAT=json:
 * `{"level","time","msg"}` plus the ids of what the line is about — projectId, runId, sentenceId
 * (the scene), jobId, exportId …) for log collectors. Lines below LOG_LEVEL are dropped. Debug
 * and info go to stdout, warn and error to stderr.
 *
 * One process-wide logger ({@link log}), configured once at start-up ({@link configureLog}), so
 * that modules without a logger handed to them log the same way as those with one.
 */

/** Severity, lowest first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = typeof LOG_LEVELS[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = typeof LOG_FORMATS[number];

/** What a line is about: ids of the project, run, scene (sentence), job or export, and details. */
export interface LogFields {
  projectId?: number;
  runId?: number;
  sentenceId?: number;
  jobId?: string | number;
  exportId?: number;
  [key: string]: unknown;
}

/** Where lines go (stdout and stderr; tests may collect them). */
export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

/** A logger; {@link Logger.child} adds fields to every line it writes. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const encoder = new TextEncoder();
/** Writes whole lines synchronously, so lines of concurrent jobs never interleave. */
const STD_SINK: LogSink = {
  out: (line) => writeAll(Deno.stdout, encoder.encode(line + "\n")),
  err: (line) => writeAll(Deno.stderr, encoder.encode(line + "\n")),
};

function writeAll(target: { writeSync(p: Uint8Array): number }, bytes: Uint8Array) {
  let offset = 0;
  try {
    while (offset < bytes.length) offset += target.writeSync(bytes.subarray(offset));
  } catch {
    // A closed pipe (the terminal went away): nothing to log to.
  }
}

/** Settings of a logger. */
export interface LogOptions {
  format: LogFormat;
  level: LogLevel;
  sink?: LogSink;
}

/**
 * A logger writing `format` lines at `level` and above.
 *
 * @example
 * createLogger({ format: "json", level: "info" }).info("Job 7 started.", { jobId: 7, runId: 3 });
 * // {"level":"info","time":"2026-…","msg":"Job 7 started.","jobId":7,"runId":3}
 */
export function createLogger(options: LogOptions, base: LogFields = {}): Logger {
  const sink = options.sink ?? STD_SINK;
  const min = LOG_LEVELS.indexOf(options.level);
  const write = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const line = options.format === "json" ? jsonLine(level, msg, { ...base, ...fields }) : msg;
    if (level === "warn" || level === "error") sink.err(line);
    else sink.out(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

function jsonLine(level: LogLevel, msg: string, fields: LogFields): string {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === "level" || key === "time" || key === "msg") continue;
    extra[key] = value instanceof Error ? value.message : value;
  }
  return JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra });
}

let current: Logger = createLogger({ format: "text", level: "info" });

/** Sets the process-wide logger's format and level (main.ts, from LOG_FORMAT and LOG_LEVEL). */
export function configureLog(options: LogOptions): void {
  current = createLogger(options);
}

/** A logger that writes through whatever logger is current, with `base` fields. */
function delegate(base: LogFields): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => current[level](msg, { ...base, ...fields });
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => delegate({ ...base, ...fields }),
  };
}

/** The process-wide logger (text at info until {@link configureLog} runs). */
export const log: Logger = delegate({});

/** A `(line, fields?) => void` function at info level, for modules that take a plain log function. */
export const logLine = (line: string, fields?: LogFields): void => log.info(line, fields);
