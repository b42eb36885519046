/** gethostname with feature.hostname. */
import assert from "node:assert/strict";
import { hookMatrix } from "./fixture/hook_matrix.ts";
import { resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/etc/hostname": "target-pod-7f\n" } };
const localName = Deno.hostname();

hookMatrix({
  symbol: "gethostname",
  app: "hostname",
  args: ["get"],
  fixture: { world },
  expect: [/^hostname: target-pod-7f$/m],
  requests: ["File.Open", "File.Read", "File.Close"],
  bypass: {
    args: ["get"],
    config: resolvedConfig({ hostname: false }),
    expect: [new RegExp(`^hostname: ${localName.replace(/\./g, "\\.")}$`, "m")],
  },
});

Deno.test("gethostname() reads the remote /etc/hostname once per process", async () => {
  await withPeer(world, async (peer) => {
    await runApp(peer, "hostname", ["get"], { mode: "threads" });
    assert.equal(peer.of("File.Open").length, 1);
    assert.equal(peer.of("File.Open")[0].path, "/etc/hostname");
  });
});

Deno.test("gethostname() with a too small buffer fails with ENAMETOOLONG", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "hostname", ["get", "4"]);
    assert.match(r.stdout, /error: gethostname ENAMETOOLONG/);
  });
});

Deno.test("gethostname() falls back to the local name when the target has no /etc/hostname", async () => {
  await withPeer({}, async (peer) => {
    const r = await runApp(peer, "hostname", ["get"]);
    assert.match(r.stdout, new RegExp(`hostname: ${localName.replace(/\./g, "\\.")}`));
  });
});
