// `usage --quota`: the subscription windows each provider's CLIs last reported (shared by every
// server of the user through the state folder), with how much is used and when each resets, and
// which providers `quota_percent` holds.
import type { EffectiveConfig } from "@subagent-mcp/config";
import { SharedHeadroom } from "@subagent-mcp/usage/headroom";
import { overQuota } from "@subagent-mcp/routing";
import { stateLayout } from "@subagent-mcp/state";
import { definedFields } from "@subagent-mcp/contract/fields";

interface QuotaWindow {
  window: string;
  status: string;
  used_percent?: number;
  resets_at?: string;
  reported_at: string;
}

interface ProviderQuota {
  provider: string;
  windows: QuotaWindow[];
  /** With `quota_percent`: whether new launches on it are held, and by which window. */
  held_by?: string;
}

/** Every provider's windows in force now, and the `quota_percent` they are held to. */
export function quotaReport(stateDir: string, config: EffectiveConfig, now: number = Date.now()): { quota_percent?: number; providers: ProviderQuota[] } {
  const shared = new SharedHeadroom(stateLayout(stateDir).rateLimits);
  const percent = config.quota_percent;
  const providers = config.providerNames.map((provider): ProviderQuota => {
    const windows = shared.windows(provider, now);
    const held = percent === undefined ? undefined : overQuota({ percent, windows: () => windows }, provider, now);
    return {
      provider,
      windows: windows.map((w) => ({
        window: w.window,
        status: w.status,
        ...definedFields({ used_percent: w.usedPercent, resets_at: w.resetsAt === undefined ? undefined : new Date(w.resetsAt).toISOString() }),
        reported_at: new Date(w.at).toISOString(),
      })),
      ...definedFields({ held_by: held?.window }),
    };
  });
  return { ...definedFields({ quota_percent: percent }), providers };
}

/** The report as lines: per provider its windows (used, reset) or "none reported", and a held provider marked. */
export function renderQuota(report: ReturnType<typeof quotaReport>, now: number = Date.now()): string {
  const head =
    report.quota_percent === undefined
      ? "quota_percent: off"
      : `quota_percent: ${report.quota_percent} (a provider with a window at or past it gets no new launch)`;
  const lines = [head];
  for (const p of report.providers) {
    if (p.windows.length === 0) {
      lines.push(`${p.provider}: none reported`);
      continue;
    }
    lines.push(`${p.provider}:${p.held_by === undefined ? "" : ` held (${p.held_by} at or past quota_percent)`}`);
    for (const w of p.windows) {
      const used = w.used_percent === undefined ? w.status : `${w.used_percent} % used (${w.status})`;
      const resets = w.resets_at === undefined ? "reset time not reported" : `resets ${w.resets_at} (in ${minutesUntil(w.resets_at, now)})`;
      lines.push(`  ${w.window}: ${used}, ${resets}`);
    }
  }
  return lines.join("\n");
}

// "95 min", "26 h", "3 d": how far off a reset is, roughly.
function minutesUntil(iso: string, now: number): string {
  const min = Math.max(0, Math.ceil((Date.parse(iso) - now) / 60_000));
  return min < 120 ? `${min} min` : min < 48 * 60 ? `${Math.round(min / 60)} h` : `${Math.round(min / 1440)} d`;
}
