import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, Session } from "@subagent-mcp/core";
import { LEVEL, definedFields } from "@subagent-mcp/contract";
import type { CliDriver } from "@subagent-mcp/drivers";
import { errorMessage } from "@subagent-mcp/errors";

/** The one prompt `doctor --run` sends: short to answer, and cheap. */
export const DOCTOR_PROMPT = "Reply with the single word: ok";

/** The outcome of one real turn: how long it took, and what failed if anything did. */
export interface TurnCheck {
  ok: boolean;
  /** From the send to the end of the turn (or the failure). */
  ms: number;
  /** From the send to the first text of the answer, when there was one. */
  firstTextMs?: number;
  /** The answer's text, or what went wrong. */
  detail: string;
}

// Read-only everywhere (plan: Codex's read-only sandbox, an ACP agent's own read-only session
// mode): the turn needs no tool, and a check must not change anything.

/**
 * One real turn through `driver` exactly as the server runs one (start, send, turn_end) with the
 * user's own login, in an empty temporary directory; the session is killed afterwards.
 */
export async function runOneTurn(driver: CliDriver, timeoutMs = 120_000): Promise<TurnCheck> {
  const cwd = mkdtempSync(join(tmpdir(), "subagent-mcp-doctor-"));
  const t0 = performance.now();
  const since = (): number => Math.round(performance.now() - t0);
  let session: Session | undefined;
  let firstTextMs: number | undefined;
  const errors: string[] = [];
  try {
    const end = await new Promise<Extract<AgentEvent, { type: "turn_end" }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const onEvent = (event: AgentEvent): void => {
        if (event.type === "text") firstTextMs ??= since();
        if (event.type === "error") errors.push(event.message);
        if (event.type === "turn_end") {
          clearTimeout(timer);
          resolve(event);
        }
        if (event.type === "exit") {
          clearTimeout(timer);
          reject(new Error(errors.at(-1) ?? `the CLI exited (${String(event.code ?? event.signal)})`));
        }
      };
      session = driver.start({ cwd, permissionMode: LEVEL.plan }, onEvent);
      session.send(DOCTOR_PROMPT);
    });
    const ms = since();
    const answer = end.result.trim().replace(/\s+/g, " ").slice(0, 120);
    if (end.isError) return { ok: false, ms, ...definedFields({ firstTextMs }), detail: errors.at(-1) ?? answer };
    return { ok: true, ms, ...definedFields({ firstTextMs }), detail: answer };
  } catch (error) {
    return { ok: false, ms: since(), detail: errorMessage(error) };
  } finally {
    await session?.kill().catch(() => undefined);
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** `doctor --run`'s line for one CLI. */
export function turnLine(check: TurnCheck): string {
  const first = check.firstTextMs === undefined ? "" : `, first text after ${check.firstTextMs} ms`;
  return check.ok ? `turn ok in ${check.ms} ms${first}: "${check.detail}"` : `turn FAILED after ${check.ms} ms: ${check.detail}`;
}
