/**
 * `ConnMetadata` for connections the incoming proxy makes to the user app: the app's `accept`
 * sees our local socket as its peer, and the layer asks which cluster peer that stands for. The
 * store maps (listener address, our local address) → {remote_source, local_address}. A lookup can
 * race the connect that records the entry (both wake the same event loop), so a miss waits for
 * the connects still in progress before answering with the real peer (= "not ours").
 *
 * @module
 */
import type { ConnMetadataRequest, ConnMetadataResponse } from "./_types.ts";

/** How long a lookup waits for connects in progress. */
const PENDING_WAIT_MS = 2000;
/** Entries outlive their connection a little: the app may accept after we closed our side. */
const LINGER_MS = 5000;

/**
 * A socket address in one canonical text form (IPv4-mapped IPv6 as IPv4), so the layer's view of
 * a dual-stack socket matches ours.
 *
 * @param address `"1.2.3.4:80"` or `"[::1]:80"`
 * @returns the canonical form
 */
export function canonicalAddress(address: string): string {
  const mapped = /^\[::ffff:(\d+\.\d+\.\d+\.\d+)\]:(\d+)$/i.exec(address);
  return mapped ? `${mapped[1]}:${mapped[2]}` : address.toLowerCase();
}

/**
 * @param address a socket address text
 * @returns its IP without brackets
 */
export function ipOf(address: string): string {
  return address.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

/**
 * @param hostname an IP
 * @param port a port
 * @returns the socket address text
 */
export function formatAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** The metadata of every live incoming connection. */
export class ConnMetadataStore {
  readonly #entries = new Map<string, ConnMetadataResponse>();
  readonly #pending = new Set<Promise<unknown>>();

  /**
   * Makes a connection to the app and records its metadata before any lookup can miss it.
   *
   * @param open opens the connection
   * @param metadata what the layer reports for it (`null`: nothing to fake)
   * @returns the connection and a function that forgets the entry (after a linger)
   */
  async connect<C extends { localAddr: Deno.Addr }>(
    open: () => Promise<C>,
    metadata: ConnMetadataResponse | null,
  ): Promise<{ conn: C; forget: () => void }> {
    const attempt = (async () => {
      const conn = await open();
      const forget = metadata ? this.record(conn.localAddr as Deno.NetAddr, metadata) : () => {};
      return { conn, forget };
    })();
    this.#pending.add(attempt);
    try {
      return await attempt;
    } finally {
      this.#pending.delete(attempt);
    }
  }

  /**
   * Records a connection.
   *
   * @param local our socket's address (the app's peer)
   * @param metadata what the layer reports instead
   * @returns a function that forgets the entry (after a linger)
   */
  record(local: Deno.NetAddr, metadata: ConnMetadataResponse): () => void {
    const key = canonicalAddress(formatAddress(local.hostname, local.port));
    this.#entries.set(key, metadata);
    let forgotten = false;
    return () => {
      if (forgotten) return;
      forgotten = true;
      const timer = setTimeout(() => {
        if (this.#entries.get(key) === metadata) this.#entries.delete(key);
      }, LINGER_MS);
      Deno.unrefTimer(timer);
    };
  }

  /**
   * Answers a layer's `ConnMetadata`. Unknown connections (a local client of the app) get the real
   * addresses back, which the layer takes as "leave them".
   *
   * @param request the layer's request
   * @returns the answer
   */
  async lookup(request: ConnMetadataRequest): Promise<ConnMetadataResponse> {
    const key = canonicalAddress(request.peer_address);
    let found = this.#entries.get(key);
    const deadline = Date.now() + PENDING_WAIT_MS;
    while (!found && this.#pending.size > 0 && Date.now() < deadline) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...this.#pending]),
        new Promise((resolve) => timer = setTimeout(resolve, deadline - Date.now())),
      ]);
      clearTimeout(timer);
      found = this.#entries.get(key);
    }
    return found ?? {
      remote_source: request.peer_address,
      local_address: ipOf(request.listener_address),
    };
  }

  /** Number of entries (for tests). */
  get size(): number {
    return this.#entries.size;
  }
}
