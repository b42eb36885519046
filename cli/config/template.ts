/**
 * Renders a config file as a template before parsing it, the way mirrord does with Tera:
 * variables `key` (the session key) and `git_branch` (left out when unknown), the function
 * `get_env(name="X", default="y")`, and Tera's `default(value="…")` filter. Rendering is done
 * with nunjucks; an undefined variable is an error, as in Tera.
 *
 * @module
 */
// @ts-types="@types/nunjucks"
import nunjucks from "nunjucks";
import { ConfigError } from "./config_error.ts";

/** What a template can see. */
export interface TemplateContext {
  /** the session key (`{{ key }}`); absent while the `key` field itself is rendered */
  key?: string;
  /** the git branch; absent when it cannot be determined */
  gitBranch?: string;
  /** how `get_env` reads a variable (mirrord reads the process environment) */
  getEnv: (name: string) => string | undefined;
}

type Keywords = Record<string, unknown> & { __keywords?: boolean };

function keywordArgs(args: unknown[]): [unknown[], Keywords] {
  const last = args[args.length - 1] as Keywords | undefined;
  if (last && typeof last === "object" && last.__keywords) return [args.slice(0, -1), last];
  return [args, {}];
}

class TemplateFunctionError extends Error {}

function createEnvironment(context: TemplateContext): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  env.addGlobal("get_env", (...args: unknown[]) => {
    const [positional, keywords] = keywordArgs(args);
    const name = keywords.name ?? positional[0];
    const fallback = "default" in keywords ? keywords.default : positional[1];
    if (typeof name !== "string") {
      throw new TemplateFunctionError('get_env needs a name, e.g. get_env(name="HOME")');
    }
    const value = context.getEnv(name);
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new TemplateFunctionError(
      `environment variable "${name}" is not set and get_env has no default`,
    );
  });
  env.addFilter("default", (value: unknown, ...args: unknown[]) => {
    const [positional, keywords] = keywordArgs(args);
    const fallback = "value" in keywords ? keywords.value : positional[0];
    return value === undefined || value === null ? fallback : value;
  });
  return env;
}

function expressionAt(text: string, line: number, column: number): string | null {
  const row = text.split("\n")[line - 1] ?? "";
  const start = row.lastIndexOf("{{", Math.max(0, column));
  const end = row.indexOf("}}", Math.max(start, 0));
  return start >= 0 && end > start ? row.slice(start, end + 2) : null;
}

function explain(error: Error, text: string): { message: string; hint: string } {
  const raw = error.message;
  const position = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  const where = position ? `line ${position[1]}, column ${position[2]}: ` : "";
  const functionError = /TemplateFunctionError: (.*)/.exec(raw) ?? /Error: (.*)/.exec(raw);
  if (raw.includes("attempted to output null or undefined value")) {
    const expression = position ? expressionAt(text, +position[1], +position[2]) : null;
    return {
      message: `${where}${expression ? `"${expression}" is` : "a variable is"} undefined`,
      hint:
        'templates know "key", "git_branch" (when in a git repository) and get_env(name=…, default=…); add | default(value="…") for a fallback',
    };
  }
  const detail = functionError?.[1] ?? raw.split("\n").pop()?.trim() ?? raw;
  return { message: `${where}${detail}`, hint: "fix the template expression" };
}

/**
 * Renders config text.
 *
 * @param text the raw file text
 * @param context variables and the environment lookup
 * @param source file name, for messages
 * @returns the rendered text
 * @throws {ConfigError} for a template syntax error, an undefined variable or a failing
 *   `get_env`
 * @example
 * ```ts
 * renderConfigTemplate('{"target": "{{ get_env(name="T", default="pod/x") }}"}', {
 *   getEnv: () => undefined,
 * }, "a.json"); // '{"target": "pod/x"}'
 * ```
 */
export function renderConfigTemplate(
  text: string,
  context: TemplateContext,
  source: string,
): string {
  if (!text.includes("{{") && !text.includes("{%") && !text.includes("{#")) return text;
  const variables: Record<string, string> = {};
  if (context.key !== undefined) variables.key = context.key;
  if (context.gitBranch !== undefined) variables.git_branch = context.gitBranch;
  try {
    return createEnvironment(context).renderString(text, variables);
  } catch (error) {
    const { message, hint } = explain(error as Error, text);
    throw new ConfigError(
      `render config template "${source}"`,
      [{ path: "", message, hint }],
      error,
    );
  }
}
