/**
 * Reading a provider's settings from environment variables, the way the narration
 * (./audio/settings.ts) and prompt writer (./prompts/settings.ts) settings do it: only the module's
 * own variables are read, an empty string counts as unset, a zod schema validates them, and the first
 * problem becomes one sentence naming the variable, with the values of `…_KEY` variables hidden.
 */
import { z } from "zod";

/**
 * A zod string that must be an http:// or https:// URL; the message shows `example`.
 *
 * @example
 * z.object({ TTS_API_URL: httpUrlSetting("http://127.0.0.1:8880/v1").optional() })
 */
export function httpUrlSetting(example: string) {
  return z.string().refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be an http:// or https:// URL, e.g. ${example}`);
}

/**
 * Validates the `names` that are set (not empty) in `env` with `schema`. Throws `new SettingsError(message)`
 * for the first problem: "The environment variable NAME="value" is not valid: <zod's message>.", the value
 * shown as `(hidden)` for names ending in KEY (API keys).
 *
 * @example
 * const e = parseEnvSettings(env, AUDIO_SETTING_VARIABLES, schema, AudioSettingsError);
 */
export function parseEnvSettings<S extends z.ZodObject>(
  env: Record<string, string | undefined>,
  names: readonly string[],
  schema: S,
  SettingsError: new (message: string) => Error,
): z.output<S> {
  const present = Object.fromEntries(
    names.filter((name) => env[name] !== undefined && env[name] !== "").map((name) => [name, env[name]]),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    const shown = /KEY$/.test(name) ? "(hidden)" : JSON.stringify(present[name]);
    throw new SettingsError(`The environment variable ${name}=${shown} is not valid: ${issue.message}.`);
  }
  return parsed.data;
}
