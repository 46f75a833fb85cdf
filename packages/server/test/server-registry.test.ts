import { Supervisor } from "@subagent-mcp/core";
import { grouped } from "./flat-deps.js";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";

describe("the server registry", () => {
  it("keeps a server going without a control endpoint when its record cannot be written", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "registry-"));
    // Where the servers folder should go, a file: no record, so no endpoint.
    writeFileSync(join(stateDir, "servers"), "");
    const { close } = createServer(grouped({ supervisor: new Supervisor({ drivers: {} }), version: "0", control: { stateDir, cwd: stateDir } }));
    await close();
    expect(existsSync(join(stateDir, "servers"))).toBe(true);
  });
});
