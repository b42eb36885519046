/**
 * `mirrord intproxy [--port N] [--log-destination PATH] [--mirrord-for-ci] …` (hidden, like
 * mirrord's): runs the internal proxy of one session. `mirrord exec` starts it with
 * `MIRRORD_RESOLVED_CONFIG` and friends in its environment; words after the known flags are
 * ignored (mirrord passes debug text there).
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { runIntproxy } from "../../intproxy/main.ts";

/**
 * Builds the `intproxy` command.
 *
 * @returns the command
 */
export function intproxyCommand() {
  return new Command("intproxy")
    .description("run the internal proxy of a session (started by `mirrord exec`)")
    .option("--port <PORT>", "port of the layer listener on 127.0.0.1 (default: any free one)")
    .option("--log-destination <PATH>", "log file (default: internal_proxy.log_destination)")
    .option("--mirrord-for-ci", "record the PID for `mirrord ci stop`")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (options) => {
      const code = await runIntproxy({
        port: options.port === undefined ? undefined : Number(options.port),
        logDestination: options.logDestination,
        mirrordForCi: options.mirrordForCi ?? false,
      });
      // The intproxy is the whole process: leave at once, whatever handles remain.
      Deno.exit(code);
    });
}
