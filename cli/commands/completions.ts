/**
 * `mirrord completions <bash|elvish|fish|powershell|zsh>`: prints a completion script covering
 * the visible commands and their options.
 *
 * @module
 */
import { Argument, Command } from "@commander-js/extra-typings";
import { completionScript, SHELLS } from "../completion_scripts.ts";

/**
 * Builds the `completions` command.
 *
 * @returns the command, to attach to the root
 */
export function completionsCommand() {
  return new Command("completions")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "shell to complete for").choices(SHELLS))
    .action((shell, _options, command) => {
      const root = command.parent ?? command;
      Deno.stdout.writeSync(new TextEncoder().encode(completionScript(shell, root)));
    });
}
