// The git directory a receipt's git work runs in: ours, not the repository's. git reads a
// repository's config from its git directory, and that config can name programs git runs on its
// own (an fsmonitor hook, clean and process filters, hooks such as post-index-change); an agent can
// write it. git 2.39 (the installed one) has no switch to skip a repository's config or its
// `.gitattributes` (`--attr-source` came in 2.40), so the work runs with GIT_DIR set to a folder of
// ours whose config we write: none of the repository's config is read, only the few keys that say
// how its files are read (file modes, symlinks, case, line endings, excludes, the hash), copied as
// command-line config; and our `info/attributes` unsets `filter` for every path, which outranks any
// `.gitattributes`, so a filter named in the user's own config runs neither. The working tree, the
// index (copied) and the objects (read as alternates) are the repository's.
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";

/** The repository's config keys that say how git reads its files (none names a program), as `git config --get-regexp` takes them. */
export const KEPT_CONFIG =
  "^(core\\.(filemode|symlinks|ignorecase|precomposeunicode|autocrlf|eol|checkstat|trustctime|excludesfile|sparsecheckout|sparsecheckoutcone|bigfilethreshold)|extensions\\.objectformat)$";

/** Where the repository keeps what the private git directory copies. */
export interface RepoFiles {
  /** The repository's common git directory (its `info/exclude`). */
  common: string;
  /** Its split index's shared part, when the index is split. */
  shared: string | undefined;
}

/**
 * Makes the private git directory in `dir` (HEAD, refs, objects, config, info) and returns the
 * config to pass on every command: the kept keys read from `keptOutput` (`git config -z
 * --get-regexp` output), the hash format written in our config where git looks for it.
 */
export async function makeGitDir(dir: string, repo: RepoFiles, keptOutput: string): Promise<[string, string][]> {
  const kept = keptOutput
    .split("\0")
    .filter((entry) => entry !== "")
    .map((entry): [string, string] => {
      const newline = entry.indexOf("\n");
      return newline < 0 ? [entry, "true"] : [entry.slice(0, newline), entry.slice(newline + 1)];
    });
  const format = kept.find(([key]) => key === "extensions.objectformat")?.[1];
  const extensions = format !== undefined && /^[a-z0-9]+$/.test(format) ? `[extensions]\n\tobjectformat = ${format}\n` : "";
  await mkdir(join(dir, "refs"), { recursive: true });
  await mkdir(join(dir, "objects"), { recursive: true });
  await mkdir(join(dir, "info"), { recursive: true });
  await writeFile(join(dir, "HEAD"), "ref: refs/heads/receipt\n");
  await writeFile(join(dir, "config"), `[core]\n\trepositoryformatversion = ${extensions === "" ? 0 : 1}\n\tbare = false\n${extensions}`);
  await writeFile(join(dir, "info", "attributes"), "* -filter\n");
  await copyFile(join(repo.common, "info", "exclude"), join(dir, "info", "exclude")).catch(() => undefined);
  // A split index names its shared part, which git looks for beside it in the git directory.
  if (repo.shared !== undefined) await copyFile(repo.shared, join(dir, basename(repo.shared)));
  // `safecrlf` could fail a whole snapshot over one file's line endings.
  return [...kept.filter(([key]) => key !== "extensions.objectformat"), ["core.safecrlf", "false"]];
}
