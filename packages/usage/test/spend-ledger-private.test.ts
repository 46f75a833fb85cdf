import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpendLedger } from "../src/index.js";

// Another user's file or folder takes root to make (chown): those checks run only as root.
const asRoot = process.getuid?.() === 0;
const line = `${JSON.stringify({ at: new Date().toISOString(), provider: "claude", cost_usd: 1 })}\n`;

describe("the spend ledger is private state", () => {
  it("a ledger file of ours others could write is narrowed to 0600 and read", () => {
    const state = join(mkdtempSync(join(tmpdir(), "spend-private-")), "state");
    mkdirSync(state, { mode: 0o700 });
    const path = join(state, "spend.jsonl");
    writeFileSync(path, line);
    chmodSync(path, 0o666);
    expect(new SpendLedger(path).entries()).toHaveLength(1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.runIf(asRoot)("a ledger file or a state folder another user can write is refused, naming it", () => {
    const state = join(mkdtempSync(join(tmpdir(), "spend-private-")), "state");
    mkdirSync(state, { mode: 0o700 });
    const path = join(state, "spend.jsonl");
    writeFileSync(path, line);
    chownSync(path, 65534, 65534);
    const ledger = new SpendLedger(path);
    expect(() => ledger.entries()).toThrow(`${path} can be written by another user`);
    chownSync(path, 0, 0);
    chownSync(state, 65534, 65534);
    chmodSync(state, 0o777);
    expect(() => ledger.entries()).toThrow(`${state} can be written by another user (mode 0777`);
    // A turn is not appended to it either (said on stderr).
    ledger.append({ at: new Date().toISOString(), provider: "claude", cost_usd: 2 });
    chmodSync(state, 0o700);
    chownSync(state, 0, 0);
    expect(ledger.entries()).toHaveLength(1);
  });
});
