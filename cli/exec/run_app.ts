/**
 * Running the user's app. mirrord `execve`s it; Deno cannot, so the CLI spawns it with inherited
 * stdio, forwards the signals a supervisor would send, and exits with the app's status (a signal
 * death becomes 128 + signal number, as shells report it).
 *
 * @module
 */
import { CliError } from "../_errors.ts";

/** Signals passed on to the app. */
const FORWARDED: Deno.Signal[] = ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH"];
/**
 * Sent by a terminal to the whole foreground process group, app included; forwarded only when
 * stdin is no terminal (then they were aimed at the CLI alone).
 */
const TERMINAL_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGQUIT"];

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/**
 * Spawns the app and waits for it.
 *
 * @param path the executable (resolved)
 * @param args its arguments
 * @param env its whole environment
 * @returns its exit status
 * @throws {CliError} when it cannot be started
 */
export async function runApp(
  path: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  // Listen before spawning: the app may run (and be signalled) before spawn() returns here, and
  // a SIGTERM with no listener would kill the CLI and orphan the app.
  let child: Deno.ChildProcess | undefined;
  const early: Deno.Signal[] = [];
  const forward = (signal: Deno.Signal) => {
    if (!child) {
      early.push(signal);
      return;
    }
    try {
      child.kill(signal);
    } catch {
      // Already exited.
    }
  };
  const interactive = Deno.stdin.isTerminal();
  const signals = interactive ? FORWARDED : [...FORWARDED, ...TERMINAL_SIGNALS];
  const handlers = signals.map((signal) => [signal, () => forward(signal)] as const);
  // A terminal's Ctrl-C reaches the app directly; the CLI must outlive it to report its status.
  const ignored = interactive ? TERMINAL_SIGNALS : [];
  const noop = () => {};
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  for (const signal of ignored) Deno.addSignalListener(signal, noop);
  try {
    child = spawnApp(path, args, env);
    for (const signal of early) forward(signal);
    const status = await child.status;
    if (status.signal) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
    return status.code;
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    for (const signal of ignored) Deno.removeSignalListener(signal, noop);
  }
}

function spawnApp(path: string, args: string[], env: Record<string, string>): Deno.ChildProcess {
  try {
    return new Deno.Command(path, {
      args,
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    if (/argument list too long/i.test(String(error))) {
      throw new CliError(`Cannot run ${path}: the environment is too large (E2BIG)`, {
        hint: "set feature.env.load_from_process to true so the layer loads it instead",
        cause: error,
      });
    }
    throw new CliError(`Cannot run ${path}: ${(error as Error).message}`, {
      hint: "check the command and its permissions",
      cause: error,
    });
  }
}
