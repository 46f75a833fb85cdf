import type { AgentEvent } from "@subagent-mcp/core";
import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/** The most of a tool's input, as JSON text, a permission request carries. */
export const PERMISSION_INPUT_BYTES = 4096;

/** A tool's input as a request carries it: as given when small, else its JSON text cut to the bound. */
export function boundedInput(input: unknown): unknown {
  // Input was parsed from JSON, so only undefined has no JSON text.
  const text = JSON.stringify(input ?? null);
  if (Buffer.byteLength(text) <= PERMISSION_INPUT_BYTES) return input;
  // Cut by characters, then trim until the UTF-8 bytes fit (multi-byte text is rare in tool input).
  let cut = text.slice(0, PERMISSION_INPUT_BYTES);
  while (Buffer.byteLength(cut) > PERMISSION_INPUT_BYTES) cut = cut.slice(0, -64);
  return { truncated: true, bytes: Buffer.byteLength(text), json: cut };
}

/**
 * The check of a call to a subagent-mcp server's `launch_agent` (`escalate.check`): a shell command
 * that server runs after the launched agent's first turn. `args` are the call's arguments.
 */
export function launchCheck(tool: string, args: unknown): string | undefined {
  if (!/^mcp__.+__launch_agent$/.test(tool) || typeof args !== "object" || args === null) return undefined;
  const escalate = (args as { escalate?: unknown }).escalate;
  const check = typeof escalate === "object" && escalate !== null ? (escalate as { check?: unknown }).check : undefined;
  return typeof check === "string" && check.trim() !== "" ? check : undefined;
}

/**
 * The normalized request for a tool, from the parts each CLI names in its own way. A launch that
 * carries a check is asked about as the shell command it will run (kind shell, its command the
 * check in full): whoever approves sees it, and Bash rules judge it. `args`: the tool's arguments
 * when the CLI shows them apart from `input`.
 */
export function permissionRequest(
  requestId: string,
  tool: string,
  kind: PermissionKind,
  input: unknown,
  target: { command?: string | undefined; path?: string | undefined; url?: string | undefined } = {},
  args: unknown = input,
): PermissionRequest {
  const check = kind === "mcp" ? launchCheck(tool, args) : undefined;
  if (check !== undefined) return { requestId, tool, kind: "shell", command: check, input: boundedInput(input) };
  return {
    requestId,
    tool,
    kind,
    ...definedFields({ command: target.command, path: target.path, url: target.url }),
    input: boundedInput(input),
  };
}

/**
 * The requests of one session that wait for an answer: each is announced once as a
 * `permission_request` event, answered at most once, and withdrawn (`permission_withdrawn`) when
 * the CLI drops it (turn ended or interrupted, process gone).
 */
export class PendingPermissions {
  readonly #answers = new Map<string, { answer: (decision: PermissionDecision) => void; withdrawn: (() => void) | undefined }>();

  constructor(private readonly emit: (event: AgentEvent) => void) {}

  /** Announces `request`; `answer` is called with the decision, or `withdrawn` if it is withdrawn first. */
  ask(request: PermissionRequest, answer: (decision: PermissionDecision) => void, withdrawn?: () => void): void {
    this.#answers.set(request.requestId, { answer, withdrawn });
    this.emit({ type: "permission_request", request });
  }

  /** Answers a pending request; false when it is not (or no longer) pending. */
  respond(requestId: string, decision: PermissionDecision): boolean {
    const pending = this.#answers.get(requestId);
    if (pending === undefined) return false;
    this.#answers.delete(requestId);
    pending.answer(decision);
    return true;
  }

  /** The CLI dropped this request: it is no longer answerable. */
  withdraw(requestId: string): void {
    const pending = this.#answers.get(requestId);
    if (pending === undefined) return;
    this.#answers.delete(requestId);
    pending.withdrawn?.();
    this.emit({ type: "permission_withdrawn", requestId });
  }

  /** Withdraws every pending request (turn over, process gone). */
  withdrawAll(): void {
    for (const requestId of [...this.#answers.keys()]) this.withdraw(requestId);
  }

  get size(): number {
    return this.#answers.size;
  }
}
