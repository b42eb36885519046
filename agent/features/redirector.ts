/**
 * The redirector (how-it-works §3.8.1): while a target port has subscribers, connections to it
 * are redirected by iptables to an agent listener in the target's network namespace.
 *
 * Original destination: Deno gives no access to a socket's fd, so `SO_ORIGINAL_DST` cannot be
 * read. Each redirected port gets its **own** listener (`--to-ports <L_P>`), so the listener that
 * accepted a connection names the original port, and the accepted socket's local address is the
 * original IP: REDIRECT rewrites the destination to the primary address of the interface the
 * connection arrived on (the pod's IP for traffic from outside, 127.0.0.1 / ::1 for traffic
 * from inside the pod). A connection sent to a secondary address of the pod is passed through to
 * the primary one. (TPROXY would keep the address but needs IP_TRANSPARENT on the listener,
 * which Deno cannot set either; an FFI listener would have to do all socket I/O through FFI.)
 *
 * The first port installs the chains; a port whose last subscriber left is unredirected and its
 * listener closed (after `MIRRORD_AGENT_UNUSED_PORT_LINGER_SECS`); connections already accepted
 * carry on. With no port left, the chains are removed.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import { SerialQueue } from "../serial_queue.ts";
import { flushConnections, type FlushSettings } from "./connection_flush.ts";
import type { RedirectChains } from "./redirect_chains.ts";

interface RedirectedPort {
  listener: Deno.TcpListener;
  listenerPort: number;
  lingerTimer?: ReturnType<typeof setTimeout>;
}

function listenAnywhere(): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: "::", port: 0 });
  } catch {
    return Deno.listen({ hostname: "0.0.0.0", port: 0 });
  }
}

/** Redirected ports and their listeners. */
export class Redirector {
  private readonly ports = new Map<number, RedirectedPort>();
  private readonly queue = new SerialQueue();
  private chainsInstalled = false;

  /**
   * @param chains the redirect chains (one per iptables binary in use)
   * @param flush flush_connections settings
   * @param lingerSecs how long an unused port stays redirected
   * @param onConnection called for every accepted connection
   * @param log the agent logger
   */
  constructor(
    private readonly chains: RedirectChains[],
    private readonly flush: FlushSettings,
    private readonly lingerSecs: number,
    private readonly onConnection: (conn: Deno.TcpConn, port: number) => void,
    private readonly log: Logger,
  ) {}

  /** Redirected ports. */
  get redirectedPorts(): number[] {
    return [...this.ports.keys()];
  }

  /**
   * Makes sure a port is redirected (idempotent).
   *
   * @param port the target port
   * @throws {Error} when iptables refuses
   */
  redirect(port: number): Promise<void> {
    return this.queue.run(async () => {
      const existing = this.ports.get(port);
      if (existing) {
        clearTimeout(existing.lingerTimer);
        existing.lingerTimer = undefined;
        return;
      }
      if (!this.chainsInstalled) {
        for (const chains of this.chains) await chains.install();
        this.chainsInstalled = true;
      }
      const listener = listenAnywhere();
      const listenerPort = (listener.addr as Deno.NetAddr).port;
      try {
        for (const chains of this.chains) await chains.redirect(port, listenerPort);
      } catch (error) {
        listener.close();
        for (const chains of this.chains) await chains.unredirect(port, listenerPort);
        await this.removeChainsIfIdle();
        throw error;
      }
      this.ports.set(port, { listener, listenerPort });
      this.acceptLoop(listener, port);
      this.log.info(`port ${port} redirected to the agent (listener port ${listenerPort})`);
      await flushConnections(port, this.flush, (message) => this.log.warn(message));
    });
  }

  /**
   * Stops redirecting a port that has no subscribers left.
   *
   * @param port the target port
   */
  release(port: number): void {
    const redirected = this.ports.get(port);
    if (!redirected || redirected.lingerTimer) return;
    if (this.lingerSecs <= 0) {
      this.queue.run(() => this.unredirect(port));
      return;
    }
    redirected.lingerTimer = setTimeout(
      () => this.queue.run(() => this.unredirect(port)),
      this.lingerSecs * 1000,
    );
  }

  /** Unredirects every port and removes the chains (agent exit). */
  shutdown(): Promise<void> {
    return this.queue.run(async () => {
      for (const port of [...this.ports.keys()]) await this.unredirect(port);
      for (const chains of this.chains) await chains.remove();
      this.chainsInstalled = false;
    });
  }

  private async unredirect(port: number): Promise<void> {
    const redirected = this.ports.get(port);
    if (!redirected) return;
    clearTimeout(redirected.lingerTimer);
    this.ports.delete(port);
    for (const chains of this.chains) await chains.unredirect(port, redirected.listenerPort);
    try {
      redirected.listener.close();
    } catch {
      // Already closed.
    }
    this.log.info(`port ${port} no longer redirected`);
    await this.removeChainsIfIdle();
  }

  private async removeChainsIfIdle(): Promise<void> {
    if (this.ports.size > 0 || !this.chainsInstalled) return;
    for (const chains of this.chains) await chains.remove();
    this.chainsInstalled = false;
  }

  private async acceptLoop(listener: Deno.TcpListener, port: number): Promise<void> {
    try {
      for await (const conn of listener) {
        conn.setNoDelay(true);
        this.onConnection(conn, port);
      }
    } catch {
      // Closed by unredirect.
    }
  }
}
