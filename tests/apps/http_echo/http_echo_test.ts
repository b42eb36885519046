import assert from "node:assert/strict";
import { type EchoReply, startHttpEcho } from "./http_echo.ts";

async function withServer(fn: (base: string, logs: string[]) => Promise<void>): Promise<void> {
  const logs: string[] = [];
  const server = startHttpEcho(0, (line) => logs.push(line));
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, logs);
  } finally {
    await server.shutdown();
  }
}

Deno.test("startHttpEcho() echoes method, path, headers and body, and logs the request", async () => {
  await withServer(async (base, logs) => {
    const response = await fetch(`${base}/some/path?x=1`, {
      method: "POST",
      headers: { "x-test": "yes" },
      body: "hello",
    });
    const reply: EchoReply = await response.json();
    assert.equal(reply.method, "POST");
    assert.equal(reply.path, "/some/path");
    assert.equal(reply.query, "?x=1");
    assert.equal(reply.headers["x-test"], "yes");
    assert.equal(reply.body, "hello");
    assert.deepEqual(logs, ["[http-echo] POST /some/path?x=1 from 127.0.0.1"]);
  });
});

Deno.test("startHttpEcho() reports its environment on /env", async () => {
  await withServer(async (base) => {
    const env = await (await fetch(`${base}/env`)).json();
    assert.equal(env.PATH, Deno.env.get("PATH"));
  });
});

Deno.test("startHttpEcho() serves files, lists folders and answers 404 for missing ones", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.txt`, "content");
  try {
    await withServer(async (base) => {
      assert.equal(await (await fetch(`${base}/files${dir}/a.txt`)).text(), "content");
      assert.deepEqual(await (await fetch(`${base}/files${dir}`)).json(), ["a.txt"]);
      const missing = await fetch(`${base}/files${dir}/missing`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
