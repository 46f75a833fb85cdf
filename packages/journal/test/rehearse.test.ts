import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentJournal } from "../src/index.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

// Every file under `dir` with its size: what a journal has written.
function tree(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) out[entry] = statSync(join(dir, entry)).size;
  return out;
}

describe("AgentJournal.rehearse", () => {
  it("encodes a stand-in launch and writes nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "journal-rehearse-"));
    roots.push(root);
    const journal = new AgentJournal({ dir: join(root, "agents") }, root);
    await journal.writer.flush();
    const before = tree(join(root, "agents"));
    journal.rehearse();
    journal.rehearse();
    await journal.writer.flush();
    expect(tree(join(root, "agents"))).toEqual(before);
  });
});
