/**
 * The agent itself (what `main.ts` runs once it is not the iptables guard): startup sequence,
 * accept loop and exit rules. See agent/README.md.
 *
 * Startup: bind the client listener in the agent's own network namespace →
 * resolve the target → enter the target's network namespace (targeted/ephemeral) → print
 * `agent ready - version <v>` → serve clients; exit when no client came within
 * `--communication-timeout`, when the last client left (after `MIRRORD_AGENT_IDLE_TTL`), or when
 * the target exited.
 *
 * @module
 */
import type { AgentArgs } from "./args.ts";
import { type AgentContext, ClientConnection } from "./client_connection.ts";
import type { Logger } from "./log.ts";
import { AGENT_VERSION } from "./version.ts";
import { encodeDaemon } from "./wire.ts";
import { resolveTarget } from "./target/resolve.ts";
import { enterNetworkNamespaceOf } from "./target/namespaces.ts";
import { dnsOverridesFromEnv, TargetResolver } from "./features/dns.ts";
import { IncomingTraffic, TargetlessIncoming } from "./features/incoming.ts";
import { incomingSettingsFrom } from "./features/incoming_settings.ts";
import { chooseFlavour, iptablesOf, usableIptables } from "./features/iptables.ts";
import { findLeftovers, RedirectChains, removeLeftovers } from "./features/redirect_chains.ts";
import { Redirector } from "./features/redirector.ts";
import { flushSettingsFrom } from "./features/connection_flush.ts";
import {
  bindLifetimeToGuard,
  CHILD_PROCESS_ENV,
  DIRTY_IPTABLES_EXIT,
  targetChainIdentifier,
} from "./iptables_guard.ts";
import { processGroupId, setProcessGroupId } from "./ffi/libc.ts";
import type { IncomingFeature } from "./client_handle.ts";
import { AgentMetrics, serveMetrics } from "./metrics.ts";
import { reclaimCount } from "./buffer_reclaim.ts";

const TARGET_POLL_MS = 500;

function listen(port: number): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: "::", port });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) throw error;
    return Deno.listen({ hostname: "0.0.0.0", port });
  }
}

function targetAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** The running agent: its listener, clients and exit rules. */
class Agent {
  private readonly clients = new Set<ClientConnection>();
  private nextClientId = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly args: AgentArgs,
    private readonly listener: Deno.TcpListener,
    private readonly context: AgentContext,
    private readonly idleTtlSecs: number,
  ) {}

  /** @param metrics where the agent's figures are exported */
  registerMetrics(metrics: AgentMetrics): void {
    metrics.gauge("mirrord_agent_client_count", "connected clients", () => this.clients.size);
    metrics.gauge(
      "mirrord_agent_client_queued_bytes",
      "bytes queued for clients' sockets",
      () => this.sumOverClients((client) => client.pendingBytes),
    );
    metrics.gauge(
      "mirrord_agent_peer_queued_bytes",
      "bytes clients sent that wait for the peers of their stolen traffic",
      () => this.sumOverClients((client) => client.peerBudget.used),
    );
    const memory: [string, string, keyof Deno.MemoryUsage][] = [
      ["process_resident_memory_bytes", "resident set size", "rss"],
      ["mirrord_agent_js_heap_total_bytes", "V8 heap size", "heapTotal"],
      ["mirrord_agent_js_heap_used_bytes", "V8 heap in use", "heapUsed"],
      ["mirrord_agent_js_external_bytes", "memory of JS buffers outside the V8 heap", "external"],
    ];
    for (const [name, help, field] of memory) {
      metrics.gauge(name, help, () => Deno.memoryUsage()[field]);
    }
    metrics.counter(
      "mirrord_agent_buffer_reclaims_total",
      "young-generation collections asked for to free dead message buffers",
      reclaimCount,
    );
    if (this.context.incoming instanceof IncomingTraffic) {
      this.context.incoming.registerMetrics(metrics);
    }
  }

  private sumOverClients(figure: (client: ClientConnection) => number): number {
    let sum = 0;
    for (const client of this.clients) sum += figure(client);
    return sum;
  }

  private get log(): Logger {
    return this.context.log;
  }

  async run(): Promise<never> {
    this.armIdleTimer(this.args.communicationTimeoutSecs, "first connection timeout");
    this.watchTarget();
    for await (const conn of this.listener) {
      clearTimeout(this.idleTimer);
      conn.setNoDelay(true);
      const client = new ClientConnection(this.nextClientId++, conn, this.context);
      this.clients.add(client);
      this.log.info(
        `client ${client.id} connected from ${(conn.remoteAddr as Deno.NetAddr).hostname}`,
      );
      client.serve().finally(() => this.clientLeft(client));
    }
    return this.exit(1, "the client listener closed");
  }

  private clientLeft(client: ClientConnection): void {
    this.clients.delete(client);
    this.log.info(`client ${client.id} disconnected (${this.clients.size} left)`);
    if (this.clients.size === 0) this.armIdleTimer(this.idleTtlSecs, null);
  }

  private armIdleTimer(seconds: number, error: string | null): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.clients.size > 0) return;
      if (error) this.exit(1, `${error}: no client connected within ${seconds} s`);
      else this.exit(0, "no clients left");
    }, seconds * 1000);
  }

  private watchTarget(): void {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      Deno.addSignalListener(signal, () => this.exit(0, `received ${signal}`));
    }
    const pid = this.context.target.pid;
    if (pid === null) return;
    const timer = setInterval(async () => {
      if (targetAlive(pid)) return;
      clearInterval(timer);
      const reason = `The target process ${pid} exited — the agent stops with it`;
      await Promise.all([...this.clients].map((client) => client.closeWith(reason)));
      await this.exit(0, reason);
    }, TARGET_POLL_MS);
  }

  private async exit(code: number, reason: string): Promise<never> {
    if (code === 0) this.log.info(`exiting: ${reason}`);
    else this.log.error(`exiting: ${reason}`);
    await this.context.incoming.shutdown?.().catch((error) =>
      this.log.error(`Cannot remove the iptables rules: ${(error as Error).message}`)
    );
    Deno.exit(code);
  }
}

const DIRTY_IPTABLES_REASON =
  "Cannot start the agent: mirrord iptables rules are already present in the target's network " +
  "namespace — another mirrord session is running against this target, or a previous agent did " +
  "not clean up. Wait for the other session to end, or set agent.clean_iptables_on_start to " +
  "true (or remove the rules manually) and run again. Rules found: ";

/**
 * An agent that found leftover rules: it accepts its first client, tells it why it cannot serve
 * it, and exits 99 so its guard leaves the rules alone.
 */
async function serveDirty(
  listener: Deno.TcpListener,
  leftovers: string[],
  timeoutSecs: number,
  log: Logger,
): Promise<never> {
  console.log(`agent ready - version ${AGENT_VERSION}`);
  const timer = setTimeout(() => {
    log.error("exiting: first connection timeout (leftover iptables rules found)");
    Deno.exit(DIRTY_IPTABLES_EXIT);
  }, timeoutSecs * 1000);
  for await (const conn of listener) {
    clearTimeout(timer);
    const reason = DIRTY_IPTABLES_REASON + leftovers.join("; ");
    try {
      await conn.write(encodeDaemon({ Close: reason }));
    } catch {
      // The client left; the exit code still tells the story.
    }
    conn.close();
    break;
  }
  log.error(`exiting: leftover iptables rules found: ${leftovers.join("; ")}`);
  Deno.exit(DIRTY_IPTABLES_EXIT);
}

/** The group id the agent's sockets carry, exempt from its own OUTPUT redirect; null if none. */
function agentGroupId(log: Logger): number | null {
  let gid = processGroupId();
  if (gid !== 0) return gid;
  gid = 3000 + Math.floor(Math.random() * (65534 - 3000 + 1));
  try {
    setProcessGroupId(gid);
    return gid;
  } catch (error) {
    log.warn(
      `Cannot give the agent its own group id (${(error as Error).message}); traffic from ` +
        `inside the target to its own ports is not redirected`,
    );
    return null;
  }
}

/** Incoming traffic of a targeted agent, after the dirty-iptables check. */
async function targetedIncoming(
  args: AgentArgs,
  env: Record<string, string>,
  listener: Deno.TcpListener,
  log: Logger,
): Promise<IncomingFeature> {
  const id = targetChainIdentifier(args, env);
  const everywhere = (["legacy", "nft"] as const).flatMap((flavour) => [
    iptablesOf(flavour, "ipv4"),
    iptablesOf(flavour, "ipv6"),
  ]);
  const leftovers = await findLeftovers(everywhere, id);
  if (leftovers.length > 0) {
    if (!args.cleanIptablesOnStart) {
      return await serveDirty(listener, leftovers, args.communicationTimeoutSecs, log);
    }
    const problems = await removeLeftovers(everywhere, id);
    log.warn(
      `removed leftover iptables rules (clean_iptables_on_start): ${leftovers.join("; ")}` +
        (problems.length ? `; could not remove: ${problems.join("; ")}` : ""),
    );
  }
  const flavour = await chooseFlavour(env);
  const gid = agentGroupId(log);
  const warn = (message: string) => log.warn(message);
  const chains = (await usableIptables(flavour)).map((iptables) =>
    new RedirectChains(iptables, id, gid, warn)
  );
  const settings = incomingSettingsFrom(env);
  log.info(`incoming traffic: iptables ${flavour}, chains of "${id}", agent gid ${gid}`);
  return new IncomingTraffic(
    (onConnection) =>
      new Redirector(
        chains,
        flushSettingsFrom(env),
        settings.unusedPortLingerSecs,
        onConnection,
        log,
      ),
    settings,
    AGENT_VERSION,
    log,
  );
}

/**
 * Runs the agent until it exits.
 *
 * @param args the parsed command line
 * @param env the process environment
 * @param log the agent logger
 */
export async function runAgent(
  args: AgentArgs,
  env: Record<string, string>,
  log: Logger,
): Promise<never> {
  if (env[CHILD_PROCESS_ENV] === "true") bindLifetimeToGuard();
  let listener: Deno.TcpListener;
  try {
    listener = listen(args.communicatePort);
  } catch (error) {
    log.error(
      `Cannot listen on port ${args.communicatePort}: ${(error as Error).message} — pick ` +
        `another port with -l`,
    );
    Deno.exit(1);
  }
  let metrics: AgentMetrics | null = null;
  if (args.metrics !== null) {
    metrics = new AgentMetrics();
    try {
      serveMetrics(args.metrics, metrics, log);
    } catch (error) {
      log.error((error as Error).message);
      Deno.exit(1);
    }
  }
  try {
    const target = await resolveTarget(args.mode, env);
    if (target.pid !== null && args.mode.kind !== "targetless") {
      const entry = enterNetworkNamespaceOf(target.pid);
      log.info(
        `target process ${target.pid} (${target.description}): ${entry} its network namespace`,
      );
    }
    const context: AgentContext = {
      target,
      resolver: new TargetResolver(target.root, dnsOverridesFromEnv(env)),
      log,
      incoming: args.mode.kind === "targetless"
        ? new TargetlessIncoming((client, reason) => (client as ClientConnection).closeWith(reason))
        : await targetedIncoming(args, env, listener, log),
    };
    const idleTtl = Number(env.MIRRORD_AGENT_IDLE_TTL ?? "0");
    const agent = new Agent(args, listener, context, Number.isFinite(idleTtl) ? idleTtl : 0);
    if (metrics) agent.registerMetrics(metrics);
    console.log(`agent ready - version ${AGENT_VERSION}`);
    return await agent.run();
  } catch (error) {
    log.error((error as Error).message);
    Deno.exit(1);
  }
}
