/**
 * Errors of the Kubernetes side, each a `Cannot <action>: <state>` message with a next step.
 * These carry no CLI types, so the intproxy (which opens its own port-forward) can use them too;
 * the CLI turns them into `CliError`s at its boundary (`kube_cli_error.ts`).
 *
 * @module
 */

/** A Kubernetes failure a user can act on. */
export class KubeError extends Error {
  /** what to do about it */
  readonly hint: string | undefined;

  /** @param message `Cannot …` sentence @param hint next step @param options the cause */
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KubeError";
    this.hint = hint;
  }

  /** The message and hint as users see them. */
  describe(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

/** The kubeconfig is missing, unreadable or inconsistent. */
export class KubeconfigError extends KubeError {
  /** @param message `Cannot …` sentence @param hint next step @param options the cause */
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(message, hint, options);
    this.name = "KubeconfigError";
  }
}

/** The API server could not be reached (connection, TLS, DNS). */
export class ApiUnreachableError extends KubeError {
  /** @param message `Cannot …` sentence @param hint next step @param options the cause */
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super(message, hint, options);
    this.name = "ApiUnreachableError";
  }
}

/** The Kubernetes `Status` object an API server returns with a failed request. */
export interface KubeStatus {
  code: number;
  reason: string;
  message: string;
}

/** The API server answered a request with an error status. */
export class KubeApiError extends KubeError {
  /** HTTP status, e.g. 403 */
  readonly code: number;
  /** Kubernetes reason, e.g. `Forbidden`, `NotFound` */
  readonly reason: string;
  /** the API server's own message */
  readonly apiMessage: string;

  /**
   * @param action what we tried, e.g. `create the agent Job in namespace "default"`
   * @param status the API server's answer
   * @param hint next step (a default one per reason when omitted)
   */
  constructor(action: string, status: KubeStatus, hint?: string) {
    super(
      `Cannot ${action}: ${status.reason || `HTTP ${status.code}`}` +
        (status.message ? ` (${status.message})` : ""),
      hint ?? defaultHint(status),
    );
    this.name = "KubeApiError";
    this.code = status.code;
    this.reason = status.reason;
    this.apiMessage = status.message;
  }
}

function defaultHint(status: KubeStatus): string {
  switch (status.reason) {
    case "Forbidden":
      return "ask a cluster admin for that permission, or pick a kube context (--context / " +
        "kube_context) whose user has it";
    case "Unauthorized":
      return "the credentials of the kube context were refused; refresh them (log in again) or " +
        "check the kubeconfig";
    case "NotFound":
      return "check the name and the namespace (mirrord ls lists targets)";
    case "AlreadyExists":
      return "run the command again";
    default:
      return "run again with --verbose, and check the cluster's state with kubectl";
  }
}

/**
 * Reads a Kubernetes `Status` from an error response body.
 *
 * @param code HTTP status
 * @param body the response text (JSON `Status`, or anything a proxy may have sent)
 * @returns the status
 * @example
 * ```ts
 * statusFrom(404, '{"kind":"Status","reason":"NotFound","message":"pods \\"x\\" not found"}');
 * ```
 */
export function statusFrom(code: number, body: string): KubeStatus {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed === "object" && parsed.kind === "Status") {
      return {
        code: Number(parsed.code ?? code),
        reason: String(parsed.reason ?? reasonOf(code)),
        message: String(parsed.message ?? ""),
      };
    }
  } catch {
    // Not JSON: a proxy or a non-Kubernetes server answered.
  }
  return { code, reason: reasonOf(code), message: body.trim().slice(0, 300) };
}

function reasonOf(code: number): string {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "AlreadyExists",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return reasons[code] ?? `HTTP ${code}`;
}
