/**
 * Errors never print secrets: a DATABASE_URL that is not a URL, or that points at a server the
 * app cannot use, stops start-up with one line that shows the URL with its password masked; the
 * access token is never echoed either.
 */
import assert from "node:assert/strict";
import { fromFileUrl } from "../helpers/paths.ts";

const MAIN = fromFileUrl(new URL("../../main.ts", import.meta.url));
const PASSWORD = "hunter2-Secret";

async function start(env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--web-only"],
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/root", PORT: "0", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

Deno.test("a bad DATABASE_URL stops start-up with its password masked", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "studio-secrets-" });
  try {
    const cases: [url: string, expected: RegExp][] = [
      [
        `postgres://app:${PASSWORD}@[::1/db`,
        /DATABASE_URL="postgres:\/\/app:\*\*\*\*@\[::1\/db" is not valid: it is not a URL/,
      ],
      [`mysql://app:${PASSWORD}@db/app`, /DATABASE_URL="mysql:\/\/app:\*\*\*\*@db\/app" is not valid/],
      [`postgres://app:${PASSWORD}@127.0.0.1:1/db`, /Scene Studio could not start: .*ECONNREFUSED/],
      [`postgres://app:${encodeURIComponent(PASSWORD + "/@:")}@127.0.0.1:1/db`, /could not start/],
    ];
    for (const [url, expected] of cases) {
      const { code, output } = await start({ DATABASE_URL: url, STUDIO_DATA_DIR: dataDir });
      assert.equal(code, 1, output);
      assert.match(output, expected);
      assert.ok(!output.includes(PASSWORD), `the password leaked: ${output}`);
      assert.ok(!output.includes(encodeURIComponent(PASSWORD)), `the encoded password leaked: ${output}`);
      assert.equal(output.trim().split("\n").length, 1, `one line: ${output}`);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a token that is too short is refused without being printed", async () => {
  const { code, output } = await start({ STUDIO_TOKEN: "tooshort-secret", STUDIO_DATA_DIR: "/nonexistent" });
  assert.equal(code, 1);
  assert.match(output, /STUDIO_TOKEN \(value hidden\) is not valid: must be at least 16 characters/);
  assert.ok(!output.includes("tooshort-secret"));
});
