/**
 * The intproxy's entry point (how-it-works.md §4.1): decode the config, open the log, connect to
 * the agent and check it answers a ping, bind the layer listener on loopback, print its address as
 * the first stdout line, detach from the CLI's terminal and run the session until it is idle.
 * Started by the CLI as the hidden `mirrord intproxy`; runnable on its own for tests:
 * `deno run -A intproxy/main.ts [--port N] [--log-destination PATH] [--mirrord-for-ci]`.
 *
 * @module
 */
import { decodeResolvedConfig, RESOLVED_CONFIG_ENV, type ResolvedConfig } from "../schema/mod.ts";
import { pingAgent } from "./agent_conn.ts";
import { agentTarget, connectToAgent } from "./agent_connect_info.ts";
import { recordIntproxyPid } from "./ci_store.ts";
import { detachFromTerminal, raiseOpenFileLimit } from "./detach.ts";
import { Logger } from "./log.ts";
import { intproxyLogPath } from "./log_destination.ts";
import { Session } from "./session.ts";

export { intproxyLogPath } from "./log_destination.ts";

/** The intproxy's command-line options (mirrord's names). */
export interface IntproxyOptions {
  /** layer listener port (0 or undefined: any free port) */
  port?: number;
  /** log file; default from `internal_proxy.log_destination` or a temp file */
  logDestination?: string;
  /** record our PID in the `mirrord ci` store */
  mirrordForCi?: boolean;
  /** the environment to read (default: this process's) */
  env?: Record<string, string>;
  /** stay attached to the terminal (tests, container mode) */
  noDetach?: boolean;
}

/** Open-file limit mirrord's intproxy raises itself to. */
const NOFILE_LIMIT = 12288;

function fatal(message: string): number {
  console.error(`[intproxy] ${message}`);
  return 1;
}

function openLog(path: string | null, config: ResolvedConfig): Logger {
  const proxy = config.internal_proxy;
  let file: Deno.FsFile | null = null;
  if (path !== null) {
    const slash = path.lastIndexOf("/");
    if (slash > 0) Deno.mkdirSync(path.slice(0, slash), { recursive: true });
    file = Deno.openSync(path, { append: true, create: true });
  }
  return new Logger({ file, filter: proxy.log_level, json: proxy.json_log });
}

/**
 * Runs the intproxy.
 *
 * @param options see {@link IntproxyOptions}
 * @returns the exit status (0: idle exit; 1: failed start, failed session, or no layer came)
 */
export async function runIntproxy(options: IntproxyOptions = {}): Promise<number> {
  const env = options.env ?? Deno.env.toObject();
  const encoded = env[RESOLVED_CONFIG_ENV];
  if (!encoded) {
    return fatal(
      `Cannot start the internal proxy: ${RESOLVED_CONFIG_ENV} is not set — it is started by ` +
        "`mirrord exec`",
    );
  }
  let config: ResolvedConfig;
  try {
    config = decodeResolvedConfig(encoded);
  } catch (error) {
    return fatal(`Cannot start the internal proxy: ${(error as Error).message}`);
  }
  const containerMode = env.MIRRORD_INTPROXY_CONTAINER_MODE === "true";
  const logPath = containerMode
    ? null
    : options.logDestination ?? intproxyLogPath(config.internal_proxy.log_destination);
  let log: Logger;
  try {
    log = openLog(logPath, config);
  } catch (error) {
    return fatal(`Cannot open the intproxy log "${logPath}": ${(error as Error).message}`);
  }
  log.info("intproxy starting", { pid: Deno.pid, session_id: env.MIRRORD_SESSION_ID ?? null });
  try {
    raiseOpenFileLimit(NOFILE_LIMIT);
  } catch (error) {
    log.debug("cannot raise the open-file limit", { error: (error as Error).message });
  }
  if (options.mirrordForCi) await recordIntproxyPid(Deno.pid).catch(() => {});

  let agent;
  try {
    agent = await connectToAgent(
      agentTarget(config.connect_tcp, env.MIRRORD_AGENT_CONNECT_INFO),
      { config, env },
    );
    await pingAgent(agent, log, (config.agent.communication_timeout ?? 30) * 1000);
  } catch (error) {
    const message = (error as Error).message;
    log.error(message);
    agent?.close();
    return fatal(message.startsWith("Cannot") ? message : `Cannot use the agent: ${message}`);
  }

  let listener: Deno.TcpListener;
  try {
    listener = Deno.listen({ hostname: "127.0.0.1", port: options.port ?? 0 });
  } catch (error) {
    agent.close();
    return fatal(`Cannot listen for layers on 127.0.0.1:${options.port ?? 0}: ${error}`);
  }
  const address = `127.0.0.1:${listener.addr.port}`;
  log.info("listening for layers", { address });
  // The CLI reads only the first line; the empty one is mirrord's.
  Deno.stdout.writeSync(new TextEncoder().encode(`${address}\n\n`));
  if (!options.noDetach && !containerMode && !detachFromTerminal()) {
    log.warn("cannot detach from the terminal; continuing attached");
  }

  const code = await new Session({ config, agent, listener, log }).run();
  log.info("intproxy exiting", { code });
  return code;
}

/**
 * Parses the intproxy's arguments; words it does not know are ignored (mirrord passes debug text
 * after its flags).
 *
 * @param args command-line arguments
 * @returns the options
 */
export function parseIntproxyArgs(args: string[]): IntproxyOptions {
  const options: IntproxyOptions = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => inline ?? args[++i];
    if (flag === "--port") options.port = Number(value());
    else if (flag === "--log-destination") options.logDestination = value();
    else if (flag === "--mirrord-for-ci") options.mirrordForCi = true;
  }
  return options;
}

if (import.meta.main) {
  Deno.exit(await runIntproxy(parseIntproxyArgs(Deno.args)));
}
