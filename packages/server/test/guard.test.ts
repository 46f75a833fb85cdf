import { CoreError } from "@subagent-mcp/core";
import { JournalError } from "@subagent-mcp/journal";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ServerError } from "../src/errors.js";
import { guard } from "../src/answers/result.js";

const text = (r: { content: unknown }): string => (r.content as { text: string }[])[0]?.text ?? "";

describe("guard", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("answers our errors, of any package, with their message", async () => {
    for (const error of [
      new ServerError("INVALID_ARGUMENT", "cwd must exist"),
      new CoreError("AGENT_NOT_FOUND", "no agent x"),
      new JournalError("JOURNAL_UNWRITABLE", "disk full"),
    ]) {
      const result = await guard(() => {
        throw error;
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toBe(error.message);
      expect(result._meta).toBeUndefined();
    }
  });

  it("does not pass a Node error (ENOENT, ERR_*) off as advice: it is called an internal error and its stack goes to stderr", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (const code of ["ENOENT", "ERR_INVALID_ARG_TYPE"]) {
      const result = await guard(() => {
        throw Object.assign(new Error(`${code}: something broke`), { code });
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^internal error in subagent-mcp \(a bug; .*\): .*something broke/);
      expect(result._meta).toEqual({ internal: true });
    }
    expect(stderr).toHaveBeenCalledTimes(2);
    expect(String(stderr.mock.calls[0]?.[0])).toContain("guard.test.ts");
  });
});
