import { programName } from "./unwrap.js";

// `cd ~/.config/x && cat key` reads ~/.config/x/key: the folders a line's commands may run in,
// after its `cd`s and `pushd`s. A `cd` may fail, so the folder before it stays possible too; a
// subshell's `cd` is undone when it ends; one to a folder known only as the line runs (or in a
// loop, which may repeat it) leaves every later relative path anywhere.

/** One `cd`: its target word (`expands`: the text is the source of a word that expands something), or a folder not known. */
export type Step = { text: string; expands: boolean } | { unknown: true };
/** A folder a command may run in: the `cd`s since the line began, each from the one before. */
export type Folder = readonly Step[];

export const UNKNOWN_STEP: Step = { unknown: true };
export const UNKNOWN_FOLDER: Folder = [UNKNOWN_STEP];
/** More possible folders than this: any folder. */
const MAX_FOLDERS = 8;

/** The folders after a `cd` to `step` from each of `folders` (which stay possible: a `cd` may fail). */
export function changeFolder(folders: readonly Folder[], step: Step): Folder[] {
  const moved = "unknown" in step ? [UNKNOWN_FOLDER] : folders.map((f) => [...f, step]);
  const out = new Map<string, Folder>();
  for (const folder of [...folders, ...moved]) out.set(JSON.stringify(folder), folder);
  return out.size > MAX_FOLDERS ? [UNKNOWN_FOLDER] : [...out.values()];
}

/** Runs `body` with the walk's folders put back after it (a subshell, a pipeline's command, a substitution). */
export function restoring(walk: { folders: Folder[] }, body: () => void): void {
  const before = walk.folders;
  try {
    body();
  } finally {
    walk.folders = before;
  }
}

/**
 * Where a command moves the shell (`cd DIR`, `pushd DIR`; `cd` alone goes home), or undefined for
 * a command that does not. `cdpath`: the line sets CDPATH, so a name may be looked up anywhere.
 */
export function folderChange(argv: readonly string[], expands: readonly string[], cdpath: boolean): Step | undefined {
  const [program = "", ...args] = argv;
  const name = programName(program);
  if (name === "popd") return UNKNOWN_STEP;
  if (name !== "cd" && name !== "pushd") return undefined;
  let i = 0;
  while (i < args.length && /^-[LPe@n]+$/.test(args[i] ?? "")) i += 1;
  if (args[i] === "--") i += 1;
  const target = args[i];
  if (name === "pushd" && (target === undefined || /^[+-]\d+$/.test(target))) return UNKNOWN_STEP;
  if (target === undefined) return { text: "~", expands: false };
  if (target === "-" || cdpath) return UNKNOWN_STEP;
  return { text: target, expands: expands.includes(target) };
}
