/**
 * The agent's env and files features against a real pod, through the protocol facade.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { createPod } from "./harness/pod.ts";
import { startAgent } from "./harness/agent.ts";
import { AgentClient } from "./harness/agent_client.ts";
import { rootTest } from "./harness/root_only.ts";
import { PROTOCOL_VERSION } from "../../protocol-wasm/mod.ts";
import { OPEN_READ_ONLY as READ } from "./harness/agent_client.ts";

const TARGET_ENV = {
  APP_MODE: "pod",
  DB_HOST: "db.internal",
  DB_PASSWORD: "hunter2",
  PATH: "/usr/bin:/bin",
  HOME: "/root",
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

rootTest(
  "agent negotiates min(version), answers Ping and serves env with include/exclude",
  async () => {
    await using pod = await createPod({ env: TARGET_ENV });
    await using agent = await startAgent(pod);
    await using client = await AgentClient.connect(agent.address);
    deepEqual(await client.request({ SwitchProtocolVersion: "1.3.0" }), {
      SwitchProtocolVersionResponse: "1.3.0",
    });
    deepEqual(await client.request({ SwitchProtocolVersion: "99.0.0" }), {
      SwitchProtocolVersionResponse: PROTOCOL_VERSION,
    });
    equal(await client.request("Ping"), "Pong");

    const all = await client.request({
      GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: ["*"] },
    });
    const { PWD: _pwd, ...vars } = all.GetEnvVarsResponse.Ok;
    deepEqual(vars, { APP_MODE: "pod", DB_HOST: "db.internal", DB_PASSWORD: "hunter2" });

    const selected = await client.request({
      GetEnvVarsRequest: { env_vars_filter: ["*PASSWORD"], env_vars_select: ["DB_*", "PATH"] },
    });
    deepEqual(selected, { GetEnvVarsResponse: { Ok: { DB_HOST: "db.internal" } } });
  },
);

rootTest("agent reads, writes, stats and lists the target's files, never the host's", async () => {
  await using pod = await createPod({
    files: { "app/config.json": '{"pod":true}', "app/data/one.txt": "1" },
    hostname: "files-pod",
  });
  const hostOnly = await Deno.makeTempFile({ dir: "/tmp", prefix: "mrdts-host-only-" });
  await using agent = await startAgent(pod);
  await using client = await AgentClient.connect(agent.address);
  await client.negotiate();
  const file = async (request: unknown) => (await client.request({ FileRequest: request })).File;

  const opened = await file({ Open: { path: "/srv/app/config.json", open_options: READ } });
  const fd = opened.Open.Ok.fd;
  const read = await file({ Read: { remote_fd: fd, buffer_size: 1024n } });
  equal(text(read.Read.Ok.bytes), '{"pod":true}');
  equal(read.Read.Ok.read_amount, 12n);
  const stat = await file({ Xstat: { path: null, fd, follow_symlink: true } });
  equal(stat.Xstat.Ok.metadata.size, 12n);
  equal(await client.send({ FileRequest: { Close: { fd } } }), undefined);

  const hostname = await file({ Open: { path: "/etc/hostname", open_options: READ } });
  const name = await file({ Read: { remote_fd: hostname.Open.Ok.fd, buffer_size: 256n } });
  equal(text(name.Read.Ok.bytes), "files-pod\n");

  const missing = await file({ Open: { path: hostOnly, open_options: READ } });
  equal(missing.Open.Err.RemoteIO.raw_os_error, 2);
  equal(missing.Open.Err.RemoteIO.kind, "NotFound");
  const escape = await file({ Open: { path: "/../../../proc/1/environ", open_options: READ } });
  equal(escape.Open.Err.RemoteIO.raw_os_error, 2);

  const created = await file({
    Open: {
      path: "/srv/app/written.txt",
      open_options: { ...READ, write: true, create: true, truncate: true },
    },
  });
  const written = await file({
    Write: { fd: created.Open.Ok.fd, write_bytes: new TextEncoder().encode("remote write") },
  });
  equal(written.Write.Ok.written_amount, 12n);
  await client.send({ FileRequest: { Close: { fd: created.Open.Ok.fd } } });
  equal(
    await Deno.readTextFile(`/proc/${pod.targetPid}/root/srv/app/written.txt`),
    "remote write",
  );
  equal(await Deno.stat("/srv/app/written.txt").catch(() => "absent on host"), "absent on host");

  const dir = await file({ Open: { path: "/srv/app", open_options: READ } });
  const stream = await file({ FdOpenDir: { remote_fd: dir.Open.Ok.fd } });
  const batch = await file({ ReadDirBatch: { remote_fd: stream.OpenDir.Ok.fd, amount: 128n } });
  const names = batch.ReadDirBatch.Ok.dir_entries.map((e: { name: string }) => e.name).sort();
  deepEqual(names, [".", "..", "config.json", "data", "written.txt"]);
  await client.send({ FileRequest: { CloseDir: { remote_fd: stream.OpenDir.Ok.fd } } });

  // Close/CloseDir got no reply: the next reply belongs to the next request.
  const access = await file({ Access: { pathname: "/srv/app/config.json", mode: 4 } });
  deepEqual(access, { Access: { Ok: null } });
  const unknownFd = await file({ Read: { remote_fd: 999n, buffer_size: 1n } });
  deepEqual(unknownFd, { Read: { Err: { NotFound: 999n } } });
  ok(agent.output.some((line) => line.includes("entered its network namespace")));
  await Deno.remove(hostOnly);
});
