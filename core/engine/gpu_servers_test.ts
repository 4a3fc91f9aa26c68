import assert from "node:assert/strict";
import { assignServers, serverQueue, spreadOver } from "./gpu_servers.ts";

Deno.test("assignServers: one server or none keeps the kind's own queue; several alternate by load", () => {
  const cases: {
    name: string;
    kinds: ("image" | "video" | "audio")[];
    servers: Record<string, string[]>;
    load?: [string, number][];
    want: (string | null)[];
  }[] = [
    { name: "no servers", kinds: ["image", "video"], servers: {}, want: [null, null] },
    { name: "one server", kinds: ["image", "image"], servers: { image: ["a"] }, want: [null, null] },
    {
      name: "two idle servers alternate",
      kinds: ["image", "image", "image", "image"],
      servers: { image: ["a", "b"] },
      want: ["a", "b", "a", "b"],
    },
    {
      name: "the least-loaded server first",
      kinds: ["image", "image", "image"],
      servers: { image: ["a", "b"] },
      load: [["a", 2]],
      want: ["b", "b", "a"],
    },
    {
      name: "kinds share a server's load; audio is never spread",
      kinds: ["image", "video", "audio"],
      servers: { image: ["a", "b"], video: ["a", "b"] },
      want: ["a", "b", null],
    },
    {
      name: "a kind on one server, another on two",
      kinds: ["image", "video", "video"],
      servers: { image: ["a"], video: ["b", "c"] },
      want: [null, "b", "c"],
    },
  ];
  for (const c of cases) {
    const load = new Map(c.load ?? []);
    assert.deepEqual(assignServers(c.kinds, c.servers, load), c.want, c.name);
  }
});

Deno.test("serverQueue and spreadOver", () => {
  assert.equal(serverQueue("http://gpu1:8188"), "gpu:http://gpu1:8188");
  assert.equal(spreadOver(undefined, "image"), null);
  assert.equal(spreadOver({ image: ["a"] }, "image"), null);
  assert.deepEqual(spreadOver({ image: ["a", "b"] }, "image"), ["a", "b"]);
});
