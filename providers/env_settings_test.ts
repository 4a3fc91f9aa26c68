import assert from "node:assert/strict";
import { z } from "zod";
import { httpUrlSetting, parseEnvSettings } from "./env_settings.ts";

class DemoSettingsError extends Error {}

const NAMES = ["DEMO_URL", "DEMO_API_KEY", "DEMO_COUNT"] as const;
const schema = z.object({
  DEMO_URL: httpUrlSetting("http://127.0.0.1:9/v1").optional(),
  DEMO_API_KEY: z.string().min(8).optional(),
  DEMO_COUNT: z.coerce.number().int().min(1).default(3),
});
const parse = (env: Record<string, string | undefined>) => parseEnvSettings(env, NAMES, schema, DemoSettingsError);

Deno.test("parseEnvSettings reads only the named variables, empty ones as unset", () => {
  const cases: [Record<string, string | undefined>, z.output<typeof schema>][] = [
    [{}, { DEMO_COUNT: 3 }],
    [{ DEMO_COUNT: "", DEMO_URL: "" }, { DEMO_COUNT: 3 }],
    [{ DEMO_COUNT: "7", OTHER: "x" }, { DEMO_COUNT: 7 }],
    [{ DEMO_URL: "https://gpu.local/v1", DEMO_API_KEY: "s3cretkey" }, {
      DEMO_URL: "https://gpu.local/v1",
      DEMO_API_KEY: "s3cretkey",
      DEMO_COUNT: 3,
    }],
  ];
  for (const [env, expected] of cases) assert.deepEqual(parse(env), expected, JSON.stringify(env));
});

Deno.test("parseEnvSettings throws one sentence naming the variable, hiding API keys", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { DEMO_URL: "localhost:9" },
      'The environment variable DEMO_URL="localhost:9" is not valid: must be an http:// or https:// URL, e.g. http://127.0.0.1:9/v1.',
    ],
    [{ DEMO_URL: "ftp://x" }, 'The environment variable DEMO_URL="ftp://x" is not valid: must be an http://'],
    [{ DEMO_API_KEY: "short" }, "The environment variable DEMO_API_KEY=(hidden) is not valid: "],
    [{ DEMO_COUNT: "0" }, 'The environment variable DEMO_COUNT="0" is not valid: '],
  ];
  for (const [env, start] of cases) {
    assert.throws(() => parse(env), (e) => {
      assert.ok(e instanceof DemoSettingsError, String(e));
      assert.ok(e.message.startsWith(start), e.message);
      assert.ok(!e.message.includes("short"), "the key's value is not shown");
      return true;
    });
  }
});
