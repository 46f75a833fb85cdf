import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { removeJsonc, setJsonc } from "../src/jsonc.js";

const entry = { command: "node", args: ["/x/main.js"] };

describe("JSONC edits", () => {
  it("adds our server beside the user's, keeping comments, and removes it again", () => {
    const text = '{\n  // my servers\n  "mcpServers": {\n    "mine": { "command": "mine" } // keep me\n  },\n  "theme": "dark",\n}\n';
    const added = setJsonc(text, ["mcpServers", "subagent-mcp"], entry);
    expect(added).toContain("// my servers");
    expect(added).toContain("// keep me");
    expect(added).toContain('"subagent-mcp"');
    const removed = removeJsonc(added, ["mcpServers", "subagent-mcp"]);
    expect(removed).toContain("// keep me");
    expect(removed).not.toContain("subagent-mcp");
  });

  it("adds and removes our entry in arbitrary JSON objects, leaving the data as it was", () => {
    const value = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.constant(null));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "mcpServers"), value, { maxKeys: 5 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "subagent-mcp"), fc.constant({ command: "x" }), { maxKeys: 3 }), fc.constantFrom(2, 4), fc.boolean(), (top, servers, indent, comment) => {
        const obj = { ...top, mcpServers: servers };
        let text = JSON.stringify(obj, null, indent);
        if (comment) text = `// user settings\n${text}\n`;
        const added = setJsonc(text, ["mcpServers", "subagent-mcp"], entry);
        expect(JSON.parse(added.replace(/^\/\/.*\n/, ""))).toMatchObject({ mcpServers: { "subagent-mcp": entry } });
        // Structural removal gives the same data back (byte identity comes from the setup record).
        const removed = removeJsonc(added, ["mcpServers", "subagent-mcp"]);
        expect(JSON.parse(removed.replace(/^\/\/.*\n/, ""))).toEqual(obj);
      }),
      { numRuns: 500 },
    );
  });
});
