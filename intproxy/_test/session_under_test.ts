/**
 * Test fixture: a real intproxy session in this process, connected to a scripted agent, with its
 * log in a temp file the test can read back.
 *
 * @module
 */
import { defaultResolvedConfig, type ResolvedConfig } from "../../schema/mod.ts";
import { AgentConnection, pingAgent } from "../agent_conn.ts";
import { Logger } from "../log.ts";
import { Session } from "../session.ts";
import type { ScriptedAgent } from "./scripted_agent.ts";

/** A running session. */
export interface SessionUnderTest extends AsyncDisposable {
  /** where layers connect */
  address: string;
  session: Session;
  /** resolves with the session's exit status */
  exited: Promise<number>;
  /** the log records written so far */
  logRecords(): Record<string, unknown>[];
}

/**
 * Starts a session against `agent`.
 *
 * @param agent the scripted agent
 * @param tweak changes to the default config (connect_tcp is set already)
 * @param killGraceSecs seconds between SIGTERM and SIGKILL after a failure
 * @returns the session
 */
export async function startSession(
  agent: ScriptedAgent,
  tweak: (config: ResolvedConfig) => void = () => {},
  killGraceSecs = 2,
): Promise<SessionUnderTest> {
  const config = defaultResolvedConfig();
  config.connect_tcp = agent.address;
  config.internal_proxy.log_level = "debug";
  tweak(config);
  const logPath = await Deno.makeTempFile({ prefix: "intproxy_test_", suffix: ".log" });
  const file = Deno.openSync(logPath, { append: true });
  const log = new Logger({
    file,
    filter: config.internal_proxy.log_level,
    json: true,
  });
  const conn = await AgentConnection.connect(agent.address);
  await pingAgent(conn, log, 5000);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const session = new Session({ config, agent: conn, listener, log, killGraceSecs });
  const exited = session.run();
  const logRecords = () =>
    Deno.readTextFileSync(logPath).split("\n").filter(Boolean).map((line) => JSON.parse(line));
  return {
    address: `127.0.0.1:${listener.addr.port}`,
    session,
    exited,
    logRecords,
    async [Symbol.asyncDispose]() {
      session.close();
      await exited;
      file.close();
      await Deno.remove(logPath).catch(() => {});
    },
  };
}
