/**
 * Broken intproxy links: a ProxyFailed answer, a dropped connection or a malformed frame make
 * the remote operations of the app fail with EIO (no hang, no crash) and the layer says why.
 */
import assert from "node:assert/strict";
import { FakeIntproxy } from "./fixture/fake_intproxy.ts";
import { runApp } from "./fixture/layer_app.ts";

const world = { files: { "/data/big.txt": "0123456789".repeat(10) } };

Deno.test("read() fails with EIO after the intproxy answers ProxyFailed", async () => {
  const peer = new FakeIntproxy(world);
  peer.failAfterFileRequests = 2; /* Open and one Read succeed */
  try {
    const r = await runApp(peer, "fs_read", ["open", "/data/big.txt"], { timeoutMs: 10_000 });
    assert.match(r.stdout, /^content: 0123456\n/);
    assert.match(r.stdout, /error: read EIO/);
    assert.match(
      r.stderr,
      /mirrord's internal proxy failed \(reported by the agent\): agent connection lost \(test\)/,
    );
  } finally {
    await peer.close();
  }
});

Deno.test("read() fails with EIO when the intproxy drops the connection", async () => {
  const peer = new FakeIntproxy(world);
  peer.dropAtFileRequest = 3;
  try {
    const r = await runApp(peer, "fs_read", ["open", "/data/big.txt"], { timeoutMs: 10_000 });
    assert.match(r.stdout, /error: read EIO/);
    assert.match(r.stderr, /Cannot reach mirrord's internal proxy: the connection was closed/);
  } finally {
    await peer.close();
  }
});

/* several threads keep writing after the drop: this also proves the layer never dies of SIGPIPE */
Deno.test("threads blocked on responses all fail with EIO when the link drops", async () => {
  const peer = new FakeIntproxy(world);
  peer.dropAtFileRequest = 10;
  try {
    const r = await runApp(peer, "fs_read", ["open", "/data/big.txt"], {
      mode: "threads",
      timeoutMs: 10_000,
    });
    assert.equal((r.stdout.match(/^\[t\d+ rc=\d\]$/gm) ?? []).length, 8, r.stdout + r.stderr);
    assert.match(r.stdout, /error: (read|open) EIO/);
  } finally {
    await peer.close();
  }
});

Deno.test("a malformed answer breaks the link: EIO, not a crash", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serve = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(4096);
    await conn.read(buf); /* NewSession */
    await conn.write(
      new Uint8Array([0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 1, 0xff, 0xff]),
    ); /* session 0, then junk for id 1 */
    await conn.read(buf).catch(() => null);
    await conn.read(buf).catch(() => null);
    conn.close();
  })();
  const fake = { address: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}` } as FakeIntproxy;
  const r = await runApp(fake, "fs_read", ["open", "/data/big.txt"], { timeoutMs: 10_000 });
  assert.match(r.stdout, /error: open EIO/);
  assert.equal(r.code, 1);
  await serve;
  listener.close();
});
