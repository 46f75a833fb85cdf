import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asyncStore, Maildir } from "@subagent-mcp/mailbox";
// Here rather than in the mailbox package: the suite is the testkit's, and the testkit depends on mailbox.
import { mailboxConformance } from "../src/mailbox-conformance.js";

mailboxConformance("Maildir", () => {
  const dir = mkdtempSync(join(tmpdir(), "mail-conformance-"));
  return Promise.resolve({
    store: asyncStore(new Maildir(dir, { maxAttempts: 3 })),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});
