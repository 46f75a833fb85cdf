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

  // A turn scripted in one message: the k-th tool step once k-1 results followed it, then [[say]].
  const after = (text: string, results: number): FakeRequest => {
    const messages: FakeRequest["messages"] = [{ role: "user", text }];
    for (let i = 1; i <= results; i++) messages.push({ role: "assistant", text: `call ${i}` }, { role: "tool", text: `result ${i}` });
    return { ...request(text), messages, afterToolResult: results > 0 };
  };

  it("several tool directives are steps taken in order, then [[say]] is the final text", () => {
    const text = '[[shell:false]] [[edit:a.txt|hi]] [[tool:Read|{"file_path":"a.txt"}]] [[say:all done]]';
    expect(directiveReply(after(text, 0), "n")).toEqual({ kind: "shell", command: "false" });
    expect(directiveReply(after(text, 1), "n")).toEqual({ kind: "edit", path: "a.txt", content: "hi" });
    expect(directiveReply(after(text, 2), "n")).toEqual({ kind: "tool", name: "Read", input: { file_path: "a.txt" } });
    expect(directiveReply(after(text, 3), "n")).toEqual({ kind: "text", text: "all done" });
  });

  it("without [[say]], the last step's result gets the usual tool done text", () => {
    const text = "[[shell:exit 3]] [[shell:true]]";
    expect(directiveReply(after(text, 1), "n")).toEqual({ kind: "shell", command: "true" });
    expect(directiveReply(after(text, 2), "n")).toEqual({ kind: "text", text: "n tool done: result 2" });
  });

  it("[[say]] alone is the whole answer; a lone tool directive keeps its old behaviour", () => {
    expect(directiveReply(after("hello [[say:just this]]", 0), "n")).toEqual({ kind: "text", text: "just this" });
    expect(directiveReply(after("[[shell:true]]", 1), "n")).toEqual({ kind: "text", text: "n tool done: result 1" });
  });

  it("only the tool results after the last user message count as steps", () => {
    const earlier = after("[[shell:one]] [[shell:two]]", 2).messages;
    const text = "[[shell:three]] [[shell:four]]";
    const next: FakeRequest = { ...request(text), messages: [...earlier, { role: "assistant", text: "done" }, { role: "user", text }] };
    expect(directiveReply(next, "n")).toEqual({ kind: "shell", command: "three" });
  });
});
