import { describe, expect, it } from "vitest";
import { withheldMessaging } from "../src/tools/messages.js";

describe("withheldMessaging", () => {
  it("names the messaging tools a deny or ask rule names on the sub-agent's own server, and only those", () => {
    expect(withheldMessaging({ deny: ["mcp__mailbox__send_to"] }, "mailbox")).toEqual(["send_to"]);
    expect(withheldMessaging({ ask: ["mcp__mailbox__reply"], deny: ["Bash(rm:*)"] }, "mailbox")).toEqual(["reply"]);
    expect(withheldMessaging({ deny: ["mcp__mailbox"] }, "mailbox")).toEqual(["send_to", "inbox", "wait_inbox", "reply"]);
    expect(withheldMessaging({ deny: ["mcp__mailbox__*"] }, "mailbox")).toEqual(["send_to", "inbox", "wait_inbox", "reply"]);
    expect(withheldMessaging({ deny: ["mcp__other__send_to", "mcp__mailbox__nothing"] }, "mailbox")).toEqual([]);
    expect(withheldMessaging(undefined, "mailbox")).toEqual([]);
  });
});
