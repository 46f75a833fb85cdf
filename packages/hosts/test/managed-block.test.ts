import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BLOCK_BEGIN, BLOCK_END, removeManagedBlock, upsertManagedBlock } from "../src/managed-block.js";

const CONTENT = "Use launch_agent to delegate.\nCall wait to collect results.";

describe("managed block", () => {
  it("goes right after the first heading, keeps the rest, and is not rewritten when unchanged", () => {
    const text = "# Project\n\nSome rules.\n## Other\n";
    const once = upsertManagedBlock(text, CONTENT);
    expect(once).toBe(`# Project\n${BLOCK_BEGIN}\nUse launch_agent to delegate.\nCall wait to collect results.\n${BLOCK_END}\n\nSome rules.\n## Other\n`);
    expect(upsertManagedBlock(once, CONTENT)).toBe(once);
    expect(removeManagedBlock(once)).toBe(text);
  });

  it("keeps a BOM and CRLF line endings, and replaces an old block in place", () => {
    const text = "\uFEFF# T\r\nbody\r\n";
    const v1 = upsertManagedBlock(text, "old");
    expect(v1).toBe(`\uFEFF# T\r\n${BLOCK_BEGIN}\r\nold\r\n${BLOCK_END}\r\nbody\r\n`);
    const v2 = upsertManagedBlock(v1, "new");
    expect(v2).toBe(`\uFEFF# T\r\n${BLOCK_BEGIN}\r\nnew\r\n${BLOCK_END}\r\nbody\r\n`);
    expect(removeManagedBlock(v2)).toBe(text);
  });

  it("collapses duplicate blocks into one", () => {
    const dup = `# T\n${BLOCK_BEGIN}\na\n${BLOCK_END}\nmiddle\n${BLOCK_BEGIN}\nb\n${BLOCK_END}\n`;
    expect(upsertManagedBlock(dup, "c")).toBe(`# T\n${BLOCK_BEGIN}\nc\n${BLOCK_END}\nmiddle\n`);
  });

  it("round-trips arbitrary Markdown byte for byte", () => {
    const line = fc.oneof(
      fc.constantFrom("# Title", "## Sub", "", "- item", "text", "```", "<!-- note -->"),
      fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s) && !s.includes("subagent-mcp")),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.constantFrom("\n", "\r\n"), fc.boolean(), fc.boolean(), (lines, eol, bom, finalEol) => {
        const text = (bom ? "\uFEFF" : "") + lines.join(eol) + (finalEol && lines.length > 0 ? eol : "");
        const added = upsertManagedBlock(text, CONTENT);
        expect(added).toContain(BLOCK_BEGIN);
        expect(upsertManagedBlock(added, CONTENT)).toBe(added);
        expect(removeManagedBlock(added)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});
