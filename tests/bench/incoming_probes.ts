/**
 * Load probes shared by the incoming benchmarks: wrk figures, a process's memory, and one raw TCP
 * connection whose echoed bytes are checked by SHA-256.
 *
 * @module
 */

/** What wrk reports. */
export interface WrkFigures {
  requestsPerSec: number;
  p50: string;
  p99: string;
  errors: string;
}

/**
 * Runs wrk (2 threads, keep-alive) against `url`.
 *
 * @param url the URL
 * @param seconds duration
 * @param connections concurrent connections
 * @returns the figures
 */
export async function wrk(url: string, seconds = 5, connections = 50): Promise<WrkFigures> {
  const out = await new Deno.Command("/usr/bin/wrk", {
    args: ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const grab = (re: RegExp) => re.exec(text)?.[1] ?? "?";
  const errors = [/(Socket errors:.*)/, /(Non-2xx or 3xx responses:.*)/]
    .map((re) => re.exec(text)?.[1]).filter(Boolean).join("; ");
  return {
    requestsPerSec: Number(grab(/Requests\/sec:\s+([\d.]+)/)),
    p50: grab(/\s50%\s+(\S+)/),
    p99: grab(/\s99%\s+(\S+)/),
    errors: errors || "none",
  };
}

/**
 * @param bytes bytes
 * @returns their SHA-256, hex
 */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Any single load-generator operation taking longer than this counts as timed out. */
const OPERATION_TIMEOUT_MS = 30000;

/**
 * Runs `work` but gives up after the operation timeout (the socket is closed by `cancel`).
 *
 * @param work the operation
 * @param cancel closes what `work` waits on
 * @param onTimeout the result when it took too long
 * @returns the result
 */
export async function bounded<T>(work: Promise<T>, cancel: () => void, onTimeout: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => {
      cancel();
      resolve(onTimeout);
    }, OPERATION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What became of one echoed connection. */
export type EchoOutcome = "ok" | "lost" | "corrupt" | "timeout";

/**
 * Sends `size` random bytes on a new connection (then half-closes) and compares what comes back.
 *
 * @param hostname where
 * @param port which port (an echo behind it)
 * @param size bytes each way (at most 65536)
 * @returns ok, lost (nothing back or no connection), corrupt, or timeout
 */
export async function echoOne(hostname: string, port: number, size: number): Promise<EchoOutcome> {
  const payload = crypto.getRandomValues(new Uint8Array(size));
  payload[0] = 0; // Not an HTTP request line: classified as raw at once.
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname, port });
  } catch {
    return "lost";
  }
  const exchange = async (): Promise<EchoOutcome> => {
    const writing = (async () => {
      let at = 0;
      while (at < payload.length) at += await conn.write(payload.subarray(at));
      await conn.closeWrite();
    })();
    const received = new Uint8Array(size + 1);
    let got = 0;
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      if (got + n > received.length) return "corrupt";
      received.set(buffer.subarray(0, n), got);
      got += n;
    }
    await writing;
    if (got !== size) return got === 0 ? "lost" : "corrupt";
    return await sha256(received.subarray(0, got)) === await sha256(payload) ? "ok" : "corrupt";
  };
  const close = () => {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  };
  try {
    return await bounded(exchange().catch(() => "lost" as const), close, "timeout");
  } finally {
    close();
  }
}

/**
 * A process's memory from /proc (all zero once it is gone).
 *
 * @param pid the process
 * @returns KiB: resident now, peak resident, anonymous (not file-backed) resident now
 */
export function readRss(pid: number): { rss: number; peak: number; anon: number } {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: field("VmRSS"), peak: field("VmHWM"), anon: field("RssAnon") };
  } catch {
    return { rss: 0, peak: 0, anon: 0 };
  }
}
