import assert from "node:assert/strict";
import { UsageError } from "../_errors.ts";
import { parseLocalForwards } from "./local_forward.ts";

Deno.test("parseLocalForwards() reads [local:]host:remote and defaults local to remote", () => {
  assert.deepEqual(parseLocalForwards(["8080:api.default:80", "db:5432", "9000:10.0.0.7:9000"]), [
    { localPort: 8080, host: "api.default", remotePort: 80 },
    { localPort: 5432, host: "db", remotePort: 5432 },
    { localPort: 9000, host: "10.0.0.7", remotePort: 9000 },
  ]);
});

Deno.test("parseLocalForwards() rejects port 0, malformed values and a local port used twice", () => {
  assert.throws(() => parseLocalForwards(["0:api:80"]), /local port "0" is not a port/);
  assert.throws(() => parseLocalForwards(["api"]), /expected \[local_port:\]host:remote_port/);
  assert.throws(() => parseLocalForwards(["a:b:c:d"]), UsageError);
  assert.throws(
    () => parseLocalForwards(["8080:a:80", "8080:b:81"]),
    /local port 8080 is already forwarded/,
  );
});
