/**
 * Colors for what the CLI prints, decided per stream: only a terminal gets escape codes.
 * picocolors' own default looks at stdout and turns colors on whenever `CI` is set, which put
 * escape codes into captured stderr; `NO_COLOR` and `FORCE_COLOR` keep their usual meaning.
 *
 * @module
 */
import pc from "picocolors";

type Colors = ReturnType<typeof pc.createColors>;

function wantsColor(stream: { isTerminal(): boolean }): boolean {
  if (Deno.env.get("NO_COLOR")) return false;
  const forced = Deno.env.get("FORCE_COLOR");
  if (forced !== undefined) return forced !== "0" && forced !== "false";
  return stream.isTerminal();
}

/** Colors for lines written to stderr (errors, warnings, progress). */
export const stderrColors: Colors = pc.createColors(wantsColor(Deno.stderr));

/** Colors for lines written to stdout. */
export const stdoutColors: Colors = pc.createColors(wantsColor(Deno.stdout));
