import { deepEqual, equal } from "node:assert/strict";
import { selectEnv, wildcard } from "./env.ts";

Deno.test("wildcard() matches whole names with * and ?", () => {
  equal(wildcard("DB_*").test("DB_HOST"), true);
  equal(wildcard("DB_*").test("MY_DB_HOST"), false);
  equal(wildcard("A?C").test("ABC"), true);
  equal(wildcard("A?C").test("AC"), false);
  equal(wildcard("a.b").test("axb"), false);
  equal(wildcard("x").test("X"), false);
});

Deno.test("selectEnv() keeps everything but the built-in excludes when nothing is selected", () => {
  const env = { APP: "1", PATH: "/bin", HOME: "/root", RUST_LOG: "debug", OTHER: "2" };
  deepEqual(selectEnv(env, [], []), { APP: "1", OTHER: "2" });
});

Deno.test("selectEnv() applies include then exclude patterns", () => {
  const env = { DB_HOST: "h", DB_PASS: "p", API_KEY: "k" };
  deepEqual(selectEnv(env, ["*_PASS"], ["DB_*"]), { DB_HOST: "h" });
});

Deno.test("selectEnv() drops built-in excludes even when explicitly included", () => {
  deepEqual(selectEnv({ PATH: "/bin", HOME: "/h" }, [], ["PATH", "HOME"]), {});
});
