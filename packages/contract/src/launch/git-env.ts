// The variables `git rev-parse --local-env-vars` lists: inherited from a hook or a parent git, they
// would point our git commands at another repository (or at the user's index). Named once for the
// packages that run git (worktrees, receipts).
const REPO_LOCAL_GIT_ENV = new Set([
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_CONFIG",
  "GIT_CONFIG_PARAMETERS",
  "GIT_CONFIG_COUNT",
  "GIT_OBJECT_DIRECTORY",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_IMPLICIT_WORK_TREE",
  "GIT_GRAFT_FILE",
  "GIT_INDEX_FILE",
  "GIT_NO_REPLACE_OBJECTS",
  "GIT_REPLACE_REF_BASE",
  "GIT_PREFIX",
  "GIT_INTERNAL_SUPER_PREFIX",
  "GIT_SHALLOW_FILE",
  "GIT_COMMON_DIR",
]);

/** `env` without the repository-selecting git variables (GIT_CONFIG_COUNT's keys and values included). */
export function withoutRepoGitEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const dropped = (key: string) => REPO_LOCAL_GIT_ENV.has(key) || /^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(key);
  return Object.fromEntries(Object.entries(env).filter(([key]) => !dropped(key)));
}

/**
 * Config under which git runs no program a repository's own config names before it is asked to:
 * no fsmonitor hook or daemon, no hook (`post-index-change` runs on any index write). Filters,
 * textconv and diff drivers are each caller's to keep out (receipts: a private git directory;
 * worktrees: the repository's filters neutralised by name).
 */
export const NO_REPOSITORY_PROGRAMS: readonly (readonly [string, string])[] = [
  ["core.fsmonitor", "false"],
  ["core.hooksPath", "/dev/null"],
];

/** `pairs` as the environment that gives every git process (and the gits it starts) that config, above every config file's. */
export function gitConfigEnv(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
