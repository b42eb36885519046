/**
 * `mirrord port-forward [EXEC-PARAMS] -L [local_port:]host:remote_port …` (how-it-works.md §1.8):
 * create (or reach) the agent as `exec` does, then forward local ports to addresses as the target
 * sees them — Service names resolved by the cluster's DNS, connections made from the target pod.
 * Runs until interrupted or until the agent goes away. `-R` (reverse) is not implemented.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { CliError, ReportedFailure, UsageError } from "../_errors.ts";
import { ConfigEnv } from "../config/config_env.ts";
import { addExecParamOptions, type ExecParams, execParamsToEnv } from "../config/exec_params.ts";
import { loadConfig } from "../config/load_config.ts";
import { agentConnectorFor } from "../exec/agent_connector.ts";
import { withoutProxyVars } from "../exec/child_env.ts";
import { negotiateVersion } from "../exec/negotiate.ts";
import { Progress } from "../exec/progress.ts";
import { AgentMux } from "../port_forward/agent_mux.ts";
import { parseLocalForwards, startLocalForwards } from "../port_forward/local_forward.ts";

/**
 * Runs the forwards until SIGINT/SIGTERM or the end of the agent session.
 *
 * @param specs the `-L` values
 * @param params EXEC-PARAMS
 * @returns the exit status
 */
export async function portForward(specs: string[], params: ExecParams): Promise<number> {
  if (specs.length === 0) {
    throw new UsageError(
      "Cannot port-forward: no -L given",
      "add -L [local_port:]host:remote_port, e.g. -L 8080:api.default:80",
    );
  }
  const forwards = parseLocalForwards(specs);
  const env = Deno.env.toObject();
  const progress = new Progress(env.MIRRORD_PROGRESS_MODE);
  progress.task("mirrord port-forward");
  progress.warn("port-forward is an unstable feature");
  const loaded = await loadConfig({
    env: ConfigEnv.fromProcess(execParamsToEnv(params)),
    emptyTargetIsFinal: true,
  });
  for (const warning of loaded.warnings) progress.warn(warning);
  const config = loaded.config;
  const connector = agentConnectorFor(config, config.use_proxy ? env : withoutProxyVars(env));
  await connector.prepare?.(progress);
  progress.task(`connecting to the ${connector.description}`);
  const link = await connector.connect();
  await negotiateVersion(link, (config.agent.communication_timeout ?? 30) * 1000);
  const mux = new AgentMux(link);
  const ended = mux.run();
  let listeners: Deno.TcpListener[];
  try {
    listeners = startLocalForwards(forwards, mux, (message) => progress.warn(message));
  } catch (error) {
    mux.stop();
    throw new CliError(`Cannot listen for port-forward: ${(error as Error).message}`, {
      hint: "pick a free local port for -L",
      cause: error,
    });
  }
  for (const f of forwards) {
    progress.info(`127.0.0.1:${f.localPort} → ${f.host}:${f.remotePort} (as the target sees it)`);
  }
  progress.done("Ready! (Ctrl-C stops)");
  const stop = () => mux.stop();
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
  const reason = await ended;
  for (const listener of listeners) listener.close();
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(signal, stop);
  if (reason === "stopped") return 0;
  progress.warn(reason);
  return 1;
}

/**
 * Builds the `port-forward` command.
 *
 * @returns the command
 */
export function portForwardCommand() {
  return addExecParamOptions(
    new Command("port-forward")
      .description("forward local ports to addresses as the target sees them")
      .option(
        "-L, --port-mapping <[LOCAL:]HOST:REMOTE>",
        "forward 127.0.0.1:LOCAL to HOST:REMOTE from the target; repeatable",
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .option("--verbose", "show stack traces of errors"),
  ).action(async (options) => {
    const { portMapping, ...params } = options as ExecParams & { portMapping?: string[] };
    const code = await portForward(portMapping ?? [], params as ExecParams);
    if (code !== 0) throw new ReportedFailure(code);
  });
}
