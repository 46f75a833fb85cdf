import { Pool, type PoolAgentSpec, type Provider, type ResetStrategy, type Supervisor } from "@subagent-mcp/core";
import { treeRssMb } from "@subagent-mcp/drivers";
import { ServerError } from "./errors.js";

/** A pool agent as the server knows it: where it came from and how to launch it. */
export interface PoolDefinition {
  name: string;
  description: string | undefined;
  file: string;
  provider: Provider;
  model: string | undefined;
  effort: string | undefined;
  allowedTools: string[] | undefined;
  permissionMode: string | undefined;
  replicas: number;
  maxTurnsPerProcess: number;
  /** The composed, byte-stable system prompt (definition body, skills, expertise). */
  systemPrompt: string;
}

/**
 * Loads the definitions the pool can run; problems are reported, never thrown. `unusable` names,
 * per agent, the problems that kept its definition out (a file that failed to load, a grant the
 * project is not trusted with), so asking for it by name says why.
 */
export type DefinitionSource = () => { definitions: PoolDefinition[]; problems: string[]; unusable?: Record<string, string[]> };

/**
 * The context reset each provider's replicas use between tasks, chosen by measurement
 * (apps/bench, "pool"): an in-process reset beats a respawn with a pre-warmed spare on all three
 * CLIs, because a fresh process pays its first-turn start-up again.
 */
export const DEFAULT_RESET: Record<Provider, ResetStrategy> = { claude: "reset", codex: "reset", gemini: "reset" };

/** The pool behind the pool tools, kept in step with the definition files. */
export class PoolCatalog {
  readonly pool: Pool;
  #definitions = new Map<string, PoolDefinition>();
  #problems: string[] = [];
  #unusable: Record<string, string[]> = {};

  constructor(
    supervisor: Supervisor,
    private readonly source: DefinitionSource,
    private readonly cwd: string,
    options: { rssCeilingMb?: number; taskTimeoutMs?: number } = {},
  ) {
    this.pool = new Pool(supervisor, { memoryMb: treeRssMb, ...options });
  }

  /** Re-reads the definitions (cheap: a handful of small files) and updates the pool's specs. */
  refresh(): void {
    const { definitions, problems, unusable } = this.source();
    this.#problems = problems;
    this.#unusable = unusable ?? {};
    this.#definitions = new Map(definitions.map((d) => [d.name, d]));
    for (const d of definitions) this.pool.define(specOf(d, this.cwd));
  }

  definition(name: string): PoolDefinition | undefined {
    return this.#definitions.get(name);
  }

  /** The definition named `name`, or an error saying why there is none: the file and its problem when one is known. */
  require(name: string): PoolDefinition {
    const found = this.#definitions.get(name);
    if (found !== undefined) return found;
    const why = Object.hasOwn(this.#unusable, name) ? this.#unusable[name] : undefined;
    if (why !== undefined) throw new ServerError("INVALID_ARGUMENT", `pool agent "${name}" cannot be used: ${why.join("; ")}`);
    const known = this.definitions().map((d) => d.name).join(", ") || "none";
    const more = this.#problems.length > 0 ? `; list_pool shows ${this.#problems.length} problem(s) with definition files` : "";
    throw new ServerError("INVALID_ARGUMENT", `no pool agent named "${name}" (defined: ${known})${more}`);
  }

  definitions(): PoolDefinition[] {
    return [...this.#definitions.values()];
  }

  problems(): string[] {
    return this.#problems;
  }
}

function specOf(d: PoolDefinition, cwd: string): PoolAgentSpec {
  return {
    name: d.name,
    replicas: d.replicas,
    maxTurnsPerProcess: d.maxTurnsPerProcess,
    resetStrategy: DEFAULT_RESET[d.provider],
    launch: {
      provider: d.provider,
      cwd,
      systemPromptAppend: d.systemPrompt,
      ...(d.model === undefined ? {} : { model: d.model }),
      ...(d.effort === undefined ? {} : { effort: d.effort }),
      ...(d.allowedTools === undefined ? {} : { allowedTools: d.allowedTools }),
      ...(d.permissionMode === undefined ? {} : { permissionMode: d.permissionMode }),
    },
  };
}
