/**
 * dotenv files for `feature.env.env_file`: `NAME=value` lines, optional `export `, `#` comments,
 * values in single quotes (literal), double quotes (`\n`, `\t`, `\"`, `\\` escapes, may span
 * lines) or bare (trimmed, a ` #` starts a comment). `${VAR}` is not expanded.
 *
 * @module
 */

/** A line that is no assignment. */
export class DotenvError extends Error {
  /** @param line 1-based line number @param reason what is wrong */
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = "DotenvError";
  }
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * Parses a dotenv text.
 *
 * @param text the file's contents
 * @returns name → value, later assignments winning
 * @throws {DotenvError} for a malformed line or an unterminated quote
 * @example
 * ```ts
 * parseDotenv('export A=1 # one\nB="x\\ny"'); // { A: "1", B: "x\ny" }
 * ```
 */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/s.exec(line);
    if (!match) throw new DotenvError(lineNo, `expected NAME=value, found "${line}"`);
    const [, name, rest] = match;
    const quote = rest[0];
    if (quote === "'" || quote === '"') {
      let body = rest.slice(1);
      let end = findClosingQuote(body, quote);
      while (end === -1 && i + 1 < lines.length) {
        body += "\n" + lines[++i];
        end = findClosingQuote(body, quote);
      }
      if (end === -1) throw new DotenvError(lineNo, `unterminated ${quote} quote`);
      const raw = body.slice(0, end);
      vars[name] = quote === "'"
        ? raw
        : raw.replace(/\\(.)/gs, (_, c: string) => ESCAPES[c] ?? `\\${c}`);
    } else {
      vars[name] = rest.replace(/\s+#.*$/, "").trim();
    }
  }
  return vars;
}

function findClosingQuote(text: string, quote: string): number {
  for (let i = 0; i < text.length; i++) {
    if (quote === '"' && text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}
