import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit, denySuite, reachedModel, runOnce } from "./deny-e2e.js";

// Deny rules hold on Gemini CLI whatever it would do on its own: commands it was told to allow or
// deems safe, files it reads without asking, MCP tools (a policy file makes every acting tool ask).
const suite = denySuite("gemini");

describe("deny rules on gemini: its own tools", () => {
  const SECRET = "SECRET=gemini-notes-7730";
  // Gemini CLI keeps .env from read_file on its own: the rule guards an ordinary file here.
  it("deny Read(./notes.txt): read_file, which Gemini CLI runs without asking, never reads it", { timeout: 120_000 }, async () => {
    const s = await suite.start();
    writeFileSync(join(s.env.cwd, "notes.txt"), SECRET);
    const prompt = `[[tool:read_file|${JSON.stringify({ file_path: "notes.txt" })}]]`;
    await runOnce(s, { provider: "gemini", prompt, permissions: { deny: ["Read(./notes.txt)"] } }, true);
    expect(reachedModel(s, "gemini", SECRET)).toBe(false);
    expect(audit(s)).toContainEqual(expect.objectContaining({ decision: "deny", by: "rule", rule: "Read(./notes.txt)" }));
  });
});
