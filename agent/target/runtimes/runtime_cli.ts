/**
 * Runs a container runtime's command-line client (`ctr`, `crictl`) bundled in the agent image,
 * instead of speaking gRPC to the runtime directly.
 *
 * @module
 */
import { RuntimeLookupError } from "./runtime_socket.ts";

/**
 * Runs `command args…` and returns its stdout.
 *
 * @param command the client binary
 * @param args its arguments
 * @returns stdout text
 * @throws {RuntimeLookupError} when the binary is missing or exits non-zero
 */
export async function runRuntimeClient(command: string, args: string[]): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdin: "null" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new RuntimeLookupError(
        `"${command}" is not installed in the agent image — install it next to the agent`,
      );
    }
    throw error;
  }
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new RuntimeLookupError(`"${command} ${args.join(" ")}" failed: ${stderr}`);
  }
  return new TextDecoder().decode(output.stdout);
}
