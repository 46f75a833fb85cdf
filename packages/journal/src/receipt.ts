// A turn's receipt as the journal keeps it: the same shape, its lists and texts capped so that one
// turn entry stays a few kilobytes whatever the turn did (the counts of what was left out stay).
import type { Receipt } from "@subagent-mcp/contract";

/** Commands, files and permission answers a journaled receipt lists at most (each of its attempts too). */
const RECEIPT_LIST_CAP = 50;
/** Characters of a command, a path, a summary or an evidence a journaled receipt keeps. */
const TEXT_CAP = 300;

const text = (s: string): string => (s.length <= TEXT_CAP ? s : `${s.slice(0, TEXT_CAP - 1)}…`);

type Core = Omit<Receipt, "attempts">;

function compactCore<T extends Core>(r: T): T {
  const commandsLeft = Math.max(0, r.commands.length - RECEIPT_LIST_CAP);
  const filesLeft = Math.max(0, r.files.changed.length - RECEIPT_LIST_CAP);
  const cmd = (c: Receipt["commands"][number]): Receipt["commands"][number] => ({ ...c, command: text(c.command) });
  return {
    ...r,
    commands: r.commands.slice(0, RECEIPT_LIST_CAP).map(cmd),
    ...(commandsLeft === 0 ? {} : { commands_omitted: (r.commands_omitted ?? 0) + commandsLeft }),
    permissions: r.permissions.slice(0, RECEIPT_LIST_CAP).map((p) => ({ ...p, summary: text(p.summary) })),
    files: {
      ...r.files,
      changed: r.files.changed.slice(0, RECEIPT_LIST_CAP).map((f) => ({ ...f, path: text(f.path) })),
      ...(filesLeft === 0 ? {} : { omitted: (r.files.omitted ?? 0) + filesLeft }),
    },
    tests: r.tests.last === undefined ? r.tests : { ...r.tests, last: cmd(r.tests.last) },
    ...(r.suspect === undefined ? {} : { suspect: r.suspect.map((s) => ({ ...s, evidence: text(s.evidence) })) }),
    ...(r.review === undefined
      ? {}
      : {
          review: {
            ...r.review,
            reasons: r.review.reasons.slice(0, 20).map(text),
            ...(r.review.detail === undefined ? {} : { detail: text(r.review.detail) }),
          },
        }),
  };
}

/** `receipt` as a journal turn entry keeps it: lists capped at {@link RECEIPT_LIST_CAP}, long texts cut. */
export function journalReceipt(receipt: Receipt): Receipt {
  const { attempts, ...core } = receipt;
  return {
    ...compactCore(core),
    ...(attempts === undefined ? {} : { attempts: attempts.slice(-RECEIPT_LIST_CAP).map((a) => compactCore(a)) }),
  };
}
