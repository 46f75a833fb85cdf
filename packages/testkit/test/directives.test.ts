import { describe, expect, it } from "vitest";
import { directiveReply, type FakeRequest } from "../src/index.js";

// What a prompt's directive asks the fake for, read from the prompt's text.
const request = (text: string): FakeRequest => ({
  kind: "anthropic",
  path: "/v1/messages",
  model: "m",
  stream: false,
  messages: [],
  tools: ["Bash"],
  wantsJson: false,
  afterToolResult: false,
  lastUserText: text,
});

describe("directives", () => {
  it("a shell command may hold a single ] (a glob's bracket); ]] ends it", () => {
    expect(directiveReply(request("please [[shell:r[m] -f x]] now"), "n")).toEqual({ kind: "shell", command: "r[m] -f x" });
    expect(directiveReply(request("[[shell:touch a]]"), "n")).toEqual({ kind: "shell", command: "touch a" });
  });
});
