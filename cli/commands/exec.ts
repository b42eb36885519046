/**
 * `mirrord exec [EXEC-PARAMS] [--] <binary> [args…]` (how-it-works.md §1.5): resolve the config,
 * reach the agent, negotiate, fetch the remote environment, start the intproxy and run the app
 * with the layer; the exit status is the app's. The agent is created in the cluster (or, with
 * `connect_tcp`, already runs there).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { encodeResolvedConfig, MIRRORD_COMPAT_VERSION } from "../../schema/mod.ts";
import { intproxyLogPath } from "../../intproxy/main.ts";
import { CliError, ReportedFailure } from "../_errors.ts";
import { applyOssExperimentalDefaults } from "../config/adjust_config.ts";
import { ConfigEnv } from "../config/config_env.ts";
import { addExecParamOptions, type ExecParams, execParamsToEnv } from "../config/exec_params.ts";
import { loadConfig } from "../config/load_config.ts";
import { agentConnectorFor } from "../exec/agent_connector.ts";
import { childEnvironment, withoutProxyVars } from "../exec/child_env.ts";
import { configSummary } from "../exec/config_summary.ts";
import { executableIsStatic, which } from "../exec/elf_check.ts";
import { startIntproxy } from "../exec/intproxy_process.ts";
import { layerPath } from "../exec/layer_path.ts";
import { checkHttpFilterSupport, negotiateVersion } from "../exec/negotiate.ts";
import { Progress } from "../exec/progress.ts";
import { remoteEnvironment } from "../exec/remote_env.ts";
import { runApp } from "../exec/run_app.ts";

/**
 * Runs `mirrord exec`.
 *
 * @param binary the app as typed
 * @param args its arguments
 * @param params EXEC-PARAMS
 * @returns the app's exit status
 */
export async function execApp(binary: string, args: string[], params: ExecParams): Promise<number> {
  const env = Deno.env.toObject();
  if (env.MIRRORD_RESOLVED_CONFIG) {
    throw new CliError(
      "Cannot run mirrord inside mirrord: MIRRORD_RESOLVED_CONFIG is already set",
      {
        hint: "run this command outside the mirrord session",
      },
    );
  }
  const progress = new Progress(env.MIRRORD_PROGRESS_MODE);
  progress.task(`mirrord exec (cli version ${MIRRORD_COMPAT_VERSION}-ts)`);
  if (/^(docker|podman|nerdctl)$/.test(binary.split("/").pop()!)) {
    progress.warn(`"${binary}" runs containers; use "mirrord container" to run one with mirrord`);
  }
  const loaded = await loadConfig({
    env: ConfigEnv.fromProcess(execParamsToEnv(params)),
    emptyTargetIsFinal: true,
  });
  for (const warning of loaded.warnings) progress.warn(warning);
  const config = loaded.config;
  const outgoing = config.feature.network.outgoing;
  if (params.remoteDns === false && (outgoing.tcp || outgoing.udp)) {
    progress.warn(
      "--no-remote-dns with outgoing traffic enabled: names resolve on this machine but " +
        "connections leave from the target, so cluster-internal names will not resolve",
    );
  }

  const executable = which(binary, env.PATH);
  if (executable === null) {
    throw new CliError(`Cannot run "${binary}": command not found`, {
      hint: "check the command name and PATH",
    });
  }
  if (executableIsStatic(executable)) {
    progress.warn(
      `${executable} is not dynamically linked; mirrord cannot load into it and it will run ` +
        "as if mirrord were not there",
    );
  }
  const layer = layerPath(env);
  const baseEnv = config.use_proxy ? env : withoutProxyVars(env);
  const connector = agentConnectorFor(config, baseEnv);
  applyOssExperimentalDefaults(config);

  await connector.prepare?.(progress);
  progress.task(`connecting to the ${connector.description}`);
  const link = await connector.connect();
  let remote: Record<string, string>;
  let address: string;
  const resolvedConfig = encodeResolvedConfig(config);
  const logPath = intproxyLogPath(config.internal_proxy.log_destination, env.TMPDIR || "/tmp");
  try {
    const timeoutMs = (config.agent.communication_timeout ?? 30) * 1000;
    const version = await negotiateVersion(link, timeoutMs);
    checkHttpFilterSupport(config.feature.network.incoming.http_filter, version);
    remote = await remoteEnvironment(link, config, (m) => progress.warn(`agent: ${m}`));
    const sessionId = crypto.randomUUID();
    progress.info(`session ID: ${sessionId}`);
    address = await startIntproxy({
      resolvedConfig,
      connectInfo: connector.connectInfo,
      sessionId,
      logPath,
      env: baseEnv,
      onStderr: (line) => progress.warn(`internal proxy stderr: ${line}`),
    });
  } finally {
    link.close();
  }

  const childEnv = childEnvironment(
    baseEnv,
    remote,
    { resolvedConfig, intproxyAddress: address, layerPath: layer },
    config.feature.env.unset,
  );
  progress.task("config summary");
  for (const line of configSummary(config, [binary, ...args], loaded.path, logPath)) {
    progress.info(line);
  }
  progress.done("Ready!");
  return await runApp(executable, args, childEnv);
}

/**
 * Builds the `exec` command.
 *
 * @returns the command
 */
export function execCommand() {
  return addExecParamOptions(
    new Command("exec")
      .description("run a local process in the context of the target")
      .argument("<binary>", "the program to run")
      .argument("[args...]", "its arguments (put -- before the program when they look like flags)")
      .option("--verbose", "show stack traces of errors")
      .passThroughOptions(),
  ).action(async (binary, args, options) => {
    const code = await execApp(binary, args ?? [], options as ExecParams);
    if (code !== 0) throw new ReportedFailure(code);
  });
}
