import { describe } from "vitest";
import { deliveryCases } from "./mailbox/delivery.js";
import type { MakeStore } from "./mailbox/harness.js";
import { retryCases } from "./mailbox/retries.js";
import { waitCases } from "./mailbox/wait.js";

/**
 * The one conformance suite for mailbox backends: declares `describe(label)` with every behaviour a
 * MailboxStore promises (delivery order, claims, threads, broadcasts, acks, retries, dead
 * letters, revive, recover, wait). Each test gets a fresh, empty store from `make` (one that gives up
 * after 3 attempts), closes it, then runs its `cleanup`.
 */
export function mailboxConformance(label: string, make: MakeStore): void {
  describe(label, () => {
    describe("delivery", () => {
      deliveryCases(make);
    });
    describe("acks, retries and dead letters", () => {
      retryCases(make);
    });
    describe("wait", () => {
      waitCases(make);
    });
  });
}
