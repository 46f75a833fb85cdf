// citty keeps only the last value of a flag given twice: a repeatable one is read from the raw arguments.

/** Every value of `--name V` and `--name=V` before a `--`, in order; undefined when the flag is not given. */
export function repeated(rawArgs: readonly string[], name: string): string[] | undefined {
  const flag = `--${name}`;
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] ?? "";
    if (arg === "--") break;
    if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
    else if (arg === flag && i + 1 < rawArgs.length) values.push(rawArgs[++i] ?? "");
  }
  return values.length === 0 ? undefined : values;
}
