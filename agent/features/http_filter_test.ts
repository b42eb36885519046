import { equal, throws } from "node:assert/strict";
import {
  compileHttpFilter,
  HttpFilterError,
  type RequestView,
  splitTarget,
} from "./http_filter.ts";

function request(overrides: Partial<RequestView> = {}): RequestView {
  return {
    method: "GET",
    path: "/api/users",
    query: "id=7",
    headers: [["x-user", "Alice"], ["accept", "*/*"]],
    body: null,
    ...overrides,
  };
}

Deno.test("compileHttpFilter() Header matches `name: value` case-insensitively", () => {
  equal(compileHttpFilter({ Header: "^X-User: alice$" }).matches(request()), true);
  equal(compileHttpFilter({ Header: "x-user: bob" }).matches(request()), false);
});

Deno.test("compileHttpFilter() Path tries the path, then path and query", () => {
  equal(compileHttpFilter({ Path: "^/API/users$" }).matches(request()), true);
  equal(compileHttpFilter({ Path: "id=7$" }).matches(request()), true);
  equal(compileHttpFilter({ Path: "id=8" }).matches(request()), false);
});

Deno.test("compileHttpFilter() Method and Composite all/any", () => {
  const post = compileHttpFilter({ Method: "Post" });
  equal(post.matches(request({ method: "post" })), true);
  equal(post.matches(request()), false);
  equal(
    compileHttpFilter({ Method: { Other: "purge" } }).matches(request({ method: "PURGE" })),
    true,
  );
  const both = { filters: [{ Header: "x-user" }, { Method: "Post" as const }] };
  equal(compileHttpFilter({ Composite: { all: true, ...both } }).matches(request()), false);
  equal(compileHttpFilter({ Composite: { all: false, ...both } }).matches(request()), true);
  equal(compileHttpFilter({ Composite: { all: false, filters: [] } }).matches(request()), false);
});

Deno.test("compileHttpFilter() Body evaluates JSONPath on the buffered body", () => {
  const filter = compileHttpFilter({ Body: { Json: { query: "$.user.id", matches: "^4[0-9]$" } } });
  equal(filter.needsBody, true);
  const body = (json: string) => request({ body: new TextEncoder().encode(json) });
  equal(filter.matches(body('{"user":{"id":42}}')), true);
  equal(filter.matches(body('{"user":{"id":7}}')), false);
  equal(filter.matches(body("not json")), false);
});

Deno.test("compileHttpFilter() refuses regexes outside the dialect and jq filters", () => {
  throws(() => compileHttpFilter({ Header: "a(?>b)" }), HttpFilterError);
  throws(() => compileHttpFilter({ HeaderJq: ".x" }), /not supported/);
});

Deno.test("splitTarget() handles origin and absolute forms", () => {
  equal(JSON.stringify(splitTarget("/a?b=1")), '{"path":"/a","query":"b=1"}');
  equal(JSON.stringify(splitTarget("http://h:1/x")), '{"path":"/x","query":null}');
  equal(JSON.stringify(splitTarget("http://h")), '{"path":"/","query":null}');
});
