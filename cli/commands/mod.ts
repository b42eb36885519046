/**
 * The registry of subcommands: one file per verb, attached to the root here. A hidden command
 * parses and runs but is left out of `--help` and shell completions (mirrord's visibility).
 * To add a command: write `commands/<verb>.ts` exporting a builder, add one line below.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { completionsCommand } from "./completions.ts";
import { execCommand } from "./exec.ts";
import { intproxyCommand } from "./intproxy.ts";
import { lsCommand } from "./ls.ts";
import { portForwardCommand } from "./port_forward.ts";
import { verifyConfigCommand } from "./verify_config.ts";

/** A subcommand and whether help shows it. */
export interface CommandEntry {
  build: () => Command<unknown[], Record<string, unknown>>;
  hidden: boolean;
}

/** Every subcommand, in help order. */
export const COMMANDS: CommandEntry[] = [
  { build: completionsCommand, hidden: false },
  { build: execCommand, hidden: false },
  { build: portForwardCommand, hidden: false },
  { build: verifyConfigCommand, hidden: true },
  { build: intproxyCommand, hidden: true },
  { build: lsCommand, hidden: true },
];
