import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// By path, not by package name: testkit depends on this package, so it cannot be a dependency here.
import { mailboxConformance } from "../../testkit/src/mailbox-conformance.js";
import { Maildir } from "../src/maildir.js";
import { asyncStore } from "../src/store.js";

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
