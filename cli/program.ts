/**
 * Builds the root `mirrord` command with every registered subcommand. Kept apart from
 * `main.ts` so tests can render help and completions without starting a process.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { MIRRORD_COMPAT_VERSION } from "../schema/mod.ts";
import { COMMANDS } from "./commands/mod.ts";

/** Help is wrapped at a fixed width so that it reads the same everywhere (and snapshots hold). */
const HELP_WIDTH = 100;

/** The version `mirrord --version` prints. */
export const CLI_VERSION = `${MIRRORD_COMPAT_VERSION}-ts`;

/**
 * Creates the command tree.
 *
 * @returns the root command; `parseAsync` runs it
 * @example
 * ```ts
 * await buildProgram().parseAsync(["verify-config", "a.json"], { from: "user" });
 * ```
 */
export function buildProgram(): Command<[], { verbose?: true }> {
  const program = new Command()
    .name("mirrord")
    .description(
      "Run a local process in the context of a Kubernetes pod: its environment, files, DNS and " +
        "outgoing traffic come from the pod, and the pod's incoming traffic is mirrored or stolen to it.",
    )
    .version(CLI_VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "print help")
    .option("--verbose", "show stack traces of errors")
    .showHelpAfterError(false)
    // exec passes everything after the program name to it (mirrord's trailing arguments)
    .enablePositionalOptions()
    .configureOutput({ outputError: () => {}, getOutHelpWidth: () => HELP_WIDTH })
    .exitOverride();
  program.helpCommand(false);
  for (const entry of COMMANDS) {
    const command = entry.build();
    command.exitOverride().configureOutput({
      outputError: () => {},
      getOutHelpWidth: () => HELP_WIDTH,
    });
    program.addCommand(command, { hidden: entry.hidden });
  }
  return program;
}
