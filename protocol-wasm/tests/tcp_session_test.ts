/**
 * End to end over loopback TCP: a Deno client and a Deno agent-like server speak the agent link
 * through the facade only — SwitchProtocolVersion, Ping/Pong, GetEnvVarsRequest — with writes
 * split into small pieces so messages span reads, plus a 64 KiB payload each way.
 */
import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import {
  type ClientMessage,
  ClientMessageDecoder,
  type DaemonMessage,
  DaemonMessageDecoder,
  encodeClientMessage,
  encodeDaemonMessage,
  PROTOCOL_VERSION,
  settleVersion,
  supports,
} from "../mod.ts";

const SERVER_VERSION = "1.25.0";
const SERVER_ENV: Record<string, string> = {
  APP_MODE: "prod",
  APP_SECRET: "s3cr3t",
  HOME: "/root",
};

function glob(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(name);
}

/** Writes in 7-byte pieces so the peer's reads cut through messages. */
async function writeSplit(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; at += 7) {
    const piece = bytes.subarray(at, Math.min(at + 7, bytes.length));
    for (let done = 0; done < piece.length;) done += await conn.write(piece.subarray(done));
  }
}

function reply(message: ClientMessage): DaemonMessage | undefined {
  if (message === "Ping") return "Pong";
  if (typeof message === "string") return undefined;
  if ("SwitchProtocolVersion" in message) {
    return {
      SwitchProtocolVersionResponse: settleVersion(SERVER_VERSION, message.SwitchProtocolVersion),
    };
  }
  if ("GetEnvVarsRequest" in message) {
    const { env_vars_filter, env_vars_select } = message.GetEnvVarsRequest;
    const env = Object.fromEntries(
      Object.entries(SERVER_ENV).filter(([name]) =>
        (env_vars_select.length === 0 || env_vars_select.some((p) => glob(p, name))) &&
        !env_vars_filter.some((p) => glob(p, name))
      ),
    );
    return { GetEnvVarsResponse: { Ok: env } };
  }
  if ("TcpOutgoing" in message && "Write" in message.TcpOutgoing) {
    const { connection_id, bytes } = message.TcpOutgoing.Write;
    return { TcpOutgoing: { Read: { Ok: { connection_id, bytes: bytes.slice().reverse() } } } };
  }
  return undefined;
}

async function serve(conn: Deno.Conn): Promise<void> {
  const decoder = new ClientMessageDecoder();
  const buf = new Uint8Array(1500);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    decoder.push(buf.subarray(0, n));
    for (const message of decoder.drain()) {
      if (message === "Close") {
        conn.close();
        return;
      }
      const answer = reply(message);
      if (answer) await writeSplit(conn, encodeDaemonMessage(answer));
    }
  }
  conn.close();
}

class AgentClient {
  readonly #decoder = new DaemonMessageDecoder();
  readonly #buf = new Uint8Array(1500);
  constructor(readonly conn: Deno.Conn) {}

  async send(message: ClientMessage): Promise<void> {
    await writeSplit(this.conn, encodeClientMessage(message));
  }

  async receive(): Promise<DaemonMessage> {
    for (;;) {
      const message = this.#decoder.next();
      if (message !== undefined) return message;
      const n = await this.conn.read(this.#buf);
      if (n === null) throw new Error("Cannot read from the agent: connection closed");
      this.#decoder.push(this.#buf.subarray(0, n));
    }
  }
}

Deno.test("facade drives a whole agent-link session over loopback TCP", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = listener.accept().then(serve);
  const conn = await Deno.connect({
    hostname: "127.0.0.1",
    port: (listener.addr as Deno.NetAddr).port,
  });
  conn.setNoDelay(true);
  const client = new AgentClient(conn);
  try {
    await client.send({ SwitchProtocolVersion: PROTOCOL_VERSION });
    const settled = await client.receive();
    assertEquals(settled, { SwitchProtocolVersionResponse: SERVER_VERSION });
    equal(supports("REVERSE_DNS_VERSION", SERVER_VERSION), true);
    equal(supports("OUTGOING_SEQPACKET", SERVER_VERSION), false);

    await client.send("Ping");
    await client.send("Ping");
    equal(await client.receive(), "Pong");
    equal(await client.receive(), "Pong");

    await client.send({
      GetEnvVarsRequest: { env_vars_filter: ["*SECRET*"], env_vars_select: ["APP_*"] },
    });
    assertEquals(await client.receive(), { GetEnvVarsResponse: { Ok: { APP_MODE: "prod" } } });

    const payload = Uint8Array.from({ length: 64 * 1024 }, (_, i) => i % 251);
    await client.send({ TcpOutgoing: { Write: { connection_id: 3n, bytes: payload } } });
    assertEquals(await client.receive(), {
      TcpOutgoing: { Read: { Ok: { connection_id: 3n, bytes: payload.slice().reverse() } } },
    });
    await client.send("Close");
  } finally {
    await served;
    conn.close();
    listener.close();
  }
});
