import assert from "node:assert/strict";
import http2 from "node:http2";
import type { DaemonMessage } from "../../protocol-wasm/mod.ts";
import {
  chunkedResponse,
  data,
  isIncoming,
  rawApp,
  readUntil,
  startV2,
  subscribedSession,
  writeAll,
} from "../_test/incoming_fixture.ts";

const steal = (m: unknown) => ({ TcpSteal: m }) as DaemonMessage;
const requestEnd = (t: string) => {
  const end = t.indexOf("\r\n\r\n");
  if (end < 0) return false;
  if (/transfer-encoding: chunked/i.test(t)) {
    return t.endsWith("0\r\n\r\n") || /\r\n0\r\n.*\r\n\r\n$/s.test(t);
  }
  const length = /content-length: (\d+)/i.exec(t);
  return t.length >= end + 4 + (length ? Number(length[1]) : 0);
};

Deno.test("IncomingProxy delivers a stolen HTTP/1 request byte for byte and streams the response back", async () => {
  const seen = Promise.withResolvers<string>();
  const app = rawApp(async (conn) => {
    seen.resolve(await readUntil(conn, requestEnd));
    await writeAll(
      conn,
      "HTTP/1.1 201 Created\r\nX-App: Yes\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 11\r\n\r\n",
    );
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    const { agent } = setup;
    agent.send(steal(startV2(
      21n,
      80,
      {
        method: "POST",
        uri: "/items?x=1",
        headers: [["host", "pod:80"], ["x-trace", "a b"], ["transfer-encoding", "chunked"]],
      },
      [data("par")],
      false,
    )));
    agent.send(steal({
      HttpRequestChunked: {
        Body: { frames: [data("ts")], is_last: true, connection_id: 21n, request_id: 0 },
      },
    }));
    const response = await chunkedResponse(agent, 21n);
    assert.equal(
      await seen.promise,
      "POST /items?x=1 HTTP/1.1\r\nhost: pod:80\r\nx-trace: a b\r\ntransfer-encoding: chunked\r\n\r\n" +
        "3\r\npar\r\n2\r\nts\r\n0\r\n\r\n",
    );
    assert.equal(response.status, 201);
    assert.equal(response.body, "hello world");
    assert.deepEqual(response.trailers, [["x-sum", "11"]]);
    assert.ok(response.headers.some(([n, v]) => n === "x-app" && v === "Yes"));
    assert.equal(response.messages[0], "Start");
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy reuses one keep-alive connection for consecutive requests", async () => {
  const app = rawApp(async (conn) => {
    for (let i = 0;; i++) {
      const request = await readUntil(conn, requestEnd);
      if (request === "") return;
      const body = `answer ${i} to ${request.split(" ")[1]}`;
      await writeAll(conn, `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    }
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    for (const [id, path] of [[1n, "/a"], [2n, "/b"], [3n, "/c"]] as const) {
      setup.agent.send(
        steal(startV2(id, 80, { method: "GET", uri: path, headers: [["host", "x"]] }, [], true)),
      );
      const response = await chunkedResponse(setup.agent, id);
      assert.equal(response.body, `answer ${Number(id) - 1} to ${path}`);
      assert.deepEqual(response.messages, ["Start", "Body"], "a small response is gathered");
    }
    assert.equal(app.accepted(), 1);
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy answers 502 with a mirrord message when the app cannot be reached", async () => {
  const app = rawApp(async () => {});
  const port = app.port;
  app.close();
  await using setup = await subscribedSession(`127.0.0.1:${port}`, { Steal: { All: 80 } });
  setup.agent.send(steal(startV2(5n, 80, { method: "GET", uri: "/", headers: [] }, [], true)));
  const response = await chunkedResponse(setup.agent, 5n);
  assert.equal(response.status, 502);
  assert.match(response.body, /^mirrord: the local application on 127\.0\.0\.1:\d+ did not answer/);
});

Deno.test("IncomingProxy aborts a response body that breaks off with HttpResponseChunked Error", async () => {
  const app = rawApp(async (conn) => {
    await readUntil(conn, requestEnd);
    await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(70000));
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    setup.agent.send(steal(startV2(6n, 80, { method: "GET", uri: "/", headers: [] }, [], true)));
    const response = await chunkedResponse(setup.agent, 6n);
    assert.equal(response.status, 200);
    assert.equal(response.messages.at(-1), "Error");
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy answers old agents with HttpResponseFramed or the legacy HttpResponse", async () => {
  for (const [version, variant] of [["1.8.0", "HttpResponseFramed"], ["1.2.2", "HttpResponse"]]) {
    const app = rawApp(async (conn) => {
      await readUntil(conn, requestEnd);
      await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    try {
      await using setup = await subscribedSession(
        `127.0.0.1:${app.port}`,
        { Steal: { All: 80 } },
        { version },
      );
      setup.agent.send(steal({
        HttpRequest: {
          internal_request: {
            method: "GET",
            uri: "/",
            headers: [["host", "x"]],
            version: "HTTP/1.1",
            body: new Uint8Array(0),
          },
          connection_id: 8n,
          request_id: 0,
          port: 80,
        },
      }));
      // deno-lint-ignore no-explicit-any
      const m = (await setup.agent.next(isIncoming)) as any;
      const response = m.TcpSteal[variant];
      assert.ok(response, `${version}: ${Object.keys(m.TcpSteal)}`);
      assert.equal(response.connection_id, 8n);
      assert.equal(response.port, 80);
      const body = response.internal_response.body;
      const bytes = body instanceof Uint8Array ? body : body[0].Data;
      assert.equal(new TextDecoder().decode(bytes), "ok");
    } finally {
      app.close();
    }
  }
});

Deno.test("IncomingProxy turns a 101 into a raw relay on the request's connection id", async () => {
  const app = rawApp(async (conn) => {
    await readUntil(conn, requestEnd);
    await writeAll(
      conn,
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n",
    );
    const buffer = new Uint8Array(1024);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) return;
      await writeAll(conn, `echo:${new TextDecoder().decode(buffer.subarray(0, n))}`);
    }
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    const { agent } = setup;
    agent.send(steal(startV2(
      11n,
      80,
      {
        method: "GET",
        uri: "/ws",
        headers: [["host", "x"], ["connection", "Upgrade"], ["upgrade", "echo"]],
      },
      [],
      true,
    )));
    const head = await chunkedResponse(agent, 11n);
    assert.equal(head.status, 101);
    agent.send(steal({ Data: { connection_id: 11n, bytes: new TextEncoder().encode("hi") } }));
    // deno-lint-ignore no-explicit-any
    const back = (await agent.next(isIncoming)) as any;
    assert.equal(back.TcpSteal.Data.connection_id, 11n);
    assert.equal(new TextDecoder().decode(back.TcpSteal.Data.bytes), "echo:hi");
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy sends HTTP/2 requests over h2c with trailers both ways", async () => {
  const server = http2.createServer();
  const seen = Promise.withResolvers<{ headers: Record<string, unknown>; body: string }>();
  server.on("stream", (stream, headers) => {
    let body = "";
    stream.on("data", (chunk) => body += chunk);
    stream.on("end", () => {
      seen.resolve({ headers, body });
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, {
        waitForTrailers: true,
      });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(`got ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await using setup = await subscribedSession(`127.0.0.1:${port}`, { Steal: { All: 80 } });
    const { agent } = setup;
    agent.send(steal(startV2(
      31n,
      80,
      {
        method: "POST",
        uri: "http://pod.example:80/pkg.Svc/Call",
        version: "HTTP/2.0",
        headers: [["content-type", "application/grpc"], ["te", "trailers"]],
      },
      [data("msg1")],
      false,
    )));
    agent.send(steal({
      HttpRequestChunked: {
        Body: {
          frames: [data("+msg2"), { Trailers: [["x-end", "1"]] }],
          is_last: true,
          connection_id: 31n,
          request_id: 0,
        },
      },
    }));
    const response = await chunkedResponse(agent, 31n);
    const request = await seen.promise;
    assert.equal(request.headers[":path"], "/pkg.Svc/Call");
    assert.equal(request.headers[":authority"], "pod.example:80");
    assert.equal(request.body, "msg1+msg2");
    assert.equal(response.status, 200);
    assert.equal(response.version, "HTTP/2.0");
    assert.equal(response.body, "got msg1+msg2");
    assert.deepEqual(response.trailers, [["grpc-status", "0"]]);
  } finally {
    server.close();
  }
});

Deno.test("IncomingProxy delivers mirrored requests and sends nothing back", async () => {
  const seen = Promise.withResolvers<string>();
  const app = rawApp(async (conn) => {
    seen.resolve(await readUntil(conn, requestEnd));
    await writeAll(conn, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nlocal");
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Mirror: { All: 80 } });
    setup.agent.send({
      Tcp: startV2(41n, 80, { method: "GET", uri: "/copy", headers: [["host", "x"]] }, [], true),
    } as DaemonMessage);
    assert.equal(await seen.promise, "GET /copy HTTP/1.1\r\nhost: x\r\n\r\n");
    await assert.rejects(setup.agent.next(isIncoming, 300), /no matching message/);
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy sends an HTTP/1 request without body framing without a body, even when the agent splits it", async () => {
  const seen: string[] = [];
  const app = rawApp(async (conn) => {
    while (true) {
      const request = await readUntil(conn, requestEnd);
      if (request === "") return;
      seen.push(request);
      await writeAll(conn, "HTTP/1.1 204 No Content\r\n\r\n");
    }
  });
  try {
    await using setup = await subscribedSession(`127.0.0.1:${app.port}`, { Steal: { All: 80 } });
    for (const id of [51n, 52n]) {
      setup.agent.send(
        steal(startV2(id, 80, { method: "GET", uri: "/", headers: [["host", "x"]] }, [], false)),
      );
      setup.agent.send(steal({
        HttpRequestChunked: {
          Body: { frames: [], is_last: true, connection_id: id, request_id: 0 },
        },
      }));
      assert.equal((await chunkedResponse(setup.agent, id)).status, 204);
    }
    assert.deepEqual(seen, [
      "GET / HTTP/1.1\r\nhost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nhost: x\r\n\r\n",
    ]);
    assert.equal(app.accepted(), 1, "the connection stays usable");
  } finally {
    app.close();
  }
});

Deno.test("IncomingProxy streams a large h2c response back in order", async () => {
  const size = 5 * 1024 * 1024;
  const server = http2.createServer();
  server.on("stream", (stream) => {
    stream.respond({ ":status": 200 });
    const piece = new Uint8Array(65536).map((_, i) => i % 251);
    let left = size;
    const more = () => {
      while (left > 0) {
        const n = Math.min(left, piece.length);
        left -= n;
        if (!stream.write(piece.subarray(0, n))) return stream.once("drain", more);
      }
      stream.end();
    };
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    await using setup = await subscribedSession(`127.0.0.1:${port}`, { Steal: { All: 80 } });
    setup.agent.send(steal(startV2(
      61n,
      80,
      {
        method: "GET",
        uri: "http://pod:80/big",
        version: "HTTP/2.0",
        headers: [],
      },
      [],
      true,
    )));
    let received = 0;
    let ordered = true;
    while (true) {
      // deno-lint-ignore no-explicit-any
      const m = (await setup.agent.next(isIncoming, 10000)) as any;
      const chunked = m.TcpSteal.HttpResponseChunked;
      const frames = chunked.Start?.internal_response.body ?? chunked.Body?.frames ?? [];
      for (const f of frames) {
        if (!f.Data) continue;
        for (let i = 0; i < f.Data.length; i++) {
          if (f.Data[i] !== ((received + i) % 65536) % 251) ordered = false;
        }
        received += f.Data.length;
      }
      if (chunked.Body?.is_last || chunked.Error) break;
    }
    assert.equal(received, size);
    assert.ok(ordered, "bytes arrive in order");
  } finally {
    server.close();
  }
});
