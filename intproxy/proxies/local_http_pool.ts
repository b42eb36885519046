/**
 * Pooled HTTP clients to the user app, keyed by app listener and HTTP version as in mirrord's
 * intproxy, and also by the remote client (so `getpeername` in the app is right for every request):
 * HTTP/1 keep-alive connections (one request at a time each) and h2c sessions. Idle connections close after `experimental.idle_local_http_connection_timeout`.
 * Connecting retries with backoff 50, 100, 200, 400, 500 … ms (9 attempts: the app may be between
 * `listen` and its first `accept`, or restarting); a request that fails on a reused connection
 * before any response byte is sent again once on a fresh one (the app closed an idle socket),
 * when its body is complete and so can be replayed. Each new connection's `ConnMetadata` is
 * recorded with the source of the request that opened it.
 *
 * @module
 */
import type { ConnMetadataResponse } from "./_types.ts";
import type { ConnMetadataStore } from "./incoming_metadata.ts";
import { H2Session } from "./local_h2.ts";
import {
  hasBodyFraming,
  Http1Connection,
  LocalHttpError,
  type LocalRequest,
  type LocalResponse,
} from "./local_http1.ts";
import type { H2Request } from "./local_h2.ts";

/** Delays before connect attempts 2…9. */
export const CONNECT_BACKOFF_MS = [50, 100, 200, 400, 500, 500, 500, 500];

/** Where the app listens (a wildcard already replaced by loopback). */
export interface AppAddress {
  hostname: string;
  port: number;
}

/** The exchange, once the response head arrived. */
export interface Exchange {
  response: LocalResponse;
  /** resolves when the exchange finished in both directions */
  done: Promise<void>;
}

/**
 * Connections are pooled per app listener and per remote client: requests of one remote
 * connection share a local one, so the app's `getpeername` shows each request's real client.
 */
function poolKey(app: AppAddress, metadata: ConnMetadataResponse | null): string {
  return `${app.hostname}|${app.port}|${metadata?.remote_source ?? ""}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects with mirrord's retry schedule.
 *
 * @param open one attempt
 * @returns the first successful attempt
 */
export async function connectWithRetries<T>(open: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (attempt >= CONNECT_BACKOFF_MS.length) throw error;
      await sleep(CONNECT_BACKOFF_MS[attempt]);
    }
  }
}

interface Idle {
  conn: Http1Connection;
  /** when it became idle (ms) */
  since: number;
}

/** Every pooled connection to the app of one intproxy session. */
export class LocalHttpPool {
  readonly #metadata: ConnMetadataStore;
  readonly #idleMs: number;
  readonly #idle = new Map<string, Idle[]>();
  readonly #h2 = new Map<string, Promise<H2Session>>();
  readonly #busy = new Set<Http1Connection>();
  #closed = false;
  #sweeper: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param metadata where new connections are recorded
   * @param idleMs idle connections close after this long
   */
  constructor(metadata: ConnMetadataStore, idleMs: number) {
    this.#metadata = metadata;
    this.#idleMs = idleMs;
  }

  /**
   * Sends an HTTP/1 request.
   *
   * @param app where
   * @param request the request
   * @param metadata the `ConnMetadata` of a connection opened for it
   * @returns the response
   */
  async sendHttp1(
    app: AppAddress,
    request: LocalRequest,
    metadata: ConnMetadataResponse | null,
  ): Promise<Exchange> {
    const key = poolKey(app, metadata);
    // Without body framing the request has no body (and so can be sent again).
    if (!hasBodyFraming(request.headers)) request = { ...request, frames: [], rest: null };
    let conn = this.#takeIdle(key) ?? await this.#openHttp1(app, metadata);
    try {
      return this.#track(key, conn, await conn.send(request));
    } catch (error) {
      conn.close();
      this.#busy.delete(conn);
      const replay = error instanceof LocalHttpError && error.beforeResponse && conn.reused &&
        request.rest === null;
      if (!replay) throw error;
      conn = await this.#openHttp1(app, metadata);
      try {
        return this.#track(key, conn, await conn.send(request));
      } catch (again) {
        conn.close();
        this.#busy.delete(conn);
        throw again;
      }
    }
  }

  /**
   * Sends an HTTP/2 request over the listener's h2c session.
   *
   * @param app where
   * @param request the request
   * @param metadata the `ConnMetadata` of a session opened for it
   * @returns the response
   */
  async sendH2(
    app: AppAddress,
    request: H2Request,
    metadata: ConnMetadataResponse | null,
  ): Promise<Exchange> {
    const key = poolKey(app, metadata);
    const fresh = !this.#h2.has(key);
    let session = await this.#h2Session(key, app, metadata);
    try {
      return await session.send(request);
    } catch (error) {
      const replay = error instanceof LocalHttpError && error.beforeResponse && !fresh &&
        request.rest === null;
      if (!replay) throw error;
      session.close();
      this.#h2.delete(key);
      session = await this.#h2Session(key, app, metadata);
      return await session.send(request);
    }
  }

  /** Closes every connection. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#sweeper);
    for (const list of this.#idle.values()) {
      for (const idle of list) idle.conn.close();
    }
    this.#idle.clear();
    for (const conn of this.#busy) conn.close();
    this.#busy.clear();
    for (const session of this.#h2.values()) session.then((s) => s.close(), () => {});
    this.#h2.clear();
  }

  async #h2Session(
    key: string,
    app: AppAddress,
    metadata: ConnMetadataResponse | null,
  ): Promise<H2Session> {
    const existing = this.#h2.get(key);
    if (existing) {
      const session = await existing.catch(() => null);
      if (session?.usable) return session;
      if (this.#h2.get(key) === existing) this.#h2.delete(key);
      else return this.#h2Session(key, app, metadata);
    }
    const opening = connectWithRetries(() =>
      this.#metadata.connect(
        () => H2Session.connect(app.hostname, app.port, this.#idleMs),
        metadata,
      )
    ).then(({ conn, forget }) => {
      conn.onClose(forget);
      return conn;
    });
    this.#h2.set(key, opening);
    try {
      return await opening;
    } catch (error) {
      if (this.#h2.get(key) === opening) this.#h2.delete(key);
      throw error;
    }
  }

  #takeIdle(key: string): Http1Connection | null {
    const list = this.#idle.get(key);
    while (list && list.length > 0) {
      const idle = list.pop()!;
      if (idle.conn.reusable && !idle.conn.broken) {
        this.#busy.add(idle.conn);
        return idle.conn;
      }
      idle.conn.close();
    }
    return null;
  }

  async #openHttp1(
    app: AppAddress,
    metadata: ConnMetadataResponse | null,
  ): Promise<Http1Connection> {
    const { conn, forget } = await connectWithRetries(() =>
      this.#metadata.connect(
        () => Deno.connect({ hostname: app.hostname, port: app.port }),
        metadata,
      )
    );
    const http = new Http1Connection(conn, forget);
    this.#busy.add(http);
    return http;
  }

  /** One timer for the whole pool (not one per request): closes connections idle too long. */
  #sweepSoon(): void {
    if (this.#sweeper !== undefined || this.#closed) return;
    this.#sweeper = setTimeout(() => {
      this.#sweeper = undefined;
      const oldest = Date.now() - this.#idleMs;
      let left = false;
      for (const [key, list] of this.#idle) {
        const keep = list.filter((idle) => {
          if (idle.since > oldest) return true;
          idle.conn.close();
          return false;
        });
        if (keep.length > 0) {
          this.#idle.set(key, keep);
          left = true;
        } else this.#idle.delete(key);
      }
      if (left) this.#sweepSoon();
    }, Math.max(50, this.#idleMs / 4));
    Deno.unrefTimer(this.#sweeper);
  }

  #track(key: string, conn: Http1Connection, exchange: Exchange): Exchange {
    exchange.done.then(() => {
      this.#busy.delete(conn);
      if (exchange.response.upgrade) return conn.close(); // the relay owns the socket now
      if (this.#closed || !conn.reusable || conn.broken) return conn.close();
      const list = this.#idle.get(key) ?? [];
      list.push({ conn, since: Date.now() });
      this.#idle.set(key, list);
      this.#sweepSoon();
    });
    return exchange;
  }
}
