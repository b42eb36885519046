/**
 * The CLI's error base class. Every error a user can cause derives from it and carries the
 * exit code and a "how to fix" hint; `main.ts` prints it without a stack trace unless
 * `--verbose` is given.
 *
 * @module
 */

/** Options of a {@link CliError}. */
export interface CliErrorOptions {
  /** what the user can do about it; printed after the message */
  hint?: string;
  /** process exit status (1: failed, 2: bad command line) */
  exitCode?: number;
  /** the underlying error, shown with --verbose */
  cause?: unknown;
}

/**
 * A failure the user can act on.
 *
 * @example
 * ```ts
 * throw new CliError('Cannot read config file "x.json": no such file', {
 *   hint: 'check the path given to -f',
 * });
 * ```
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint?: string;

  constructor(message: string, options: CliErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "CliError";
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }

  /** The message and its hint as one line, the way users see it. */
  describe(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/** A bad command line (unknown flag, missing argument); exits 2 like clap-based mirrord. */
export class UsageError extends CliError {
  constructor(message: string, hint = 'run "mirrord --help" for usage') {
    super(message, { hint, exitCode: 2 });
    this.name = "UsageError";
  }
}

/** The command already told the user what failed; only the exit status remains to be set. */
export class ReportedFailure extends CliError {
  constructor(exitCode = 1) {
    super("the command reported its failure", { exitCode });
    this.name = "ReportedFailure";
  }
}
