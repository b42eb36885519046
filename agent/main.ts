/**
 * The agent (`deno task agent <args>`): mirrord-agent's command line. A targeted or ephemeral
 * agent starts as its iptables guard (iptables_guard.ts), which runs this same command line again
 * as the real agent (agent_runtime.ts). The guard loads only what it needs: the agent's features
 * (the protocol codec among them) are loaded by the real agent alone, so the guard costs the pod
 * little memory. See agent/README.md.
 *
 * @module
 */
import { type AgentArgs, ArgsError, parseAgentArgs, USAGE } from "./args.ts";
import { createLogger } from "./log.ts";
import { runIptablesGuard, runsAsGuard } from "./iptables_guard.ts";

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
  if (runsAsGuard(args, env)) {
    try {
      await runIptablesGuard(args, env, log);
    } catch (error) {
      log.error((error as Error).message);
      Deno.exit(1);
    }
  }
  const { runAgent } = await import("./agent_runtime.ts");
  await runAgent(args, env, log);
}

if (import.meta.main) await main();
