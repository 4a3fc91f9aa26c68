import assert from "node:assert/strict";
import {
  describeListenAddress,
  hostnameOfHostHeader,
  isAllowedHostname,
  isLoopbackHost,
  parseHostList,
  parseOriginList,
  parsePublicUrl,
} from "./addresses.ts";

Deno.test("loopback hosts: only addresses this machine alone can reach", () => {
  const cases: [string, boolean][] = [
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.5", false],
    ["studio.lan", false],
    ["128.0.0.1", false],
  ];
  for (const [host, loopback] of cases) assert.equal(isLoopbackHost(host), loopback, host);
});

Deno.test("Host headers: IP addresses and localhost always, names only when listed", () => {
  const allowed = ["studio.lan"];
  const cases: [string, boolean][] = [
    ["localhost:8000", true],
    ["127.0.0.1:8000", true],
    ["192.168.1.5", true],
    ["[::1]:8000", true],
    ["studio.lan:8000", true],
    ["STUDIO.LAN", true],
    ["studio.lan.", true],
    ["evil.example", false],
    ["127.0.0.1.evil.example", false],
    ["localhost.evil.example", false],
  ];
  for (const [header, ok] of cases) {
    const hostname = hostnameOfHostHeader(header);
    assert.equal(hostname !== undefined && isAllowedHostname(hostname, allowed), ok, header);
  }
  for (const bad of ["a b", "user@host", "host/path", "host?x", ""]) {
    assert.equal(hostnameOfHostHeader(bad), undefined, bad);
  }
});

Deno.test("PUBLIC_URL, TRUSTED_ORIGINS and ALLOWED_HOSTS parse to origins and names, or say what is wrong", () => {
  assert.equal(parsePublicUrl("https://Studio.Example.com/"), "https://studio.example.com");
  assert.equal(parsePublicUrl(undefined), undefined);
  assert.throws(() => parsePublicUrl("https://studio.example.com/app"), /without a path/);
  assert.throws(() => parsePublicUrl("ftp://x"), /http/);
  assert.throws(() => parsePublicUrl("studio.example.com"), /not a URL/);
  assert.deepEqual(parseOriginList(" https://a.example , http://10.0.0.5:8000/ "), [
    "https://a.example",
    "http://10.0.0.5:8000",
  ]);
  assert.throws(() => parseOriginList("https://a.example/path"), /not an origin/);
  assert.deepEqual(parseHostList("studio.lan, NAS.local"), ["studio.lan", "nas.local"]);
  assert.throws(() => parseHostList("studio.lan:8000"), /without scheme or port/);
  assert.throws(() => parseHostList("https://studio.lan"), /not a host name/);
});

Deno.test("the start-up line shows the real listen address", () => {
  assert.equal(describeListenAddress("127.0.0.1", 8000, []), "127.0.0.1:8000 (http://127.0.0.1:8000/)");
  assert.equal(describeListenAddress("::1", 8000, []), "[::1]:8000 (http://[::1]:8000/)");
  assert.equal(
    describeListenAddress("0.0.0.0", 8000, ["192.168.1.5"]),
    "0.0.0.0:8000 (every network interface: http://localhost:8000/, http://192.168.1.5:8000/)",
  );
});
