/**
 * Starting the session's intproxy (how-it-works.md §1.5 step 12): `mirrord intproxy
 * --log-destination <path>` with the resolved config and agent whereabouts in its environment; its
 * first stdout line is the address layers connect to. Deno cannot fork, so instead of mirrord's
 * double fork the intproxy detaches itself (own session, stdio on /dev/null) once it printed the
 * address, and the CLI stops waiting for it.
 *
 * @module
 */
import { CliError } from "../_errors.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** What the intproxy needs. */
export interface IntproxyLaunch {
  /** `MIRRORD_RESOLVED_CONFIG` */
  resolvedConfig: string;
  /** `MIRRORD_AGENT_CONNECT_INFO`, when `connect_tcp` is not set */
  connectInfo?: string;
  /** `MIRRORD_SESSION_ID` */
  sessionId: string;
  /** the log file */
  logPath: string;
  /** the CLI's environment */
  env: Record<string, string>;
  /** told about lines the intproxy writes to stderr before it detaches */
  onStderr?: (line: string) => void;
}

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string | null> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) return text ? text : null;
      text += value;
    }
    return text.slice(0, text.indexOf("\n"));
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function forwardLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<string[]> {
  const lines: string[] = [];
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let nl: number;
    while ((nl = rest.indexOf("\n")) !== -1) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      lines.push(line);
      onLine(line);
    }
  }
  if (rest) {
    lines.push(rest);
    onLine(rest);
  }
  return lines;
}

/**
 * Starts the intproxy and reads its address.
 *
 * @param launch see {@link IntproxyLaunch}
 * @returns `127.0.0.1:<port>`
 * @throws {CliError} when it exits or prints something else first
 */
export async function startIntproxy(launch: IntproxyLaunch): Promise<string> {
  const env: Record<string, string> = {
    ...launch.env,
    MIRRORD_RESOLVED_CONFIG: launch.resolvedConfig,
    MIRRORD_SESSION_ID: launch.sessionId,
  };
  if (launch.connectInfo) env.MIRRORD_AGENT_CONNECT_INFO = launch.connectInfo;
  else delete env.MIRRORD_AGENT_CONNECT_INFO;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // A small young generation and size-optimised code: under steal load the intproxy stays
      // near 100 MiB instead of 160 (tests/bench/incoming_e2e_load.ts), throughput unchanged.
      "--v8-flags=--max-semi-space-size=1,--optimize-for-size",
      `--config=${REPO}deno.json`,
      `${REPO}cli/main.ts`,
      "intproxy",
      "--log-destination",
      launch.logPath,
    ],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  child.unref();
  const stderrLines: string[] = [];
  const stderr = forwardLines(child.stderr, (line) => {
    stderrLines.push(line);
    launch.onStderr?.(line);
  });
  const line = await firstLine(child.stdout);
  if (line !== null && /^(\d{1,3}\.){3}\d{1,3}:\d+$/.test(line.trim())) return line.trim();
  await child.status;
  await stderr.catch(() => {});
  const said = stderrLines.map((l) => l.replace(/^\[intproxy\] /, "")).join("; ").trim();
  if (line === null) {
    throw new CliError(
      `Cannot start the internal proxy: ${said || "it exited without an address"}`,
      {
        hint: `see its log at ${launch.logPath}`,
      },
    );
  }
  throw new CliError(
    `Cannot start the internal proxy: it printed "${line}" instead of an address`,
    {
      hint: `see its log at ${launch.logPath}`,
    },
  );
}
