/**
 * Parses the rendered text of a config file by format, reporting syntax errors with their line
 * and column.
 *
 * @module
 */
import YAML from "yaml";
import { parse as parseToml, TomlError } from "smol-toml";
import { ConfigError } from "./config_error.ts";

/** File formats mirrord reads. */
export type ConfigFormat = "json" | "toml" | "yaml";

/**
 * The format of a config file from its name: `.json` or no extension → JSON, `.toml`,
 * `.yaml`/`.yml`; stdin (`-`) is JSON.
 *
 * @param path the file name
 * @returns the format, or null for an extension mirrord does not read
 */
export function formatOfPath(path: string): ConfigFormat | null {
  const base = path.split("/").pop() ?? path;
  const dot = base.lastIndexOf(".");
  if (path === "-" || dot <= 0) return "json";
  const extension = base.slice(dot + 1);
  if (extension === "json") return "json";
  if (extension === "toml") return "toml";
  if (extension === "yaml" || extension === "yml") return "yaml";
  return null;
}

function lineColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}

function syntaxError(source: string, format: ConfigFormat, detail: string, at?: [number, number]) {
  const where = at ? ` at line ${at[0]}, column ${at[1]}` : "";
  return new ConfigError(`parse config file "${source}"`, [{
    path: "",
    message: `invalid ${format.toUpperCase()}${where}: ${detail}`,
    hint: "fix the syntax (the file is rendered as a template first, then parsed)",
  }]);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    const position = /at position (\d+)/.exec(message);
    const at: [number, number] | undefined = lc
      ? [Number(lc[1]), Number(lc[2])]
      : position
      ? lineColumn(text, Number(position[1]))
      : text.trim() === ""
      ? [1, 1]
      : lineColumn(text, text.length);
    const detail = message.replace(/ in JSON at position.*$/, "").replace(/ \(line.*\)$/, "")
      .replace(/, ".*" is not valid JSON$/s, "");
    throw syntaxError(source, "json", text.trim() === "" ? "the file is empty" : detail, at);
  }
}

function parseTomlText(text: string, source: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const detail = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw syntaxError(source, "toml", detail, [error.line, error.column]);
    }
    throw error;
  }
}

function parseYaml(text: string, source: string): unknown {
  const doc = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const detail = first.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw syntaxError(source, "yaml", detail, pos ? [pos.line, pos.col] : undefined);
  }
  return doc.toJS() ?? {};
}

/**
 * Parses config text.
 *
 * @param text rendered file text
 * @param format its format
 * @param source the file name, for messages
 * @returns the parsed value (a TOML or YAML file with nothing in it is `{}`)
 * @throws {ConfigError} with the line and column of the syntax error
 */
export function parseConfigText(text: string, format: ConfigFormat, source: string): unknown {
  if (format === "json") return parseJson(text, source);
  if (format === "toml") return parseTomlText(text, source);
  return parseYaml(text, source);
}
