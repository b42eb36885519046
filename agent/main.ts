/**
 * The agent (`deno task agent <args>`): mirrord-agent's command line, startup sequence and accept
 * loop. See agent/README.md.
 *
 * Startup: parse arguments → bind the client listener in the agent's own network namespace →
 * resolve the target → enter the target's network namespace (targeted/ephemeral) → print
 * `agent ready - version <v>` → serve clients; exit when no client came within
 * `--communication-timeout`, when the last client left (after `MIRRORD_AGENT_IDLE_TTL`), or when
 * the target exited.
 *
 * @module
 */
import { AgentArgs, ArgsError, parseAgentArgs, USAGE } from "./args.ts";
import { type AgentContext, ClientConnection } from "./client_connection.ts";
import { createLogger, type Logger } from "./log.ts";
import { AGENT_VERSION } from "./version.ts";
import { resolveTarget } from "./target/resolve.ts";
import { enterNetworkNamespaceOf } from "./target/namespaces.ts";
import { dnsOverridesFromEnv, TargetResolver } from "./features/dns.ts";
import { TargetlessIncoming, UnavailableIncoming } from "./features/incoming.ts";

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
    const pid = this.context.target.pid;
    if (pid === null) return;
    const timer = setInterval(async () => {
      if (targetAlive(pid)) return;
      clearInterval(timer);
      const reason = `The target process ${pid} exited — the agent stops with it`;
      await Promise.all([...this.clients].map((client) => client.closeWith(reason)));
      this.exit(0, reason);
    }, TARGET_POLL_MS);
  }

  private exit(code: number, reason: string): never {
    if (code === 0) this.log.info(`exiting: ${reason}`);
    else this.log.error(`exiting: ${reason}`);
    Deno.exit(code);
  }
}

async function main(): Promise<void> {
  const env = Deno.env.toObject();
  const log = createLogger(env);
  let args: AgentArgs;
  try {
    args = parseAgentArgs(Deno.args, env);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`[agent] ${error.message}\n${USAGE}`);
    Deno.exit(2);
  }
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
        : new UnavailableIncoming(),
    };
    const idleTtl = Number(env.MIRRORD_AGENT_IDLE_TTL ?? "0");
    const agent = new Agent(args, listener, context, Number.isFinite(idleTtl) ? idleTtl : 0);
    console.log(`agent ready - version ${AGENT_VERSION}`);
    await agent.run();
  } catch (error) {
    log.error((error as Error).message);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
