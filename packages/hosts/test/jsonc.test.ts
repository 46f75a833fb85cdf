import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "./thrown.js";
import { appendJsonc, removeFromJsoncArrays, removeJsonc, setJsonc } from "../src/jsonc.js";

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
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "mcpServers"),
          value,
          { maxKeys: 5 },
        ),
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "subagent-mcp"),
          fc.constant({ command: "x" }),
          { maxKeys: 3 },
        ),
        fc.constantFrom(2, 4),
        fc.boolean(),
        (top, servers, indent, comment) => {
          const obj = { ...top, mcpServers: servers };
          let text = JSON.stringify(obj, null, indent);
          if (comment) text = `// user settings\n${text}\n`;
          const added = setJsonc(text, ["mcpServers", "subagent-mcp"], entry);
          expect(JSON.parse(added.replace(/^\/\/.*\n/, ""))).toMatchObject({ mcpServers: { "subagent-mcp": entry } });
          // Structural removal gives the same data back (byte identity comes from the setup record).
          const removed = removeJsonc(added, ["mcpServers", "subagent-mcp"]);
          expect(JSON.parse(removed.replace(/^\/\/.*\n/, ""))).toEqual(obj);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses text that does not parse, with the line and column of the first error", () => {
    const broken = '{\n  "a": 1,,\n}\n';
    for (const edit of [
      () => setJsonc(broken, ["mcpServers", "x"], entry),
      () => appendJsonc(broken, ["hooks", "Stop"], {}),
      () => removeFromJsoncArrays(broken, ["hooks"], ["Stop"], () => true),
    ]) {
      expect(thrown(edit)).toMatchObject({ code: "UNPARSEABLE", position: { line: 2, column: 10 } });
    }
  });

  it("refuses a key of another type than the one it adds to, instead of adding a second key or replacing the user's value", () => {
    const cases: [() => unknown, string][] = [
      [() => setJsonc('{ "mcpServers": [] }', ["mcpServers", "subagent-mcp"], entry), '"mcpServers" is an array, not an object'],
      [() => setJsonc("[]", ["mcpServers", "subagent-mcp"], entry), "the top level is an array, not an object"],
      [() => appendJsonc('{ "hooks": { "Stop": { "x": 1 } } }', ["hooks", "Stop"], {}), '"hooks.Stop" is an object, not an array'],
      [() => appendJsonc('{ "hooks": true }', ["hooks", "Stop"], {}), '"hooks" is a boolean, not an object'],
    ];
    for (const [edit, why] of cases) {
      const error = thrown(edit);
      expect(error.code).toBe("WRONG_TYPE");
      expect(error.message).toContain(why);
    }
  });
});
