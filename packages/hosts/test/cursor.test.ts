import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURSOR_FRONTMATTER, removeCursorRule, upsertCursorRule } from "../src/hosts/cursor.js";
import { editorInstructionFile, INSTRUCTIONS, planInstructions, removeInstructions } from "../src/instructions.js";
import { BLOCK_BEGIN, BLOCK_END, removeManagedBlock } from "../src/managed-block.js";
import { Drafts } from "../src/files.js";
import { markdownText } from "./arbitraries.js";

const FRONTMATTER = `${CURSOR_FRONTMATTER.join("\n")}\n`;

describe("Cursor project rule (.cursor/rules/subagent-mcp.mdc)", () => {
  it("a new file is our always-applied frontmatter, then the managed block", () => {
    const once = upsertCursorRule("", "Use launch_agent.");
    expect(once).toBe(
      `---\ndescription: How to delegate work to sub-agents through the subagent-mcp MCP tools\nglobs:\nalwaysApply: true\n---\n${BLOCK_BEGIN}\nUse launch_agent.\n${BLOCK_END}\n`,
    );
    expect(upsertCursorRule(once, "Use launch_agent.")).toBe(once);
    expect(removeCursorRule(once)).toBe("");
  });

  it("keeps the user's own frontmatter and lines outside the block, and replaces the block in place", () => {
    const mine = "---\ndescription: team rules\nglobs: src/**\nalwaysApply: false\n---\n# Team\n\nNo force pushes.\n";
    const once = upsertCursorRule(mine, "v1");
    expect(once).toBe(`---\ndescription: team rules\nglobs: src/**\nalwaysApply: false\n---\n# Team\n${BLOCK_BEGIN}\nv1\n${BLOCK_END}\n\nNo force pushes.\n`);
    const edited = `${once}My own line.\n`;
    const v2 = upsertCursorRule(edited, "v2");
    expect(v2).toBe(edited.replace("\nv1\n", "\nv2\n"));
    expect(removeCursorRule(v2)).toBe(`${mine}My own line.\n`);
  });

  it("keeps a file's CRLF and BOM, and the user's edit of our frontmatter", () => {
    const once = upsertCursorRule("\uFEFFnotes\r\n", "x");
    expect(once).toBe(`\uFEFF${CURSOR_FRONTMATTER.join("\r\n")}\r\n${BLOCK_BEGIN}\r\nx\r\n${BLOCK_END}\r\nnotes\r\n`);
    expect(removeCursorRule(once)).toBe("\uFEFFnotes\r\n");
    const tuned = upsertCursorRule("", "x").replace("alwaysApply: true", "alwaysApply: false");
    expect(upsertCursorRule(tuned, "x")).toBe(tuned);
    expect(removeCursorRule(tuned)).toBe(FRONTMATTER.replace("alwaysApply: true", "alwaysApply: false"));
  });

  it("round-trips arbitrary Markdown byte for byte, idempotently", () => {
    fc.assert(
      fc.property(markdownText, (text) => {
        const once = upsertCursorRule(text, INSTRUCTIONS);
        expect(upsertCursorRule(once, INSTRUCTIONS)).toBe(once);
        expect(removeCursorRule(once)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});

describe("editors' instruction files", () => {
  it("Copilot's is .github/copilot-instructions.md with the plain managed block; Cursor's rule gets its frontmatter", () => {
    const copilot = editorInstructionFile("copilot", "/p");
    const cursor = editorInstructionFile("cursor", "/p");
    expect([copilot, cursor]).toEqual(["/p/.github/copilot-instructions.md", "/p/.cursor/rules/subagent-mcp.mdc"]);
    const drafts = new Drafts();
    drafts.set(copilot, null);
    drafts.set(cursor, null);
    const plain = planInstructions(copilot, false, drafts);
    expect(plain.after.startsWith(BLOCK_BEGIN)).toBe(true);
    const rule = planInstructions(cursor, false, drafts);
    expect(rule.after.startsWith(FRONTMATTER + BLOCK_BEGIN)).toBe(true);
    expect(removeInstructions(copilot)).toBe(removeManagedBlock);
    expect(removeInstructions(cursor)(rule.after)).toBe("");
    expect(planInstructions(cursor, true, drafts).after).toBe("");
  });
});
