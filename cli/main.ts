/**
 * The `mirrord` command (`deno task mirrord <args>`). Parses the command line, runs the
 * subcommand and turns failures into one clear message and an exit code; stack traces only
 * with `--verbose`.
 *
 * @module
 */
import { CommanderError } from "commander";
import { stderrColors as pc } from "./terminal_colors.ts";
import { CliError, ReportedFailure, UsageError } from "./_errors.ts";
import { ConfigError } from "./config/config_error.ts";
import { KubeError } from "./kube/kube_errors.ts";
import { buildProgram } from "./program.ts";

function report(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) {
      return 0;
    }
    return report(new UsageError(error.message.replace(/^error: /, "")), verbose);
  }
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof CliError) {
    console.error(`${pc.red("error:")} ${error.describe()}`);
    if (error instanceof ConfigError && error.problems.length > 1) {
      for (const line of error.problemLines()) console.error(`  - ${line}`);
    }
    if (verbose && error.cause) console.error(error.cause);
    return error.exitCode;
  }
  if (error instanceof KubeError) {
    // Kubernetes failures (kubeconfig, API errors, agent start) carry their own next step.
    console.error(`${pc.red("error:")} ${error.describe()}`);
    if (verbose) console.error(error);
    return 1;
  }
  console.error(
    `${pc.red("error:")} ${(error as Error)?.message ?? error} — this is a bug, please report it`,
  );
  if (verbose) console.error(error);
  else console.error("run again with --verbose to see the stack trace");
  return 1;
}

/**
 * Runs the CLI.
 *
 * @param args arguments after the program name
 * @returns the exit status
 */
export async function main(args: string[]): Promise<number> {
  const verbose = args.includes("--verbose");
  try {
    await buildProgram().parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    return report(error, verbose);
  }
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args);
}
