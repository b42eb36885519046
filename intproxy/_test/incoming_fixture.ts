/**
 * Test fixture for the incoming proxy: a session with a scripted agent and layer, a port
 * subscribed for a local "app" listener, and helpers to play the agent's side of incoming
 * traffic (new connections, HTTP requests) and read what the intproxy sends back.
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  ClientMessage,
  DaemonMessage,
  HttpHeaders,
  InternalHttpBodyFrame,
  PortSubscription,
} from "../../protocol-wasm/mod.ts";
import { ScriptedAgent, type ScriptedAgentOptions } from "./scripted_agent.ts";
import { ScriptedLayer } from "./scripted_layer.ts";
import { type SessionUnderTest, startSession } from "./session_under_test.ts";

/** A subscribed session. */
export interface IncomingSetup extends AsyncDisposable {
  agent: ScriptedAgent;
  session: SessionUnderTest;
  layer: ScriptedLayer;
  /** "Tcp" (mirror) or "TcpSteal" */
  channel: "Tcp" | "TcpSteal";
}

/**
 * Starts a session and subscribes `port` for a layer listening on `listeningOn`.
 *
 * @param listeningOn the app's listener, e.g. `127.0.0.1:<port>`
 * @param subscription the layer's subscription
 * @param agentOptions e.g. an older agent version
 * @returns the setup
 */
export async function subscribedSession(
  listeningOn: string,
  subscription: PortSubscription,
  agentOptions: ScriptedAgentOptions = {},
): Promise<IncomingSetup> {
  const agent = ScriptedAgent.start(agentOptions);
  const session = await startSession(agent, (config) => {
    config.experimental.idle_local_http_connection_timeout = 500;
  });
  const layer = await ScriptedLayer.connect(session.address);
  const channel = "Steal" in subscription ? "TcpSteal" : "Tcp";
  const answer = layer.request({
    Incoming: { PortSubscribe: { listening_on: { Socket: listeningOn }, subscription } },
  });
  const sent = await agent.next(isIncoming);
  const inner = Object.values(sent as object)[0];
  const port = "PortSubscribe" in inner
    ? (typeof inner.PortSubscribe === "number" ? inner.PortSubscribe : Object.values(
      inner.PortSubscribe,
    ).flat()[0])
    : inner.PortSubscribeFilteredHttp[0];
  agent.send({ [channel]: { SubscribeResult: { Ok: port } } } as DaemonMessage);
  assert.deepEqual(await answer, { Incoming: { PortSubscribe: { Ok: null } } });
  return {
    agent,
    session,
    layer,
    channel,
    async [Symbol.asyncDispose]() {
      layer.close();
      await session[Symbol.asyncDispose]();
      await agent[Symbol.asyncDispose]();
    },
  };
}

/** Whether a client message is incoming traffic. */
export const isIncoming = (m: ClientMessage) =>
  typeof m === "object" && ("Tcp" in m || "TcpSteal" in m);

/** Shorthand for a text frame. */
export const data = (text: string): InternalHttpBodyFrame => ({
  Data: new TextEncoder().encode(text),
});

/** A `StartV2` the agent sends for a stolen or mirrored HTTP request. */
export function startV2(
  id: bigint,
  port: number,
  head: { method: string; uri: string; version?: string; headers: HttpHeaders },
  frames: InternalHttpBodyFrame[],
  isLast: boolean,
) {
  return {
    HttpRequestChunked: {
      StartV2: {
        connection_id: id,
        request_id: 0,
        request: {
          method: head.method,
          uri: head.uri,
          headers: head.headers,
          version: head.version ?? "HTTP/1.1",
          body: { frames, is_last: isLast },
        },
        metadata: { V1: { source: "10.1.2.3:40000", destination: `10.0.0.5:${port}` } },
        transport: "Tcp",
      },
    },
  };
}

/** The response an intproxy sent for a stolen request, gathered from its messages. */
export interface GatheredResponse {
  status: number;
  version: string;
  headers: HttpHeaders;
  body: string;
  trailers: HttpHeaders;
  /** message variants seen, e.g. ["Start", "Body", "Body"] */
  messages: string[];
}

/**
 * Reads `HttpResponseChunked` messages for `id` until the last body frame.
 *
 * @param agent the scripted agent
 * @param id the request's connection id
 * @param timeoutMs per message
 * @returns the response
 */
export async function chunkedResponse(
  agent: ScriptedAgent,
  id: bigint,
  timeoutMs = 8000,
): Promise<GatheredResponse> {
  const out: GatheredResponse = {
    status: 0,
    version: "",
    headers: [],
    body: "",
    trailers: [],
    messages: [],
  };
  const decoder = new TextDecoder();
  const take = (frames: InternalHttpBodyFrame[]) => {
    for (const f of frames) {
      if ("Data" in f) out.body += decoder.decode(f.Data, { stream: true });
      else out.trailers.push(...f.Trailers);
    }
  };
  while (true) {
    const m = await agent.next((m) => {
      // deno-lint-ignore no-explicit-any
      const chunked = (m as any).TcpSteal?.HttpResponseChunked;
      if (!chunked) return false;
      const body = chunked.Start ?? chunked.Body ?? chunked.Error;
      return body.connection_id === id;
    }, timeoutMs);
    // deno-lint-ignore no-explicit-any
    const chunked = (m as any).TcpSteal.HttpResponseChunked;
    if (chunked.Start) {
      out.messages.push("Start");
      const r = chunked.Start.internal_response;
      out.status = r.status;
      out.version = r.version;
      out.headers = r.headers;
      take(r.body);
      if (r.status === 101) return out;
    } else if (chunked.Body) {
      out.messages.push("Body");
      take(chunked.Body.frames);
      if (chunked.Body.is_last) return out;
    } else {
      out.messages.push("Error");
      return out;
    }
  }
}

/**
 * A raw TCP "app": each accepted connection is handed to `serve`.
 *
 * @param serve the app's behaviour per connection
 * @returns the listener's port, the accepted count, and a closer
 */
export function rawApp(
  serve: (conn: Deno.TcpConn) => Promise<void>,
): { port: number; accepted: () => number; close: () => void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  (async () => {
    for await (const conn of listener) {
      accepted++;
      serve(conn).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch {
          // Closed by the app already.
        }
      });
    }
  })().catch(() => {});
  return {
    port: listener.addr.port,
    accepted: () => accepted,
    close: () => listener.close(),
  };
}

/**
 * A raw app that accepts one connection and leaves it to the test.
 *
 * @returns the app and its first accepted connection
 */
export function acceptingApp(): {
  app: ReturnType<typeof rawApp>;
  accepted: Promise<Deno.TcpConn>;
} {
  const accepted = Promise.withResolvers<Deno.TcpConn>();
  const app = rawApp((conn) => {
    accepted.resolve(conn);
    return new Promise(() => {});
  });
  return { app, accepted: accepted.promise };
}

/**
 * Reads from a connection until `done(text)` says the request is complete.
 *
 * @param conn the connection
 * @param done completion check on the text so far
 * @returns the text
 */
export async function readUntil(conn: Deno.Conn, done: (text: string) => boolean): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  while (!done(text)) {
    const n = await conn.read(buffer);
    if (n === null) break;
    text += new TextDecoder().decode(buffer.subarray(0, n));
  }
  return text;
}

/**
 * Writes all of `text`.
 *
 * @param conn the connection
 * @param text what to write
 */
export async function writeAll(conn: Deno.Conn, text: string | Uint8Array): Promise<void> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
