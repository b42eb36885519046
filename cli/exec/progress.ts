/**
 * What `mirrord exec` tells the user while it prepares the session, on stderr so the app's stdout
 * stays its own. `MIRRORD_PROGRESS_MODE=off` silences it (the app's children inherit that);
 * `json` writes one JSON object per line (`{"type":"info","message":…}`); anything else is text.
 *
 * @module
 */
import { stderrColors as pc } from "../terminal_colors.ts";

type Kind = "task" | "info" | "warning" | "done";

/** Progress output of one command. */
export class Progress {
  readonly #mode: "off" | "json" | "text";
  readonly #encoder = new TextEncoder();

  /** @param mode `MIRRORD_PROGRESS_MODE` */
  constructor(mode: string | undefined) {
    this.#mode = mode === "off" ? "off" : mode === "json" ? "json" : "text";
  }

  #write(kind: Kind, message: string, indent = 0): void {
    if (this.#mode === "off") return;
    const line = this.#mode === "json"
      ? JSON.stringify({ type: kind, message })
      : `${"  ".repeat(indent)}${
        kind === "warning"
          ? pc.yellow(`! ${message}`)
          : kind === "done"
          ? pc.green(`✓ ${message}`)
          : kind === "task"
          ? `* ${message}`
          : `- ${message}`
      }`;
    Deno.stderr.writeSync(this.#encoder.encode(line + "\n"));
  }

  /** @param title a step starting */
  task(title: string): void {
    this.#write("task", title);
  }

  /** @param message a detail of the current step */
  info(message: string): void {
    this.#write("info", message, 1);
  }

  /** @param message something the user should know */
  warn(message: string): void {
    this.#write("warning", message, 1);
  }

  /** @param message the step succeeded */
  done(message: string): void {
    this.#write("done", message);
  }
}
