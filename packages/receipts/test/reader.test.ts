import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readFinalText } from "../src/reader/read.js";

// The reader against the labeled corpus of final texts (corpus/final-texts.jsonl): how many claims,
// tests claims and admissions it finds, and how many it finds that are not there.

interface Labeled {
  text: string;
  claim: boolean;
  tests_claim: boolean;
  admits: boolean;
}
const corpus = readFileSync(join(import.meta.dirname, "..", "corpus", "final-texts.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Labeled);

function score(pick: (l: Labeled) => boolean, got: (r: ReturnType<typeof readFinalText>) => boolean): { recall: number; precision: number; wrong: string[] } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: string[] = [];
  for (const l of corpus) {
    const want = pick(l);
    const have = got(readFinalText(l.text));
    if (want && have) tp += 1;
    else if (have) {
      fp += 1;
      wrong.push(`false: ${l.text}`);
    } else if (want) {
      fn += 1;
      wrong.push(`missed: ${l.text}`);
    }
  }
  return { recall: tp / (tp + fn), precision: tp / (tp + fp), wrong };
}

describe("the final-text reader on the corpus", () => {
  it("holds at least 320 labeled texts of every kind", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(320);
    expect(corpus.filter((l) => l.claim && l.admits).length).toBeGreaterThan(10);
  });

  it("finds claims (recall >= 95 %, precision >= 97 %)", () => {
    const s = score(
      (l) => l.claim,
      (r) => r.claim !== undefined,
    );
    expect(s.recall, s.wrong.join("\n")).toBeGreaterThanOrEqual(0.95);
    expect(s.precision, s.wrong.join("\n")).toBeGreaterThanOrEqual(0.97);
  });

  it("finds tests claims and admissions", () => {
    const tests = score(
      (l) => l.tests_claim,
      (r) => r.testsClaim !== undefined,
    );
    expect(tests.recall, tests.wrong.join("\n")).toBeGreaterThanOrEqual(0.95);
    expect(tests.precision, tests.wrong.join("\n")).toBeGreaterThanOrEqual(0.97);
    const admits = score(
      (l) => l.admits,
      (r) => r.admits.length > 0,
    );
    expect(admits.recall, admits.wrong.join("\n")).toBeGreaterThanOrEqual(0.97);
    expect(admits.precision, admits.wrong.join("\n")).toBeGreaterThanOrEqual(0.97);
  });

  it("quotes the span that shows each, with inline code put back, and reads nothing in code blocks", () => {
    expect(readFinalText("Renamed `getCfg` to `getConfig`.")).toMatchObject({ claim: "Renamed `getCfg` to `getConfig`" });
    expect(readFinalText("Fixed the parser, but 2 tests still fail.")).toMatchObject({ claim: "Fixed the parser", admission: "2 tests still fail" });
    expect(readFinalText("```\n// fixed, all tests pass\n```\nThat is the old code.")).toEqual({ admits: [] });
    expect(readFinalText("Should I also update the docs?")).toEqual({ admits: [] });
    expect(readFinalText("I couldn't remove it: denied.").admits).toEqual(expect.arrayContaining(["denied", "unable"]));
  });

  it("the user's own claim patterns count in sentences that assert", () => {
    expect(readFinalText("Ticket closed per spec.", [/\bclosed per spec\b/i]).claim).toBe("closed per spec");
    expect(readFinalText("Is the ticket closed per spec?", [/\bclosed per spec\b/i]).claim).toBeUndefined();
  });
});
