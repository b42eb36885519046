import assert from "node:assert/strict";
import type { ClientMessage, FileRequest } from "../../protocol-wasm/mod.ts";
import { READ_ONLY, READ_WRITE } from "../_test/open_options.ts";
import { ScriptedAgent } from "../_test/scripted_agent.ts";
import { ScriptedLayer } from "../_test/scripted_layer.ts";
import { startSession } from "../_test/session_under_test.ts";

function fileRequest(message: ClientMessage): FileRequest | null {
  return typeof message === "object" && "FileRequest" in message ? message.FileRequest : null;
}

const isFile = (m: ClientMessage) => fileRequest(m) !== null;

/** Opens `path` through the session and answers with remote fd `fd`. */
async function open(
  layer: ScriptedLayer,
  agent: ScriptedAgent,
  fd: bigint,
  options = READ_ONLY,
): Promise<void> {
  const ask = layer.request({ File: { Open: { path: "/srv/data.txt", open_options: options } } });
  await agent.next(isFile);
  agent.send({ File: { Open: { Ok: { fd } } } });
  assert.deepEqual(await ask, { File: { Open: { Ok: { fd } } } });
}

const TEXT = new TextEncoder().encode("0123456789abcdefghij");

Deno.test("FilesProxy reads a read-only file ahead and serves later reads from the buffer", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  await open(layer, agent, 7n);

  const first = layer.request({ File: { Read: { remote_fd: 7n, buffer_size: 4n } } });
  assert.deepEqual(fileRequest(await agent.next()), {
    ReadLimited: { remote_fd: 7n, buffer_size: 128000n, start_from: 0n },
  });
  agent.send({ File: { ReadLimited: { Ok: { bytes: TEXT, read_amount: 20n } } } });
  assert.deepEqual(await first, {
    File: { Read: { Ok: { bytes: TEXT.subarray(0, 4), read_amount: 4n } } },
  });

  const second = await layer.request({ File: { Read: { remote_fd: 7n, buffer_size: 6n } } });
  assert.deepEqual(second, {
    File: { Read: { Ok: { bytes: TEXT.subarray(4, 10), read_amount: 6n } } },
  });

  // A relative seek becomes absolute, the position follows the agent's answer.
  const seek = layer.request({ File: { Seek: { fd: 7n, seek_from: { Current: -8n } } } });
  assert.deepEqual(fileRequest(await agent.next()), {
    Seek: { fd: 7n, seek_from: { Start: 2n } },
  });
  agent.send({ File: { Seek: { Ok: { result_offset: 2n } } } });
  assert.deepEqual(await seek, { File: { Seek: { Ok: { result_offset: 2n } } } });
  const third = await layer.request({ File: { Read: { remote_fd: 7n, buffer_size: 3n } } });
  assert.deepEqual(third, {
    File: { Read: { Ok: { bytes: TEXT.subarray(2, 5), read_amount: 3n } } },
  });
  assert.equal(agent.received.filter(isFile).length, 3, "open, one ReadLimited, one Seek");
});

Deno.test("FilesProxy answers a seek before the start with EINVAL without asking the agent", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  await open(layer, agent, 3n);
  const answer = await layer.request({ File: { Seek: { fd: 3n, seek_from: { Current: -1n } } } });
  assert.deepEqual(answer, {
    File: { Seek: { Err: { RemoteIO: { raw_os_error: 22, kind: "InvalidInput" } } } },
  });
});

Deno.test("FilesProxy forwards reads of files opened for writing unchanged", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  await open(layer, agent, 4n, READ_WRITE);
  const read = layer.request({ File: { Read: { remote_fd: 4n, buffer_size: 5n } } });
  assert.deepEqual(fileRequest(await agent.next()), {
    Read: { remote_fd: 4n, buffer_size: 5n },
  });
  agent.send({ File: { Read: { Ok: { bytes: TEXT.subarray(0, 5), read_amount: 5n } } } });
  assert.deepEqual(await read, {
    File: { Read: { Ok: { bytes: TEXT.subarray(0, 5), read_amount: 5n } } },
  });
});

Deno.test("FilesProxy keeps concurrent reads of one fd in order", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  await open(layer, agent, 9n);
  const a = layer.request({ File: { Read: { remote_fd: 9n, buffer_size: 5n } } });
  const b = layer.request({ File: { Read: { remote_fd: 9n, buffer_size: 5n } } });
  await agent.next(isFile);
  agent.send({ File: { ReadLimited: { Ok: { bytes: TEXT, read_amount: 20n } } } });
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual(ra, { File: { Read: { Ok: { bytes: TEXT.subarray(0, 5), read_amount: 5n } } } });
  assert.deepEqual(rb, {
    File: { Read: { Ok: { bytes: TEXT.subarray(5, 10), read_amount: 5n } } },
  });
});

Deno.test("FilesProxy closes a remote fd only when the last forked holder closes it", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using parent = await ScriptedLayer.connect(session.address);
  await open(parent, agent, 5n);
  await using child = await ScriptedLayer.connect(session.address, { parent: parent.id });
  await parent.send({ File: { Close: { fd: 5n } } });
  // Something after the close, so we know the close was processed.
  const probe = parent.request({ File: { Xstat: { path: "/x", fd: null, follow_symlink: true } } });
  assert.ok("Xstat" in fileRequest(await agent.next())!, "no Close went to the agent");
  agent.send({ File: { Xstat: { Err: { NotFound: 0n } } } });
  await probe;
  child.close();
  await child.closed;
  assert.deepEqual(fileRequest(await agent.next()), { Close: { fd: 5n } });
});

Deno.test("FilesProxy closes a layer's remote fds and dirs when it disconnects", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  const layer = await ScriptedLayer.connect(session.address);
  await open(layer, agent, 11n);
  const dir = layer.request({ File: { FdOpenDir: { remote_fd: 11n } } });
  await agent.next(isFile);
  agent.send({ File: { OpenDir: { Ok: { fd: 12n } } } });
  await dir;
  layer.close();
  await layer.closed;
  const closes = [fileRequest(await agent.next()), fileRequest(await agent.next())];
  assert.deepEqual(
    new Set(closes.map((c) => JSON.stringify(c, (_, v) => typeof v === "bigint" ? String(v) : v))),
    new Set([
      JSON.stringify({ Close: { fd: "11" } }),
      JSON.stringify({ CloseDir: { remote_fd: "12" } }),
    ]),
  );
});

Deno.test("FilesProxy turns ReadDir into cached ReadDirBatch requests", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const entry = (name: string, inode: bigint) => ({ inode, position: inode, name, file_type: 8 });
  const opened = layer.request({ File: { FdOpenDir: { remote_fd: 19n } } });
  await agent.next(isFile);
  agent.send({ File: { OpenDir: { Ok: { fd: 20n } } } });
  await opened;
  const first = layer.request({ File: { ReadDir: { remote_fd: 20n } } });
  assert.deepEqual(fileRequest(await agent.next()), {
    ReadDirBatch: { remote_fd: 20n, amount: 128n },
  });
  agent.send({
    File: { ReadDirBatch: { Ok: { fd: 20n, dir_entries: [entry("a", 1n), entry("b", 2n)] } } },
  });
  assert.deepEqual(await first, { File: { ReadDir: { Ok: { direntry: entry("a", 1n) } } } });
  assert.deepEqual(await layer.request({ File: { ReadDir: { remote_fd: 20n } } }), {
    File: { ReadDir: { Ok: { direntry: entry("b", 2n) } } },
  });
  const end = layer.request({ File: { ReadDir: { remote_fd: 20n } } });
  await agent.next(isFile);
  agent.send({ File: { ReadDirBatch: { Ok: { fd: 20n, dir_entries: [] } } } });
  assert.deepEqual(await end, { File: { ReadDir: { Ok: { direntry: null } } } });
});

Deno.test("FilesProxy forwards ReadDir one by one to an agent older than 1.9.0", async () => {
  await using agent = ScriptedAgent.start({ version: "1.8.0" });
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = layer.request({ File: { ReadDir: { remote_fd: 2n } } });
  assert.deepEqual(fileRequest(await agent.next()), { ReadDir: { remote_fd: 2n } });
  agent.send({ File: { ReadDir: { Ok: { direntry: null } } } });
  assert.deepEqual(await ask, { File: { ReadDir: { Ok: { direntry: null } } } });
});

Deno.test("FilesProxy answers requests an old agent lacks with mirrord's NotImplemented variants", async () => {
  await using agent = ScriptedAgent.start({ version: "1.12.0" });
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const cases: [FileRequest, string][] = [
    [{ Unlink: { pathname: "/a" } }, "RemoveDir"],
    [{ MakeDir: { pathname: "/a", mode: 0o755 } }, "MakeDir"],
    [{ Rename: { old_path: "/a", new_path: "/b" } }, "Rename"],
    [{ Ftruncate: { fd: 1n, length: 0n } }, "Rename"],
    [{ StatFsV2: { path: "/" } }, "XstatFs"],
  ];
  for (const [request, variant] of cases) {
    assert.deepEqual(await layer.request({ File: request }), {
      File: { [variant]: { Err: "NotImplemented" } },
    });
  }
  assert.equal(agent.received.filter(isFile).length, 0, "nothing went to the agent");
});

Deno.test("FilesProxy downgrades statfs V2 for an agent between 1.16 and 1.18 and converts the reply", async () => {
  await using agent = ScriptedAgent.start({ version: "1.17.0" });
  await using session = await startSession(agent);
  await using layer = await ScriptedLayer.connect(session.address);
  const ask = layer.request({ File: { StatFsV2: { path: "/data" } } });
  assert.deepEqual(fileRequest(await agent.next()), { StatFs: { path: "/data" } });
  const v1 = {
    filesystem_type: 61267n,
    block_size: 4096n,
    blocks: 10n,
    blocks_free: 5n,
    blocks_available: 4n,
    files: 100n,
    files_free: 50n,
  };
  agent.send({ File: { XstatFs: { Ok: { metadata: v1 } } } });
  assert.deepEqual(await ask, {
    File: {
      XstatFsV2: {
        Ok: {
          metadata: { ...v1, filesystem_id: [0, 0], name_len: 0n, fragment_size: 0n, flags: 0n },
        },
      },
    },
  });
});

Deno.test("FilesProxy closes an fd whose open completes after its layer left", async () => {
  await using agent = ScriptedAgent.start();
  await using session = await startSession(agent);
  const layer = await ScriptedLayer.connect(session.address);
  layer.request({ File: { Open: { path: "/srv/a", open_options: READ_ONLY } } }).catch(() => {});
  await agent.next(isFile);
  layer.close();
  await layer.closed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  agent.send({ File: { Open: { Ok: { fd: 30n } } } });
  assert.deepEqual(fileRequest(await agent.next()), { Close: { fd: 30n } });
});
