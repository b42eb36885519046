/**
 * mirrord's iptables guard (how-it-works §3.2): a targeted or ephemeral agent first runs as a
 * small parent that re-runs its own command line as the real agent with
 * `MIRRORD_AGENT_CHILD_PROCESS=true`, waits for that child to exit (or for SIGTERM/SIGINT, which
 * it forwards), and then removes the agent's iptables chains from the target's network namespace
 * — unless the child exited with {@link DIRTY_IPTABLES_EXIT} ("leftover rules found at start":
 * they belong to someone else). So an agent killed with SIGKILL, OOM-killed or crashed never
 * leaves the target's port redirected to a listener that is gone.
 *
 * The child asks the kernel to SIGKILL it when the guard dies (PR_SET_PDEATHSIG), so the agent
 * never outlives its guard. What a SIGKILL of the guard itself leaves: the child dies at once with
 * it, nobody removes the chains, and the target's redirected ports refuse connections until the
 * next agent for the target starts — its dirty check (§3.3 step 7) finds the rules, and with
 * `agent.clean_iptables_on_start` removes them (without it, it reports them and exits 99).
 *
 * @module
 */
import type { AgentArgs } from "./args.ts";
import type { Logger } from "./log.ts";
import { resolveTarget } from "./target/resolve.ts";
import { enterNetworkNamespaceOf } from "./target/namespaces.ts";
import { dieWithParent } from "./ffi/libc.ts";
import { iptablesOf } from "./features/iptables.ts";
import { chainIdentifier, removeLeftovers } from "./features/redirect_chains.ts";

/**
 * V8 flags of the guarded agent: a young generation of 1 MiB (instead of up to 16 MiB, grown
 * under allocation pressure) and V8's size-over-speed tuning keep its heap small under load,
 * within the 100 MiB mirrord gives the agent's pod; `gc` lets it collect dead message buffers
 * promptly (buffer_reclaim.ts). Flags in `DENO_V8_FLAGS` come after these, so they win.
 */
export const AGENT_V8_FLAGS = ["--max-semi-space-size=1", "--optimize-for-size", "--expose-gc"];

/**
 * @param env the guard's environment
 * @returns `DENO_V8_FLAGS` for the agent it starts
 */
export function agentV8Flags(env: Record<string, string | undefined>): string {
  const own = env.DENO_V8_FLAGS?.split(",").filter((flag) => flag !== "") ?? [];
  return [...AGENT_V8_FLAGS, ...own].join(",");
}

/** Exit code of an agent that found leftover iptables rules at start. */
export const DIRTY_IPTABLES_EXIT = 99;
/** Set on the real agent by its guard. */
export const CHILD_PROCESS_ENV = "MIRRORD_AGENT_CHILD_PROCESS";
const SIGKILL = 9;

/**
 * Whether this process must run as the guard: targeted/ephemeral and not the guarded child.
 *
 * @param args the parsed arguments
 * @param env the process environment
 * @returns true for the guard
 */
export function runsAsGuard(args: AgentArgs, env: Record<string, string | undefined>): boolean {
  return args.mode.kind !== "targetless" && env[CHILD_PROCESS_ENV] !== "true";
}

/**
 * The chain identifier of this agent's target.
 *
 * @param args the parsed arguments
 * @param env the process environment (ephemeral: `MIRRORD_AGENT_EPHEMERAL_TARGET_CONTAINER_ID`)
 * @returns the first 20 characters of the container id
 */
export function targetChainIdentifier(
  args: AgentArgs,
  env: Record<string, string | undefined>,
): string {
  const containerId = args.mode.kind === "targeted"
    ? args.mode.containerId
    : env.MIRRORD_AGENT_EPHEMERAL_TARGET_CONTAINER_ID ?? "";
  return chainIdentifier(containerId);
}

/** Called first thing in the guarded child: dies with the guard. */
export function bindLifetimeToGuard(): void {
  dieWithParent(SIGKILL);
}

function ownCommandLine(): string[] {
  const raw = Deno.readTextFileSync("/proc/self/cmdline");
  const parts = raw.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return [Deno.execPath(), ...parts.slice(1)];
}

/**
 * Runs the guard until the child exits, then cleans up and exits with the child's code.
 *
 * @param args the parsed arguments
 * @param env the process environment
 * @param log the agent logger
 */
export async function runIptablesGuard(
  args: AgentArgs,
  env: Record<string, string>,
  log: Logger,
): Promise<never> {
  const target = await resolveTarget(args.mode, env);
  const [program, ...programArgs] = ownCommandLine();
  const child = new Deno.Command(program, {
    args: programArgs,
    env: { ...env, [CHILD_PROCESS_ENV]: "true", DENO_V8_FLAGS: agentV8Flags(env) },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone; its status settles the guard.
      }
    });
  }
  // The child was forked in the agent's own namespace (its client listener belongs there); the
  // guard itself only needs the target's, for the cleanup.
  if (target.pid !== null) enterNetworkNamespaceOf(target.pid);
  const status = await child.status;
  if (status.code === DIRTY_IPTABLES_EXIT) {
    log.info("guard: the agent found leftover iptables rules; leaving them to their owner");
    Deno.exit(DIRTY_IPTABLES_EXIT);
  }
  const id = targetChainIdentifier(args, env);
  const binaries = (["legacy", "nft"] as const).flatMap((flavour) => [
    iptablesOf(flavour, "ipv4"),
    iptablesOf(flavour, "ipv6"),
  ]);
  const problems = await removeLeftovers(binaries, id);
  if (problems.length > 0) {
    log.error(`guard: cannot remove iptables rules: ${problems.join("; ")}`);
  }
  const how = status.signal ? `was killed by ${status.signal}` : `exited with ${status.code}`;
  log.info(`guard: the agent ${how}; iptables chains of "${id}" removed`);
  Deno.exit(status.code);
}
