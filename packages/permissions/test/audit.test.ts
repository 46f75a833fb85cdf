import { appendFileSync, chmodSync, existsSync, rmSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditEntrySchema, AuditLog, defaultAuditPath } from "../src/index.js";

const entry = {
  by: "rule" as const,
  agentId: "a1",
  requestId: "r1",
  tool: "Bash",
  request: "Bash: npm test",
  decision: "allow" as const,
  rule: "Bash(npm test:*)",
  reason: "allowed by rule",
};

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "permissions-audit-"));
  dirs.push(dir);
  return dir;
}
const mode = (path: string): number => statSync(path).mode & 0o777;
const lines = (path: string): unknown[] =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("AuditLog", () => {
  it("lives in the private state folder by default", () => {
    expect(defaultAuditPath({ XDG_STATE_HOME: "/s" }, "/h")).toBe("/s/subagent-mcp/permissions.jsonl");
    expect(defaultAuditPath({}, "/h")).toBe("/h/.local/state/subagent-mcp/permissions.jsonl");
  });

  it("appends one schema-valid JSON line per entry, 0600 in a 0700 folder", () => {
    const path = join(scratch(), "state", "subagent-mcp", "permissions.jsonl");
    const log = new AuditLog({ path });
    log.record(entry);
    log.record({ ...entry, by: "orchestrator", decision: "deny", rule: undefined, at: "2026-01-01T00:00:00.000Z" });
    const written = lines(path).map((line) => AuditEntrySchema.parse(line));
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({ by: "orchestrator", decision: "deny", at: "2026-01-01T00:00:00.000Z" });
    expect(mode(path)).toBe(0o600);
    expect(mode(join(path, ".."))).toBe(0o700);
  });

  it("narrows a file and folder created with wider modes", () => {
    const dir = join(scratch(), "wide");
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const path = join(dir, "permissions.jsonl");
    writeFileSync(path, "", { mode: 0o644 });
    chmodSync(path, 0o644);
    new AuditLog({ path }).record(entry);
    expect(mode(path)).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
  });

  it("rotates to .1 before passing its bound, keeping one old file", () => {
    const path = join(scratch(), "permissions.jsonl");
    const bytes = Buffer.byteLength(`${JSON.stringify({ ...entry, requestId: "a-0", at: new Date().toISOString() })}\n`);
    const log = new AuditLog({ path, maxBytes: bytes * 3 });
    for (let i = 0; i < 3; i += 1) log.record({ ...entry, requestId: `a-${i}` });
    expect(existsSync(`${path}.1`)).toBe(false);
    log.record({ ...entry, requestId: "b-0" });
    expect(lines(`${path}.1`)).toHaveLength(3);
    expect(lines(path)).toMatchObject([{ requestId: "b-0" }]);
    for (let i = 1; i < 4; i += 1) log.record({ ...entry, requestId: `b-${i}` });
    expect(lines(`${path}.1`)).toMatchObject([{ requestId: "b-0" }, { requestId: "b-1" }, { requestId: "b-2" }]);
    expect(lines(path)).toMatchObject([{ requestId: "b-3" }]);
    expect(statSync(path).size).toBeLessThanOrEqual(bytes * 3);
    expect(mode(path)).toBe(0o600);
  });

  it("counts what other writers appended towards its bound", () => {
    const path = join(scratch(), "permissions.jsonl");
    const log = new AuditLog({ path, maxBytes: 4096 });
    log.record({ ...entry, requestId: "mine" });
    appendFileSync(path, `${"x".repeat(4000)}\n`);
    log.record({ ...entry, requestId: "after" });
    expect(readFileSync(`${path}.1`, "utf8")).toContain("xxxx");
    expect(lines(path)).toMatchObject([{ requestId: "after" }]);
  });

  it("never throws into the caller, and reports a failing file once", () => {
    // A folder that is a file: fails for root too.
    const blocker = join(scratch(), "blocker");
    writeFileSync(blocker, "");
    const warnings: string[] = [];
    const log = new AuditLog({ path: join(blocker, "permissions.jsonl"), warn: (message) => warnings.push(message) });
    expect(() => {
      log.record(entry);
      log.record(entry);
    }).not.toThrow();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("cannot write the permission audit log");
  });
});
