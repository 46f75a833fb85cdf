import { describe, expect, it } from "vitest";
import { modelChoice, modelId, type SessionSetup } from "../src/acp-wire.js";

// The model option as OpenCode and Qwen Code list it in session/new (trimmed to what is read).
const setup = (currentValue: string, options: { value: string; name: string }[]): SessionSetup => ({
  configOptions: [{ id: "model", name: "Model", category: "model", type: "select", currentValue, options }],
});
const opencode = setup("fake/fake-model", [
  { value: "fake/fake-model", name: "Fake/Fake Model" },
  { value: "fake/other", name: "Fake/Other" },
]);
const qwen = setup("$runtime|openai-responses|fake-qwen(openai)", [{ value: "$runtime|openai-responses|fake-qwen(openai)", name: "fake-qwen" }]);

describe("an ACP session's model option", () => {
  it("names the model by its id, or by its display name where the id is an internal composite", () => {
    expect(modelId(opencode)).toBe("fake/fake-model");
    expect(modelId(qwen)).toBe("fake-qwen");
    expect(modelId({})).toBeUndefined();
  });

  it("chooses by id or display name, and lists the models it offers otherwise", () => {
    expect(modelChoice(opencode, "fake/other")).toEqual({ configId: "model", value: "fake/other", name: "Fake/Other" });
    expect(modelChoice(qwen, "fake-qwen")).toMatchObject({ value: "$runtime|openai-responses|fake-qwen(openai)" });
    expect(modelChoice(opencode, "nosuch")).toEqual({ offered: ["fake/fake-model", "fake/other"] });
    expect(modelChoice({}, "x")).toEqual({ offered: [] });
  });
});
