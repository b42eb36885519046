import { deepEqual, equal, match } from "node:assert/strict";
import {
  type ClientMessage,
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
  PROTOCOL_VERSION,
} from "../protocol-wasm/mod.ts";
import { type AgentContext, ClientConnection } from "./client_connection.ts";
import { TargetResolver } from "./features/dns.ts";
import { READ_ONLY } from "./features/file_types.ts";
import { UnavailableIncoming } from "./features/incoming.ts";
import { createLogger } from "./log.ts";

/** A client connection served in-process over loopback, with a temp folder as target root. */
async function session(
  body: (io: {
    send(message: ClientMessage | Uint8Array): Promise<void>;
    receive(): Promise<DaemonMessage | null>;
    logs: string[];
    root: string;
  }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "client_connection_test_" });
  await Deno.mkdir(`${root}/etc`);
  await Deno.writeTextFile(`${root}/etc/hosts`, "10.1.2.3 only-in-target\n");
  await Deno.writeTextFile(`${root}/etc/resolv.conf`, "# no name servers\n");
  await Deno.writeTextFile(`${root}/hello.txt`, "hello");
  const logs: string[] = [];
  const context: AgentContext = {
    target: { pid: null, root, env: { APP: "1", PATH: "/bin" }, description: "test" },
    resolver: new TargetResolver(root),
    incoming: new UnavailableIncoming(),
    log: createLogger({ RUST_LOG: "debug" }, (line) => logs.push(line)),
  };
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const connection = new ClientConnection(0, await listener.accept(), context);
  const served = connection.serve();
  const decoder = new DaemonMessageDecoder();
  const buffer = new Uint8Array(65536);
  try {
    await body({
      logs,
      root,
      send: async (message) => {
        await client.write(message instanceof Uint8Array ? message : encodeClientMessage(message));
      },
      receive: async () => {
        for (;;) {
          const message = decoder.next();
          if (message !== undefined) return message;
          const n = await client.read(buffer);
          if (n === null) return null;
          decoder.push(buffer.slice(0, n));
        }
      },
    });
  } finally {
    client.close();
    listener.close();
    await served;
    equal(connection.resourceCount, 0, "every fd and connection is released");
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("ClientConnection negotiates, answers Ping and selects env", async () => {
  await session(async ({ send, receive }) => {
    await send({ SwitchProtocolVersion: "1.30.0" });
    deepEqual(await receive(), { SwitchProtocolVersionResponse: PROTOCOL_VERSION });
    await send("Ping");
    equal(await receive(), "Pong");
    await send({ GetEnvVarsRequest: { env_vars_filter: [], env_vars_select: [] } });
    deepEqual(await receive(), { GetEnvVarsResponse: { Ok: { APP: "1" } } });
  });
});

Deno.test("ClientConnection answers file requests in order and never replies to Close", async () => {
  await session(async ({ send, receive }) => {
    await send({ FileRequest: { Open: { path: "/hello.txt", open_options: READ_ONLY } } });
    await send({ FileRequest: { Read: { remote_fd: 0n, buffer_size: 2n } } });
    await send({ FileRequest: { Close: { fd: 0n } } });
    await send({ FileRequest: { Read: { remote_fd: 0n, buffer_size: 2n } } });
    deepEqual(await receive(), { File: { Open: { Ok: { fd: 0n } } } });
    deepEqual(await receive(), {
      File: { Read: { Ok: { bytes: new TextEncoder().encode("he"), read_amount: 2n } } },
    });
    deepEqual(await receive(), { File: { Read: { Err: { NotFound: 0n } } } });
  });
});

Deno.test("ClientConnection resolves from the target's hosts file", async () => {
  await session(async ({ send, receive }) => {
    await send({ GetAddrInfoRequest: { node: "only-in-target" } });
    deepEqual(await receive(), {
      GetAddrInfoResponse: { Ok: [{ name: "only-in-target", ip: "10.1.2.3" }] },
    });
    await send({ GetAddrInfoRequest: { node: "elsewhere" } });
    deepEqual(await receive(), {
      GetAddrInfoResponse: { Err: { DnsLookup: { kind: "NoConnections" } } },
    });
  });
});

Deno.test("ClientConnection refuses an incoming subscription it cannot serve, with a log", async () => {
  await session(async ({ send, receive }) => {
    await send({ SwitchProtocolVersion: PROTOCOL_VERSION });
    await receive();
    await send("ReadyForLogs");
    await send({ Tcp: { PortSubscribe: 8080 } });
    const log = await receive() as { LogMessage: { message: string; level: string } };
    equal(log.LogMessage.level, "Warn");
    match(log.LogMessage.message, /Cannot mirror port 8080/);
    deepEqual(await receive(), { Tcp: { SubscribeResult: { Err: "NotImplemented" } } });
  });
});

Deno.test("ClientConnection closes a client whose bytes it cannot decode", async () => {
  await session(async ({ send, receive, logs }) => {
    await send(new Uint8Array([42, 1, 2, 3]));
    const close = await receive() as { Close: string };
    match(close.Close, /cannot decode/);
    equal(await receive(), null);
    match(logs.join("\n"), /client 0 sent a message this agent cannot decode/);
  });
});

Deno.test("ClientConnection relays an outgoing TCP connection and releases it on disconnect", async () => {
  const echo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await echo.accept();
    const buffer = new Uint8Array(16);
    const n = await conn.read(buffer);
    await conn.write(buffer.subarray(0, n ?? 0));
  })();
  await session(async ({ send, receive }) => {
    await send({
      TcpOutgoing: { Connect: { remote_address: { Ip: `127.0.0.1:${echo.addr.port}` } } },
    });
    const connected = await receive() as {
      TcpOutgoing: { Connect: { Ok: { connection_id: bigint } } };
    };
    const id = connected.TcpOutgoing.Connect.Ok.connection_id;
    await send({ TcpOutgoing: { Write: { connection_id: id, bytes: new Uint8Array([7]) } } });
    deepEqual(await receive(), {
      TcpOutgoing: { Read: { Ok: { connection_id: id, bytes: new Uint8Array([7]) } } },
    });
  });
  await served;
  echo.close();
});
