/**
 * `deno task codec encode <kind> '<json>'` → hex; `deno task codec decode <kind> <hex>` → JSON.
 * kind ∈ client (ClientMessage), daemon (DaemonMessage), layer (LocalMessage of
 * LayerToProxyMessage), proxy (LocalMessage of ProxyToLayerMessage); local-link bytes are the
 * `LocalMessage` without the frame's length prefix. JSON is serde_json's externally tagged form
 * with bytes as base64 and integers beyond 2^53 − 1 as decimal strings. A `-` argument is read
 * from standard input.
 *
 * @module
 */
import { KIND, type KindName, wasm } from "./_module.ts";

const USAGE = "usage: deno task codec encode <kind> '<json>' | decode <kind> <hex>  " +
  "(kind: client, daemon, layer, proxy; '-' reads stdin)";

/** A usage or input error: one line, exit code 2. */
export class CodecToolError extends Error {}

/**
 * Hex text → bytes; spaces, newlines and a `0x` prefix are allowed.
 *
 * @param text hex digits
 * @returns the bytes
 * @throws {CodecToolError} for non-hex text or an odd digit count
 */
export function parseHex(text: string): Uint8Array {
  const digits = text.trim().replace(/^0x/i, "").replace(/\s+/g, "");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) {
    throw new CodecToolError(
      "Cannot read the hex argument: expected pairs of hex digits like 0a0631 — check the input",
    );
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Bytes → lower-case hex without separators.
 *
 * @param bytes the bytes
 * @returns their hex text
 */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function kindOf(name: string | undefined): KindName {
  if (name && name in KIND) return name as KindName;
  throw new CodecToolError(
    `Cannot use kind "${name ?? ""}": expected client, daemon, layer or proxy`,
  );
}

/**
 * Runs the tool on its arguments.
 *
 * @param args command-line arguments
 * @param stdin text of standard input, read when an argument is `-`
 * @returns what to print
 * @throws {CodecToolError} for bad usage; `TypeError` for input that is not a valid message
 */
export function runCodecTool(args: string[], stdin: () => string): string {
  const [command, kindName, ...inputs] = args;
  // Hex may come split over several arguments; JSON must be one.
  if (!command || !inputs.length || (command === "encode" && inputs.length > 1)) {
    throw new CodecToolError(USAGE);
  }
  const kind = KIND[kindOf(kindName)];
  const text = inputs[0] === "-" ? stdin() : inputs.join(" ");
  if (command === "encode") return toHex(wasm.encode_json(kind, text));
  if (command === "decode") return wasm.decode_json(kind, parseHex(text));
  throw new CodecToolError(`Cannot run "${command}": ${USAGE}`);
}

if (import.meta.main) {
  try {
    const readStdin = () => new TextDecoder().decode(Deno.readFileSync("/dev/stdin"));
    console.log(runCodecTool(Deno.args, readStdin));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(e instanceof CodecToolError ? 2 : 1);
  }
}
