import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORY_INDEX_FILE, CategoryIndex } from "@subagent-mcp/journal";
import { afterEach, describe, expect, it } from "vitest";
import { serverHarness, type ServerHarness } from "./harness.js";

let h: ServerHarness | undefined;
let stateDir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("the category index, fed by the journal", () => {
  it("records the turn of an agent launched with a task_category under its category and candidate", async () => {
    stateDir = mkdtempSync(join(tmpdir(), "category-index-"));
    const dir = join(stateDir, "agents");
    h = await serverHarness({ server: { journal: { dir } } });
    const a = await h.call<{ agent_id: string; candidate: { provider: string; model: string } }>("launch_agent", {
      prompt: "index this turn",
      task_category: "coding",
      provider: "codex",
    });
    expect(a.candidate).toMatchObject({ provider: "codex", model: "gpt-6.1-terra" });
    const done = await h.call<{ finished: { is_error: boolean }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 60 });
    expect(done.finished[0]?.is_error).toBe(false);
    // Written after its short debounce, by the server's index (made empty at its start).
    const file = join(dir, CATEGORY_INDEX_FILE);
    await until(() => existsSync(file) && readFileSync(file, "utf8").includes('"coding"'), 5_000);
    const index = CategoryIndex.open(dir);
    expect(index.counts()).toEqual({ coding: { "codex gpt-6.1-terra": 1 } });
    // One turn of its own is not enough for its medians: the category's (the same one turn) stand in.
    const typical = index.typical("coding", { provider: "codex", model: "gpt-6.1-terra" });
    expect(typical).toMatchObject({ turns: 1, source: "category", okRate: 1 });
    expect(typical?.input).toBeGreaterThan(0);
  });
});
