/**
 * `-L [local_port:]host:remote_port` of `mirrord port-forward` (how-it-works.md §1.8): listen on
 * `127.0.0.1:<local_port>`; every accepted connection becomes an outgoing connection the agent
 * makes from the target to `host:remote_port`. A host name is resolved by the target's DNS once,
 * on the first connection.
 *
 * @module
 */
import { isIP } from "node:net";
import { UsageError } from "../_errors.ts";
import type { AgentMux } from "./agent_mux.ts";

/** One `-L` mapping. */
export interface LocalForward {
  localPort: number;
  host: string;
  remotePort: number;
}

function port(text: string, what: string, spec: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) {
    throw new UsageError(
      `Cannot use -L "${spec}": ${what} "${text}" is not a port (1-65535)`,
      "write it as [local_port:]host:remote_port, e.g. 8080:api.default:80",
    );
  }
  return value;
}

/**
 * Parses `-L` values.
 *
 * @param specs the values as given
 * @returns the mappings
 * @throws {UsageError} on a malformed value, port 0 or a local port used twice
 * @example
 * ```ts
 * parseLocalForwards(["8080:api:80", "db:5432"]);
 * // [{ localPort: 8080, host: "api", remotePort: 80 }, { localPort: 5432, host: "db", remotePort: 5432 }]
 * ```
 */
export function parseLocalForwards(specs: string[]): LocalForward[] {
  const forwards: LocalForward[] = [];
  for (const spec of specs) {
    const parts = spec.split(":");
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
      throw new UsageError(
        `Cannot use -L "${spec}": expected [local_port:]host:remote_port`,
        "e.g. -L 8080:api.default:80",
      );
    }
    const [local, host, remote] = parts.length === 3 ? parts : [parts[1], ...parts];
    const forward = {
      localPort: port(local, "local port", spec),
      host,
      remotePort: port(remote, "remote port", spec),
    };
    if (forwards.some((f) => f.localPort === forward.localPort)) {
      throw new UsageError(
        `Cannot use -L "${spec}": local port ${forward.localPort} is already forwarded`,
        "give each -L its own local port",
      );
    }
    forwards.push(forward);
  }
  return forwards;
}

async function pump(conn: Deno.TcpConn, id: bigint, mux: AgentMux): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      await mux.write(id, buffer.slice(0, n));
    }
    // This side is done sending; the remote may still answer.
    await mux.write(id, new Uint8Array(0));
  } catch {
    mux.close(id);
  }
}

async function serveConnection(
  conn: Deno.TcpConn,
  forward: LocalForward,
  address: () => Promise<string>,
  mux: AgentMux,
  warn: (message: string) => void,
): Promise<void> {
  conn.setNoDelay(true);
  let writing: Promise<unknown> = Promise.resolve();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    writing.finally(() => {
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    });
  };
  let id: bigint;
  try {
    id = await mux.connect(await address(), {
      onRead: (bytes) => {
        if (bytes.length === 0) {
          writing = writing.then(() => conn.closeWrite()).catch(() => {});
          return;
        }
        writing = writing.then(async () => {
          let written = 0;
          while (written < bytes.length) written += await conn.write(bytes.subarray(written));
        }).catch(() => finish());
      },
      onClose: finish,
    });
  } catch (error) {
    warn(`cannot forward to ${forward.host}:${forward.remotePort}: ${(error as Error).message}`);
    finish();
    return;
  }
  await pump(conn, id, mux);
}

/**
 * Starts listening for every mapping.
 *
 * @param forwards the mappings
 * @param mux the agent multiplexer
 * @param warn where per-connection failures are reported
 * @returns the listeners (close them to stop)
 * @throws {Deno.errors.AddrInUse} when a local port is taken
 */
export function startLocalForwards(
  forwards: LocalForward[],
  mux: AgentMux,
  warn: (message: string) => void,
): Deno.TcpListener[] {
  const listeners: Deno.TcpListener[] = [];
  for (const forward of forwards) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: forward.localPort });
    listeners.push(listener);
    let resolved: Promise<string> | null = null;
    const address = () => {
      if (isIP(forward.host)) return Promise.resolve(`${forward.host}:${forward.remotePort}`);
      resolved ??= mux.resolve(forward.host, forward.remotePort).then((records) => {
        const ipv4 = records.find((r) => isIP(r.ip) === 4);
        if (!ipv4) throw new Error(`"${forward.host}" has no IPv4 address in the target's DNS`);
        return `${ipv4.ip}:${forward.remotePort}`;
      }).catch((error) => {
        resolved = null; // try again on the next connection
        throw error;
      });
      return resolved;
    };
    (async () => {
      try {
        for await (const conn of listener) {
          serveConnection(conn, forward, address, mux, warn);
        }
      } catch {
        // The listener was closed.
      }
    })();
  }
  return listeners;
}
