import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runCheckCommand } from "../src/process/check-command.js";

// The check runner ends with its shell, yet keeps the end of what the shell wrote (where a test runner says what failed).
const run = (command: string) => runCheckCommand({ command, cwd: tmpdir(), agentId: "a-check", signal: new AbortController().signal, timeoutMs: 60_000 });

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${String(pid)}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

describe("runCheckCommand", () => {
  it("keeps the last line a failing check wrote", async () => {
    const out = await run(`head -c 3000000 /dev/zero | tr "\\0" x; echo; echo "3 tests failed"; exit 3`);
    expect(out).toMatchObject({ ok: false, exitCode: 3 });
    expect(out.output.trimEnd().endsWith("3 tests failed")).toBe(true);
  });

  it("ends with its shell: what it left in the background is killed and does not hold it", async () => {
    const out = await run(`sleep 600 & echo "bg $!"; echo passed`);
    expect(out).toMatchObject({ ok: true, exitCode: 0 });
    const pid = Number(/bg (\d+)/.exec(out.output)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
    expect(out.output).toContain("passed");
  });
});
