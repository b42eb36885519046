/**
 * The client side of incoming traffic for tests, over an {@link AgentClient}: subscribe, then a
 * background loop that answers stolen HTTP requests (`HttpRequestChunked` StartV2/Body) with
 * `HttpResponseChunked`, relays stolen raw connections through a handler, and records everything
 * else (mirror copies, logs) for assertions — what an intproxy does, minus the local app.
 *
 * ```ts
 * const steal = new IncomingClient(client);
 * await steal.subscribeSteal({ All: 80 });
 * steal.answer((request) => ({ status: 200, body: "stolen" }));
 * ```
 *
 * @module
 */
import type { AgentClient } from "./agent_client.ts";

// deno-lint-ignore no-explicit-any
type Message = any;

/** A stolen or mirrored HTTP request as the client saw it. */
export interface SeenRequest {
  connectionId: bigint;
  method: string;
  uri: string;
  version: string;
  headers: [string, string | Uint8Array][];
  body: string;
  trailers: [string, string | Uint8Array][];
  metadata: Message;
}

/** A response the test client gives. */
export interface TestResponse {
  status: number;
  headers?: [string, string][];
  /** whole body, or chunks sent as separate Body messages */
  body?: string | string[];
  trailers?: [string, string][];
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

/** Incoming traffic for one test client. */
export class IncomingClient {
  /** every message not consumed by a handler, in arrival order */
  readonly seen: Message[] = [];
  /** complete requests (stolen or mirrored) */
  readonly requests: SeenRequest[] = [];
  private readonly partial = new Map<bigint, SeenRequest>();
  private responder: ((request: SeenRequest) => TestResponse | null) | null = null;
  private rawHandler: ((id: bigint, data: Uint8Array) => Uint8Array | null) | null = null;
  private readonly waiters: (() => void)[] = [];
  private loop: Promise<void> | null = null;

  /** @param client a negotiated client */
  constructor(readonly client: AgentClient) {}

  /**
   * Subscribes to steal and waits for the result.
   *
   * @param stealType e.g. `{ All: 80 }`
   * @returns the `SubscribeResult` value
   */
  async subscribeSteal(stealType: Message): Promise<Message> {
    await this.client.send({ TcpSteal: { PortSubscribe: stealType } });
    return (await this.nextWhere((m) => m.TcpSteal?.SubscribeResult)).TcpSteal.SubscribeResult;
  }

  /**
   * Subscribes to mirror and waits for the result.
   *
   * @param request `{ PortSubscribe: port }` or `{ PortSubscribeFilteredHttp: [port, filter] }`
   * @returns the `SubscribeResult` value
   */
  async subscribeMirror(request: Message): Promise<Message> {
    await this.client.send({ Tcp: request });
    return (await this.nextWhere((m) => m.Tcp?.SubscribeResult)).Tcp.SubscribeResult;
  }

  /**
   * Starts answering stolen HTTP requests.
   *
   * @param respond the response for a request (null: no answer)
   */
  answer(respond: (request: SeenRequest) => TestResponse | null): void {
    this.responder = respond;
    this.start();
  }

  /**
   * Starts relaying stolen raw connections: each chunk of data goes to `reply`, whose result (if
   * any) is written back.
   *
   * @param reply what to send back for a chunk (null: nothing; empty: half-close)
   */
  relay(reply: (id: bigint, data: Uint8Array) => Uint8Array | null): void {
    this.rawHandler = reply;
    this.start();
  }

  /** Starts recording without answering (mirror clients). */
  record(): void {
    this.start();
  }

  /**
   * Waits until `predicate` holds for what was recorded.
   *
   * @param predicate checked after every message
   * @param timeoutMs limit
   */
  async until(predicate: () => boolean, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(`condition not met within ${timeoutMs} ms; seen: ${describe(this.seen)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Log messages received. */
  get logs(): string[] {
    return this.seen.filter((m) => m.LogMessage).map((m) => m.LogMessage.message);
  }

  private async nextWhere(match: (m: Message) => unknown): Promise<Message> {
    if (this.loop) {
      let found: Message;
      await this.until(() => (found = this.seen.find((m) => match(m))) !== undefined);
      this.seen.splice(this.seen.indexOf(found), 1);
      return found;
    }
    while (true) {
      const message = await this.client.receive();
      if (message === null) throw new Error("the agent closed the connection");
      if (match(message)) return message;
      this.seen.push(message);
    }
  }

  private start(): void {
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (true) {
      let message: Message;
      try {
        message = await this.client.receive(600000);
      } catch {
        return;
      }
      if (message === null) return;
      try {
        await this.handle(message);
      } catch {
        return; // The test closed the connection while an answer was being written.
      }
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private async handle(message: Message): Promise<void> {
    const tcp = message.TcpSteal ?? message.Tcp;
    const chunked = tcp?.HttpRequestChunked;
    if (chunked?.StartV2) {
      const start = chunked.StartV2;
      const request: SeenRequest = {
        connectionId: start.connection_id,
        method: start.request.method,
        uri: start.request.uri,
        version: start.request.version,
        headers: start.request.headers,
        body: "",
        trailers: [],
        metadata: start.metadata,
      };
      this.partial.set(start.connection_id, request);
      return await this.addBody(message, start.connection_id, start.request.body);
    }
    if (chunked?.Body) {
      return await this.addBody(message, chunked.Body.connection_id, chunked.Body);
    }
    const data = message.TcpSteal?.Data;
    if (data && this.rawHandler) {
      const reply = this.rawHandler(data.connection_id, data.bytes);
      if (reply !== null) {
        await this.client.send({
          TcpSteal: { Data: { connection_id: data.connection_id, bytes: reply } },
        });
      }
    }
    this.seen.push(message);
  }

  private async addBody(message: Message, id: bigint, body: Message): Promise<void> {
    const request = this.partial.get(id);
    if (!request) return void this.seen.push(message);
    for (const frame of body.frames) {
      if (frame.Data) request.body += text(frame.Data);
      else request.trailers.push(...frame.Trailers);
    }
    if (!body.is_last) return;
    this.partial.delete(id);
    this.requests.push(request);
    if (message.TcpSteal && this.responder) {
      const response = this.responder(request);
      if (response) await this.respond(request, response);
    }
  }

  /**
   * Sends a chunked response to a stolen request.
   *
   * @param request the request
   * @param response the response
   */
  async respond(request: SeenRequest, response: TestResponse): Promise<void> {
    const parts = typeof response.body === "string" ? [response.body] : response.body ?? [];
    const ids = { port: 0, connection_id: request.connectionId, request_id: 0 };
    await this.client.send({
      TcpSteal: {
        HttpResponseChunked: {
          Start: {
            ...ids,
            internal_response: {
              status: response.status,
              version: request.version,
              headers: response.headers ?? [],
              body: [],
            },
          },
        },
      },
    });
    for (const part of parts) {
      await this.client.send({
        TcpSteal: {
          HttpResponseChunked: {
            Body: {
              frames: [{ Data: bytes(part) }],
              is_last: false,
              connection_id: request.connectionId,
              request_id: 0,
            },
          },
        },
      });
    }
    if (response.status === 101) return;
    const trailers = response.trailers ? [{ Trailers: response.trailers }] : [];
    await this.client.send({
      TcpSteal: {
        HttpResponseChunked: {
          Body: {
            frames: trailers,
            is_last: true,
            connection_id: request.connectionId,
            request_id: 0,
          },
        },
      },
    });
  }
}

function describe(messages: Message[]): string {
  return JSON.stringify(
    messages.slice(-10),
    (_, v) => typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? text(v) : v,
  );
}
