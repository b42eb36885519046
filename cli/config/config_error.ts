/**
 * Configuration problems: each names the JSON path it is about, says what was expected and
 * what was found, and may suggest a fix. A {@link ConfigError} carries one or more of them.
 *
 * @module
 */
import { CliError } from "../_errors.ts";

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** dotted path of the value, e.g. `feature.network.incoming.mode`; empty for the whole file */
  path: string;
  /** what is wrong, e.g. `expected one of "read", "write"; found "reed"` */
  message: string;
  /** how to fix it, e.g. `did you mean "read"?` */
  hint?: string;
}

/**
 * Renders a problem as one line.
 *
 * @param problem the problem
 * @returns `path: message — hint`
 */
export function describeProblem(problem: ConfigProblem): string {
  const where = problem.path ? `${problem.path}: ` : "";
  return `${where}${problem.message}${problem.hint ? ` — ${problem.hint}` : ""}`;
}

/** The configuration cannot be used; exit code 1. */
export class ConfigError extends CliError {
  readonly problems: ConfigProblem[];
  readonly action: string;

  /**
   * @param action what could not be done, e.g. `use config file "a.json"`
   * @param problems what is wrong (at least one)
   */
  constructor(action: string, problems: ConfigProblem[], cause?: unknown) {
    const summary = problems.length === 1
      ? describeProblem(problems[0])
      : `${problems.length} problems`;
    super(`Cannot ${action}: ${summary}`, { exitCode: 1, cause });
    this.name = "ConfigError";
    this.problems = problems;
    this.action = action;
  }

  /** Each problem as its own line, for verify-config's `errors` list and human output. */
  problemLines(): string[] {
    return this.problems.map((p) =>
      p.path ? describeProblem(p) : `Cannot ${this.action}: ${describeProblem(p)}`
    );
  }
}
