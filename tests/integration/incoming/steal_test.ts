/**
 * `mirrord exec` with incoming steal, end to end: a python3 or node HTTP server under the layer
 * answers requests sent to the pod (the pod's own server no longer sees them), sees the remote
 * client as its peer, and port_mapping / listen_ports / ignore_ports behave as configured.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createPod } from "../harness/pod.ts";
import { execTest } from "../exec/run_exec.ts";
import { appCommand, curl, incoming, podServer, type Runtime, startApp } from "./local_apps.ts";

for (const runtime of ["python3", "node"] as Runtime[]) {
  execTest(`steal: a ${runtime} server under the layer answers the pod's requests`, async () => {
    await using pod = await createPod();
    await podServer(pod, 8080);
    assert.match(await curl(`http://${pod.podIp}:8080/before`), /^pod GET \/before/);
    await using app = await startApp(pod, appCommand(runtime, 8080), {
      config: incoming({ mode: "steal" }),
    });
    const tag = runtime === "node" ? "node" : "python";
    // getpeername in the app: the remote client's own address (curl prints the port it used)
    const out = await curl(
      "-d",
      "payload",
      "-w",
      "\n%{local_ip}:%{local_port}",
      `http://${pod.podIp}:8080/stolen?q=1`,
    );
    const [answer, client] = out.split("\n");
    assert.equal(answer, `local ${tag} POST /stolen?q=1 peer=${client} body=payload`);
    assert.ok(client.startsWith(`${pod.hostIp}:`), client);
    assert.equal(
      await app.line(),
      answer.replace(/^local \w+ /, "request ").replace(/ body=.*$/, ""),
    );
  });
}

execTest("steal: port_mapping sends a remote port to another local port", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using _app = await startApp(pod, appCommand("python3", 9090), {
    config: incoming({ mode: "steal", port_mapping: [[9090, 8080]] }),
  });
  assert.match(await curl(`http://${pod.podIp}:8080/mapped`), /^local python GET \/mapped /);
});

execTest("steal: listen_ports makes the app really listen on another local port", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using _app = await startApp(pod, appCommand("node", 8080), {
    config: incoming({ mode: "steal", listen_ports: [[8080, 18080]] }),
  });
  assert.match(await curl(`http://${pod.podIp}:8080/remote`), /^local node GET \/remote /);
  assert.match(
    await curl("http://127.0.0.1:18080/local"),
    /^local node GET \/local peer=127\.0\.0\.1:/,
  );
});

execTest("steal: ignore_ports stay with the pod", async () => {
  // A port no other test's local app uses: the app binds it on the host exactly as asked.
  await using pod = await createPod();
  await podServer(pod, 8095);
  await using _app = await startApp(pod, appCommand("python3", 8095), {
    config: incoming({ mode: "steal", ignore_ports: [8095] }),
  });
  assert.match(await curl(`http://${pod.podIp}:8095/ignored`), /^pod GET \/ignored/);
  assert.match(await curl("http://127.0.0.1:8095/local"), /^local python GET \/local /);
});

execTest("steal: large bodies stream both ways through the chain intact", async () => {
  await using pod = await createPod();
  await podServer(pod, 8080);
  await using _app = await startApp(pod, appCommand("node", 8080), {
    config: incoming({ mode: "steal" }),
  });
  const dir = await Deno.makeTempDir();
  try {
    const upload = new Uint8Array(4 * 1024 * 1024);
    for (let at = 0; at < upload.length; at += 65536) {
      crypto.getRandomValues(upload.subarray(at, at + 65536));
    }
    await Deno.writeFile(`${dir}/upload`, upload);
    const expected = await sha256(upload);
    // chunked upload (no content-length) and a content-length one
    for (const extra of [["-H", "Transfer-Encoding: chunked"], []]) {
      const answer = await curl(
        ...extra,
        "--data-binary",
        `@${dir}/upload`,
        `http://${pod.podIp}:8080/sha256`,
      );
      assert.equal(answer, expected);
    }
    const size = 5 * 1024 * 1024 + 7;
    await curl("-o", `${dir}/download`, `http://${pod.podIp}:8080/bytes/${size}`);
    const download = await Deno.readFile(`${dir}/download`);
    assert.equal(download.length, size);
    const pattern = new TextEncoder().encode("mirrord-");
    assert.ok(download.every((b, i) => b === pattern[i % 65536 % 8]), "the bytes are intact");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

execTest("steal: raw TCP connections are relayed to the local app with half-close", async () => {
  await using pod = await createPod();
  await using _app = await startApp(pod, [...appCommand("node", 8080), "--echo", "9000"], {
    config: incoming({ mode: "steal" }),
  }, 2);
  const payloads = Array.from({ length: 20 }, (_, i) => `\u0000raw ${i} `.repeat(500 + i));
  const echoed = await Promise.all(payloads.map(async (payload) => {
    const conn = await Deno.connect({ hostname: pod.podIp, port: 9000 });
    await conn.write(new TextEncoder().encode(payload));
    await conn.closeWrite();
    const text = await new Response(conn.readable).text();
    return text;
  }));
  assert.deepEqual(echoed, payloads);
});
