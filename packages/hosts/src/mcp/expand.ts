// Each host's own way of putting environment variables into its config's strings, applied from the
// environment we are given (a sub-agent's server sees what the host would have seen).

type Env = Record<string, string | undefined>;

/** Every string in a JSON value passed through `fn`. */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, fn)]));
  return value;
}

/**
 * Claude Code's `${VAR}` and `${VAR:-default}`. A variable that is unset and has no default is
 * added to `missing` (Claude Code refuses such a server) and left as written.
 */
export function expandClaude(text: string, env: Env, missing: Set<string>): string {
  return text.replace(/\$\{([^}]+)\}/g, (match, inner: string) => {
    const cut = inner.indexOf(":-");
    const name = cut === -1 ? inner : inner.slice(0, cut);
    const value = env[name];
    if (value !== undefined) return value;
    if (cut !== -1) return inner.slice(cut + 2);
    missing.add(name);
    return match;
  });
}

/** Gemini CLI's and Qwen Code's `$VAR`, `${VAR}` and `${VAR:-default}` over the whole settings file; an unset one stays as written. */
export function expandGemini(text: string, env: Env): string {
  return text.replace(
    /\$(?:(\w+)|\{([^}]+?)(?::-([^}]*))?\})/g,
    (match, bare: string | undefined, braced: string | undefined, fallback: string | undefined) => {
      const value = env[bare ?? braced ?? ""];
      return value ?? fallback ?? match;
    },
  );
}

/** OpenCode's `{env:VAR}`: the variable's value, or nothing when it is unset. */
export function expandOpencode(text: string, env: Env): string {
  return text.replace(/\{env:([^}]+)\}/g, (_match, name: string) => env[name.trim()] ?? "");
}
