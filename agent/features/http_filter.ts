/**
 * HTTP filters of steal and mirror subscriptions (`HttpFilter`, how-it-works §3.9.4), compiled
 * once per subscription:
 *
 * - `Header(regex)`: case-insensitive, against each header rendered as `<lower-case name>: <value>`;
 * - `Path(regex)`: case-insensitive, against the path, then against path + `?` + query;
 * - `Method(m)`: case-insensitive equality;
 * - `Composite{all, filters}`: every sub-filter (all) or any;
 * - `Body(Json{query, matches})`: the body parsed as JSON, the RFC 9535 `query` evaluated, each
 *   result (strings as they are, other values as JSON text) against `matches`; a body that is not
 *   JSON matches nothing.
 *
 * Regexes use the shared dialect (cli/config/regex_dialect.ts) so the agent accepts what
 * `mirrord verify-config` accepted. `HeaderJq` is refused at subscription time.
 *
 * @module
 */
import { query as jsonPathQuery } from "jsonpath-rfc9535";
import type { HttpFilter, HttpMethodFilter } from "../../protocol-wasm/mod.ts";
import { compileRegex } from "../../cli/config/regex_dialect.ts";

/** What a filter looks at in one request. */
export interface RequestView {
  method: string;
  /** the path without the query */
  path: string;
  /** the query without `?`, or null */
  query: string | null;
  /** lower-case names */
  headers: [string, string][];
  /** the buffered body (up to the buffering limit), when the filter needs it */
  body: Uint8Array | null;
}

/** A compiled filter. */
export interface HttpMatcher {
  /** whether the request body has to be buffered before matching */
  readonly needsBody: boolean;
  matches(request: RequestView): boolean;
}

/** A filter the agent cannot compile; the subscription is refused with this message. */
export class HttpFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HttpFilterError";
  }
}

function regex(pattern: string): RegExp {
  try {
    return compileRegex(pattern, "i");
  } catch (error) {
    throw new HttpFilterError((error as Error).message);
  }
}

const METHOD_NAMES: Record<string, string> = {
  Get: "GET",
  Head: "HEAD",
  Post: "POST",
  Put: "PUT",
  Delete: "DELETE",
  Connect: "CONNECT",
  Options: "OPTIONS",
  Trace: "TRACE",
  Patch: "PATCH",
};

function methodName(filter: HttpMethodFilter): string {
  return typeof filter === "string" ? METHOD_NAMES[filter] : filter.Other.toUpperCase();
}

function jsonTexts(body: Uint8Array | null, query: string): string[] {
  if (body === null) return [];
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return [];
  }
  return (jsonPathQuery(document as Parameters<typeof jsonPathQuery>[0], query) as unknown[]).map((
    value,
  ) => typeof value === "string" ? value : JSON.stringify(value));
}

/**
 * Compiles a subscription's filter.
 *
 * @param filter the `HttpFilter` value
 * @returns the matcher
 * @throws {HttpFilterError} for a regex outside the dialect or an unsupported filter kind
 */
export function compileHttpFilter(filter: HttpFilter): HttpMatcher {
  if ("Header" in filter) {
    const re = regex(filter.Header);
    return {
      needsBody: false,
      matches: (request) => request.headers.some(([name, value]) => re.test(`${name}: ${value}`)),
    };
  }
  if ("Path" in filter) {
    const re = regex(filter.Path);
    return {
      needsBody: false,
      matches: ({ path, query }) =>
        re.test(path) || (query !== null && re.test(`${path}?${query}`)),
    };
  }
  if ("Method" in filter) {
    const method = methodName(filter.Method);
    return { needsBody: false, matches: (request) => request.method.toUpperCase() === method };
  }
  if ("Composite" in filter) {
    const parts = filter.Composite.filters.map(compileHttpFilter);
    const all = filter.Composite.all;
    return {
      needsBody: parts.some((part) => part.needsBody),
      matches: (request) =>
        all ? parts.every((part) => part.matches(request)) : parts.some((p) => p.matches(request)),
    };
  }
  if ("Body" in filter) {
    const { query, matches } = filter.Body.Json;
    const re = regex(matches);
    try {
      jsonPathQuery({}, query);
    } catch (error) {
      throw new HttpFilterError(`JSONPath "${query}" is invalid: ${(error as Error).message}`);
    }
    return {
      needsBody: true,
      matches: (request) => jsonTexts(request.body, query).some((text) => re.test(text)),
    };
  }
  throw new HttpFilterError(
    "header_filter_jq (HeaderJq) filters are not supported by this agent — use header_filter",
  );
}

/**
 * Splits a request target into path and query.
 *
 * @param target origin-form (`/a?b`) or absolute-form (`http://h/a?b`) target
 * @returns the path (`/` when empty) and the query (null without `?`)
 */
export function splitTarget(target: string): { path: string; query: string | null } {
  let rest = target;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const mark = rest.indexOf("?");
  const path = mark >= 0 ? rest.slice(0, mark) : rest;
  return { path: path || "/", query: mark >= 0 ? rest.slice(mark + 1) : null };
}
