import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MailboxError, Maildir, type Message } from "../src/index.js";

const box = (maxMessageBytes?: number) =>
  new Maildir(mkdtempSync(join(tmpdir(), "mail-")), { pollMs: 20, ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }) });

/** Puts a file straight into a mailbox folder, the way a crash, a disk fault or another program could. */
function plant(m: Maildir, name: string, sub: "new" | "cur" | "dead", file: string, text: string): string {
  const dir = join(m.root, name, sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
  return join(dir, file);
}

const message = (over: Partial<Message> = {}): Message => ({
  id: "0000000001-aaaaaaaaaa",
  from: "shell",
  to: "w",
  body: "hi",
  priority: "normal",
  threadId: "0000000001-aaaaaaaaaa",
  sentAt: 1,
  attempts: 0,
  ...over,
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof MailboxError ? error.code : `not a MailboxError: ${String(error)}`;
  }
  return undefined;
}

describe("names at every entry point", () => {
  it("refuses an unsafe sender, recipient, mailbox or message id with UNSAFE_NAME", () => {
    const m = box();
    const sent = m.send({ from: "a", to: "b", body: "x", priority: "normal" });
    m.receive("b");
    expect(codeOf(() => m.send({ from: "../../evil", to: "b", body: "x", priority: "normal" }))).toBe("UNSAFE_NAME");
    expect(codeOf(() => m.send({ from: "a", to: "../etc", body: "x", priority: "normal" }))).toBe("UNSAFE_NAME");
    expect(codeOf(() => m.send({ from: "", to: "*", body: "x", priority: "normal" }))).toBe("UNSAFE_NAME");
    for (const call of [
      () => m.receive("a/b"),
      () => m.pending(".."),
      () => m.peek("../b"),
      () => m.dead("/etc"),
      () => m.claimed("b/../../x"),
      () => m.recover("../b"),
      () => m.quarantined(".."),
    ]) {
      expect(codeOf(call)).toBe("UNSAFE_NAME");
    }
    expect(
      codeOf(() => {
        m.ack("b", "../../b/cur/x");
      }),
    ).toBe("UNSAFE_NAME");
    expect(codeOf(() => m.release("b", "../x"))).toBe("UNSAFE_NAME");
    expect(codeOf(() => m.revive("b", "../x"))).toBe("UNSAFE_NAME");
    expect(m.claimed("b")).toBe(1);
    expect(m.release("b", sent.id)).toBe("requeued");
  });

  it("a message on disk whose sender or recipient is unsafe is quarantined, never delivered", () => {
    const m = box();
    plant(m, "w", "new", "0000000001-aaaaaaaaaa.json", JSON.stringify(message({ from: "../../evil" })));
    plant(m, "w", "new", "0000000002-bbbbbbbbbb.json", JSON.stringify(message({ id: "0000000002-bbbbbbbbbb", to: "../x" })));
    expect(m.pending("w")).toBe(0);
    expect(m.receive("w")).toEqual([]);
    expect(
      m
        .quarantined("w")
        .map((q) => q.file)
        .sort(),
    ).toEqual(["0000000001-aaaaaaaaaa.json", "0000000002-bbbbbbbbbb.json"]);
    expect(m.quarantined("w")[0]?.reason).toMatch(/not a message/);
  });

  it("a message whose id is not its file name is quarantined (ids become paths)", () => {
    const m = box();
    plant(m, "w", "new", "0000000001-aaaaaaaaaa.json", JSON.stringify(message({ id: "0000000009-cccccccccc" })));
    expect(m.receive("w")).toEqual([]);
    expect(m.quarantined("w")[0]?.reason).toMatch(/id .* does not match/);
  });
});

describe("what cannot be parsed is quarantined, not fatal", () => {
  it("an unparseable claim in cur/ does not stop recover(); its bytes are kept in quarantine/", () => {
    const m = box();
    const good = m.send({ from: "a", to: "w", body: "fine", priority: "normal" });
    m.receive("w");
    plant(m, "w", "cur", "0000000003-dddddddddd.json", '{"id": "0000000003-ddd');
    expect(m.recover("w")).toEqual({ requeued: 1, dead: [], quarantined: 1 });
    expect(m.receive("w").map((x) => x.id)).toEqual([good.id]);
    const [q] = m.quarantined("w");
    expect(q).toMatchObject({ file: "0000000003-dddddddddd.json", from: "cur", reason: expect.stringMatching(/not JSON/) as string });
    expect(readFileSync(join(m.root, "w", "quarantine", "0000000003-dddddddddd.json"), "utf8")).toBe('{"id": "0000000003-ddd');
    expect(m.claimed("w")).toBe(1);
  });

  it("an unparseable file in new/ neither counts as waiting nor wakes a reader", async () => {
    const m = box();
    plant(m, "w", "new", "0000000004-eeeeeeeeee.json", "not json at all");
    expect(m.pending("w")).toBe(0);
    expect(await m.wait("w", 100)).toBe(false);
    expect(m.peek("w")).toEqual([]);
    expect(readdirSync(join(m.root, "w", "new"))).toEqual([]);
    expect(m.quarantined("w")).toHaveLength(1);
  });

  it("a folder or a FIFO named like a message is quarantined, and reading it never blocks", () => {
    const m = box();
    mkdirSync(join(m.root, "w", "new", "0000000005-ffffffffff.json"), { recursive: true });
    execFileSync("mkfifo", [join(m.root, "w", "new", "0000000006-ffffffffff.json")]);
    expect(m.pending("w")).toBe(0);
    expect(m.quarantined("w").map((q) => q.reason)).toEqual(["not a regular file", "not a regular file"]);
  });

  it("a corrupted dead letter is quarantined instead of hiding from dead() and revive()", () => {
    const m = box();
    plant(m, "w", "dead", "0000000006-abababab00.json", "{}");
    expect(m.dead("w")).toEqual([]);
    expect(m.revive("w")).toBe(0);
    expect(m.quarantined("w")).toHaveLength(1);
  });

  it("two files with one name quarantined one after the other are both kept", () => {
    const m = box();
    plant(m, "w", "new", "0000000007-abababab01.json", "one");
    m.pending("w");
    plant(m, "w", "new", "0000000007-abababab01.json", "two");
    m.pending("w");
    const kept = readdirSync(join(m.root, "w", "quarantine"))
      .filter((f) => !f.endsWith(".reason"))
      .map((f) => readFileSync(join(m.root, "w", "quarantine", f), "utf8"));
    expect(kept.sort()).toEqual(["one", "two"]);
  });
});

describe("message size is bounded", () => {
  it("refuses to send a message over the limit with MESSAGE_TOO_LARGE", () => {
    const m = box(1_000);
    expect(codeOf(() => m.send({ from: "a", to: "w", body: "x".repeat(2_000), priority: "normal" }))).toBe("MESSAGE_TOO_LARGE");
    expect(() => m.send({ from: "a", to: "w", body: "x".repeat(2_000), priority: "normal" })).toThrow(/2\d{3} bytes.*limit 1000/);
    expect(m.pending("w")).toBe(0);
    expect(m.send({ from: "a", to: "w", body: "small", priority: "normal" }).body).toBe("small");
  });

  it("an oversized file in a mailbox is quarantined, not read into memory", () => {
    const m = box(1_000);
    plant(m, "w", "new", "0000000008-abababab02.json", JSON.stringify(message({ id: "0000000008-abababab02", body: "y".repeat(5_000) })));
    expect(m.receive("w")).toEqual([]);
    expect(m.quarantined("w")[0]?.reason).toMatch(/too large/);
  });
});
