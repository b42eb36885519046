import assert from "node:assert/strict";
import { startFakeApiServer } from "./_test/fake_api_server.ts";
import { KubeClient } from "./api_client.ts";
import { ApiUnreachableError, KubeApiError } from "./kube_errors.ts";

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

const status = (code: number, reason: string, message: string) =>
  json({ kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message }, code);

Deno.test("KubeClient.request() returns the JSON and sends the bearer token", async () => {
  const server = startFakeApiServer(() => json({ gitVersion: "v1.34.4" }));
  try {
    const client = new KubeClient(server.access({ token: "secret-token" }));
    const version = await client.request("GET", "/version", { action: "read the version" });
    assert.equal(version.gitVersion, "v1.34.4");
    assert.equal(server.requests[0].headers.authorization, "Bearer secret-token");
    assert.equal(server.requests[0].target, "/version");
  } finally {
    await server.close();
  }
});

Deno.test("KubeClient.request() turns a Status into an error naming the action, reason and next step", async () => {
  const server = startFakeApiServer(() =>
    status(403, "Forbidden", 'jobs.batch is forbidden: User "narrow" cannot create resource "jobs"')
  );
  try {
    const client = new KubeClient(server.access());
    await assert.rejects(
      client.request("POST", "/apis/batch/v1/namespaces/default/jobs", {
        action: 'create the agent Job in namespace "default"',
        body: {},
      }),
      (error: KubeApiError) => {
        assert.equal(error.reason, "Forbidden");
        assert.equal(error.code, 403);
        assert.match(
          error.describe(),
          /^Cannot create the agent Job in namespace "default": Forbidden \(jobs\.batch is forbidden: User "narrow".*\) — ask a cluster admin/,
        );
        return true;
      },
    );
  } finally {
    await server.close();
  }
});

Deno.test("KubeClient.request() retries 503 answers and then succeeds", async () => {
  let calls = 0;
  const server = startFakeApiServer(() =>
    ++calls === 1 ? status(503, "ServiceUnavailable", "busy") : json({ ok: true })
  );
  try {
    const client = new KubeClient(server.access());
    assert.deepEqual(await client.request("GET", "/x", { action: "get x" }), { ok: true });
    assert.equal(calls, 2);
  } finally {
    await server.close();
  }
});

Deno.test("KubeClient refuses an untrusted API server certificate and says how to accept it", async () => {
  const server = startFakeApiServer(() => json({}));
  try {
    const client = new KubeClient(server.access({ caPem: undefined }));
    await assert.rejects(
      client.request("GET", "/version", { action: "read the version" }),
      (error: ApiUnreachableError) => {
        assert.ok(error instanceof ApiUnreachableError);
        assert.match(error.message, /certificate is not trusted/);
        assert.match(error.hint!, /accept_invalid_certificates/);
        return true;
      },
    );
    const insecure = new KubeClient(server.access({ caPem: undefined, insecure: true }));
    assert.deepEqual(await insecure.request("GET", "/version", { action: "read" }), {});
  } finally {
    await server.close();
  }
});

Deno.test("KubeClient says the API server is unreachable when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const client = new KubeClient({
    server: `https://127.0.0.1:${port}`,
    contextName: "gone",
    namespace: "default",
    insecure: false,
    source: "test",
  });
  await assert.rejects(
    client.request("GET", "/version", { action: "read the version" }),
    (error: ApiUnreachableError) => {
      assert.match(
        error.message,
        new RegExp(
          `Cannot reach the Kubernetes API server https://127.0.0.1:${port} \\(context "gone"\\): connection refused`,
        ),
      );
      assert.match(error.hint!, /cluster running/);
      return true;
    },
  );
});

Deno.test("KubeClient.streamLines() yields a chunked body line by line", async () => {
  const server = startFakeApiServer(() => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"type":"ADDED"}\n{"type":'));
        await new Promise((resolve) => setTimeout(resolve, 20));
        controller.enqueue(encoder.encode('"MODIFIED"}\nagent ready - version 1\n'));
        controller.close();
      },
    });
    return new Response(body);
  });
  try {
    const client = new KubeClient(server.access());
    const { lines } = await client.streamLines("/watch", { action: "watch" });
    const seen = [];
    for await (const line of lines) seen.push(line);
    assert.deepEqual(seen, ['{"type":"ADDED"}', '{"type":"MODIFIED"}', "agent ready - version 1"]);
  } finally {
    await server.close();
  }
});

Deno.test("KubeClient runs an exec credential plugin and sends its token", async () => {
  const dir = await Deno.makeTempDir();
  const plugin = `${dir}/get-token`;
  await Deno.writeTextFile(
    plugin,
    '#!/bin/sh\necho "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",' +
      '\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"from-$1-$REGION\\"}}"\n',
  );
  await Deno.chmod(plugin, 0o755);
  const server = startFakeApiServer(() => json({}));
  try {
    const client = new KubeClient(server.access({
      exec: {
        command: plugin,
        args: ["plugin"],
        env: { REGION: "eu" },
        apiVersion: "client.authentication.k8s.io/v1",
        installHint: null,
        baseDir: dir,
      },
    }));
    await client.request("GET", "/version", { action: "read" });
    assert.equal(server.requests[0].headers.authorization, "Bearer from-plugin-eu");
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
