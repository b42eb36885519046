/**
 * The remote environment for `mirrord exec` (how-it-works.md §1.5 step 11): ask the agent for the
 * target's variables through the include/exclude lists, then lay the env file, the mapping and the
 * overrides over them.
 *
 * @module
 */
import type { EnvConfig, ResolvedConfig } from "../../schema/mod.ts";
import { CliError } from "../_errors.ts";
import { compileRegex } from "../config/regex_dialect.ts";
import type { AgentLink } from "./agent_link.ts";
import { parseDotenv } from "./dotenv.ts";

/** Wait between retries of a retryable agent failure. */
const RETRY_MS = 500;

/**
 * The `GetEnvVarsRequest` for the env config: exclude → deny-list; include → allow-list; neither
 * → everything.
 *
 * @param env `feature.env`
 * @returns filter (deny) and select (allow) patterns
 * @throws {CliError} when both lists are set
 */
export function envRequest(
  env: EnvConfig,
): { env_vars_filter: string[]; env_vars_select: string[] } {
  if (env.include?.length && env.exclude?.length) {
    throw new CliError(
      "Cannot fetch the remote environment: env.include and env.exclude are both set",
      {
        hint: "keep only one of feature.env.include and feature.env.exclude",
      },
    );
  }
  if (env.exclude?.length) return { env_vars_filter: env.exclude, env_vars_select: [] };
  if (env.include?.length) return { env_vars_filter: [], env_vars_select: env.include };
  return { env_vars_filter: [], env_vars_select: ["*"] };
}

/**
 * Asks the agent for the target's variables, retrying retryable failures every 500 ms; agent
 * log messages on the way are skipped.
 *
 * @param link the CLI's agent connection (negotiated)
 * @param env `feature.env`
 * @param timeoutMs how long to wait in all
 * @param onLog told about agent log messages
 * @returns the agent's variables
 * @throws {CliError} on any other answer
 */
export async function fetchRemoteEnv(
  link: AgentLink,
  env: EnvConfig,
  timeoutMs: number,
  onLog: (message: string) => void = () => {},
): Promise<Record<string, string>> {
  const request = envRequest(env);
  const deadline = Date.now() + timeoutMs;
  const failed = (reason: string, cause?: unknown) =>
    new CliError(
      `Cannot fetch the remote environment: initial agent communication failed: ${reason}`,
      {
        hint:
          "check the agent's logs; set feature.env to false to run without the remote environment",
        cause,
      },
    );
  while (true) {
    try {
      await link.send({ GetEnvVarsRequest: request });
      while (true) {
        const reply = await link.receive(Math.max(1, deadline - Date.now()));
        if (typeof reply === "object" && "LogMessage" in reply) {
          onLog(reply.LogMessage.message);
          continue;
        }
        if (typeof reply === "object" && "GetEnvVarsResponse" in reply) {
          const result = reply.GetEnvVarsResponse;
          if ("Ok" in result) return result.Ok;
          const error = result.Err;
          if (
            typeof error === "object" && "SystemFailure" in error && error.SystemFailure.can_retry
          ) {
            if (Date.now() + RETRY_MS > deadline) throw failed(error.SystemFailure.message);
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
            break;
          }
          throw failed(JSON.stringify(error));
        }
        if (typeof reply === "object" && "Close" in reply) throw failed(reply.Close);
        throw failed(`unexpected ${typeof reply === "string" ? reply : Object.keys(reply)[0]}`);
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw failed((error as Error).message, error);
    }
  }
}

/**
 * Lays the env file, then the mapping (the first regex matching a variable's *name* replaces its
 * value), then the overrides over the fetched variables.
 *
 * @param fetched the agent's variables
 * @param env `feature.env`
 * @param readFile reads the env file (relative paths from the current directory)
 * @returns the remote environment the app gets
 * @throws {CliError} when the env file cannot be read or parsed
 */
export function applyEnvConfig(
  fetched: Record<string, string>,
  env: EnvConfig,
  readFile: (path: string) => string = Deno.readTextFileSync,
): Record<string, string> {
  const vars = { ...fetched };
  if (env.env_file) {
    let text: string;
    try {
      text = readFile(env.env_file);
    } catch (error) {
      throw new CliError(`Cannot read env file "${env.env_file}": ${(error as Error).message}`, {
        hint: "check feature.env.env_file (or --env-file)",
        cause: error,
      });
    }
    try {
      Object.assign(vars, parseDotenv(text));
    } catch (error) {
      throw new CliError(`Cannot parse env file "${env.env_file}": ${(error as Error).message}`, {
        hint: "write one NAME=value per line",
      });
    }
  }
  const mapping = Object.entries(env.mapping ?? {}).map(([pattern, value]) =>
    [compileRegex(pattern), value] as const
  );
  for (const name of Object.keys(vars)) {
    const rule = mapping.find(([regex]) => regex.test(name));
    if (rule) vars[name] = rule[1];
  }
  Object.assign(vars, env.override ?? {});
  return vars;
}

/**
 * The whole remote environment step of exec; empty when `load_from_process` leaves it to the
 * layer.
 *
 * @param link the CLI's agent connection (negotiated)
 * @param config the resolved config
 * @param onLog told about agent log messages
 * @returns the remote environment
 */
export async function remoteEnvironment(
  link: AgentLink,
  config: ResolvedConfig,
  onLog?: (message: string) => void,
): Promise<Record<string, string>> {
  const env = config.feature.env;
  if (env.load_from_process) return {};
  const timeoutMs = (config.agent.communication_timeout ?? 30) * 1000;
  return applyEnvConfig(await fetchRemoteEnv(link, env, timeoutMs, onLog), env);
}
