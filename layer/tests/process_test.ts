/**
 * fork, vfork, execve/execv/execvp/execl, posix_spawn/posix_spawnp: children get their own
 * session (a forked child with parent_layer, an exec'd image without), stay layered even with an
 * emptied environment, and skip_processes / skip_build_tools children only register.
 */
import assert from "node:assert/strict";
import { appPath, resolvedConfig, runApp, withPeer } from "./fixture/layer_app.ts";

const world = { files: { "/data/abc.txt": "abcdefghij" }, dirs: ["/data"] };

Deno.test("fork() child reads through an inherited remote fd over its own session", async () => {
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "proc", ["fork-read", "/data/abc.txt"]);
    assert.match(r.stdout, /parent read: abc/);
    assert.match(r.stdout, /child read: defghij/);
    assert.equal(peer.sessions.length, 2);
    assert.equal(peer.sessions[1].parent, 0);
    assert.equal(peer.sessions[1].pid !== peer.sessions[0].pid, true);
    assert.ok(peer.requests.some((q) => q.session === 1 && q.request.kind === "File.Read"));
  });
});

const execKinds: Array<[string, string]> = [
  ["vfork-exec", "vfork() + execv()"],
  ["fork-exec", "execvp()"],
  ["execl", "execl()"],
  ["execve-clean", "execve() with an empty environment"],
  ["posix_spawn", "posix_spawn()"],
  ["posix_spawnp", "posix_spawnp() with an empty environment"],
];

for (const [op, what] of execKinds) {
  Deno.test(`${what} keeps the child program layered`, async () => {
    const child = await appPath("fs_read");
    await withPeer(world, async (peer) => {
      const r = await runApp(peer, "proc", [op, child, "open", "/data/abc.txt"]);
      assert.match(r.stdout, /content: abcdefghij/, r.stdout + r.stderr);
      assert.match(r.stdout, /child exit 0/);
      const execd = peer.sessions.filter((s) => s.name === "fs_read");
      assert.equal(execd.length, 1, JSON.stringify(peer.sessions));
      assert.equal(execd[0].parent, null);
      assert.equal(execd[0].loaded, true);
    });
  });
}

Deno.test("vfork() child gets its own session with the parent's id", async () => {
  const child = await appPath("fs_read");
  await withPeer(world, async (peer) => {
    await runApp(peer, "proc", ["vfork-exec", child, "open", "/data/abc.txt"]);
    const forked = peer.sessions.filter((s) => s.name === "proc" && s.parent === 0);
    assert.equal(forked.length, 1, JSON.stringify(peer.sessions));
  });
});

Deno.test("a skip_processes child only registers (loaded=false) and works locally", async () => {
  const child = await appPath("fs_read");
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({}, { skip_processes: "fs_read" });
    const r = await runApp(peer, "proc", ["posix_spawn", child, "open", "/data/abc.txt"], {
      config,
    });
    assert.match(r.stdout, /error: open ENOENT/);
    const skipped = peer.sessions.find((s) => s.name === "fs_read");
    assert.equal(skipped?.loaded, false);
    assert.deepEqual(
      peer.requests.filter((q) => q.session === skipped?.layerId).map((q) => q.request.kind),
      ["NewSession"],
    );
  });
});

Deno.test("MIRRORD_SKIP_PROCESSES (;-separated) skips a child too", async () => {
  const child = await appPath("fs_read");
  await withPeer(world, async (peer) => {
    const r = await runApp(peer, "proc", ["posix_spawn", child, "open", "/data/abc.txt"], {
      env: { MIRRORD_SKIP_PROCESSES: "other;fs_read" },
    });
    assert.match(r.stdout, /error: open ENOENT/);
    assert.equal(peer.sessions.find((s) => s.name === "fs_read")?.loaded, false);
  });
});

Deno.test("a build tool (skip_build_tools) is skipped, unless skip_build_tools is false", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp" });
  try {
    await Deno.copyFile(await appPath("fs_read"), `${dir}/git`);
    await Deno.chmod(`${dir}/git`, 0o755);
    for (const [skip, loaded] of [[true, false], [false, true]] as const) {
      await withPeer(world, async (peer) => {
        const config = resolvedConfig({}, { skip_build_tools: skip });
        await runApp(peer, "proc", ["posix_spawn", `${dir}/git`, "open", "/data/abc.txt"], {
          config,
        });
        assert.equal(peer.sessions.find((s) => s.name === "git")?.loaded, loaded);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("execve() with exec hooks disabled passes the environment unchanged", async () => {
  const child = await appPath("fs_read");
  await withPeer(world, async (peer) => {
    const config = resolvedConfig({}, { experimental: { enable_exec_hooks_linux: false } });
    const r = await runApp(peer, "proc", ["execve-clean", child, "open", "/data/abc.txt"], {
      config,
    });
    assert.match(r.stdout, /error: open ENOENT/);
    assert.equal(peer.sessions.filter((s) => s.name === "fs_read").length, 0);
  });
});
