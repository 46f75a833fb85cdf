// Draws the benchmarks' latest results (apps/bench/results/*.json, written by `pnpm bench`) as SVG
// pictures for docs/benchmarks.md: plain SVG, no dependency, deterministic for the same results.
//
//   node scripts/bench-plots.mjs            (after `pnpm bench`; writes docs/plots/*.svg)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const results = (name) => JSON.parse(readFileSync(join(root, "apps", "bench", "results", `${name}.json`), "utf8"));
const out = join(root, "docs", "plots");

const W = 640;
const H = 320;
const PAD = { left: 64, right: 16, top: 40, bottom: 68 };
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2"];
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const num = (v) => (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10);

// A round upper bound for an axis, so its ticks read well.
function niceMax(v) {
  const step = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * step).find((m) => m >= v) ?? 10 * step;
}

function frame(title, yLabel, max, body, legend) {
  const plotH = H - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + plotH * (1 - f);
    return `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${num(max * f)}</text>`;
  });
  const keys = legend.map(
    (name, i) =>
      `<rect x="${PAD.left + i * 150}" y="${H - 18}" width="10" height="10" fill="${COLORS[i]}"/><text x="${PAD.left + i * 150 + 14}" y="${H - 9}">${esc(name)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11" fill="#333">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
<text transform="translate(14 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>
${ticks.join("\n")}
${body}
${keys.join("\n")}
</svg>
`;
}

/** Grouped bars: one group per label, one bar per series. */
function bars(title, yLabel, labels, series) {
  const max = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const group = plotW / labels.length;
  const bar = (group * 0.7) / series.length;
  const body = labels.flatMap((label, g) => [
    `<text x="${PAD.left + group * (g + 0.5)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(label)}</text>`,
    ...series.map((s, i) => {
      const h = (s.values[g] / max) * plotH;
      const x = PAD.left + group * g + group * 0.15 + bar * i;
      return `<rect x="${x}" y="${PAD.top + plotH - h}" width="${bar - 2}" height="${h}" fill="${COLORS[i]}"/><text x="${x + bar / 2 - 1}" y="${PAD.top + plotH - h - 3}" text-anchor="middle">${num(s.values[g])}</text>`;
    }),
  ]);
  return frame(
    title,
    yLabel,
    max,
    body.join("\n"),
    series.map((s) => s.name),
  );
}

/** Lines over a numeric x axis: one line per series, each point labelled. */
function lines(title, yLabel, xLabel, xs, series) {
  const max = niceMax(Math.max(...series.flatMap((s) => s.values)));
  const xMax = Math.max(...xs);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const px = (x) => PAD.left + (x / xMax) * plotW * 0.95;
  const py = (v) => PAD.top + plotH * (1 - v / max);
  const body = [
    ...xs.map((x) => `<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${x}</text>`),
    `<text x="${PAD.left + plotW / 2}" y="${H - PAD.bottom + 32}" text-anchor="middle">${esc(xLabel)}</text>`,
    ...series.map((s, i) => {
      const points = xs.map((x, j) => `${px(x)},${py(s.values[j])}`).join(" ");
      const dots = xs.map(
        (x, j) =>
          `<circle cx="${px(x)}" cy="${py(s.values[j])}" r="3" fill="${COLORS[i]}"/><text x="${px(x) + 4}" y="${py(s.values[j]) - 5}">${num(s.values[j])}</text>`,
      );
      return `<polyline points="${points}" fill="none" stroke="${COLORS[i]}" stroke-width="2"/>\n${dots.join("\n")}`;
    }),
  ];
  return frame(
    title,
    yLabel,
    max,
    body.join("\n"),
    series.map((s) => s.name),
  );
}

// One measure of the `serve` run (its medians under `keys`) for a bare node, the SDK floor and ours.
function serveBars(title, unit, measure, keys, bare = "bare node") {
  const r = results("serve").results;
  return bars(title, unit, [bare, "SDK floor", "subagent-mcp"], [{ name: measure, values: keys.map((k) => r[k].median) }]);
}

// The `scale` runs with N Codex agents alone (not the mixed or nesting ones), by N.
const codexScale = () => results("scale").results.filter((x) => /^codex x\d+$/.test(x.label));

const plots = {
  "cold-vs-warm.svg": () => {
    const r = results("cold-vs-warm").results;
    return bars(
      "A sub-agent's turn: cold start vs a follow-up in the warm session (median)",
      "ms",
      r.map((x) => x.provider),
      [
        { name: "cold start to first result", values: r.map((x) => x.cold.median) },
        { name: "follow-up, warm session", values: r.map((x) => x.warm.median) },
      ],
    );
  },
  "serve-start.svg": () =>
    serveBars(
      "A fresh server: spawn -> initialize answered (median)",
      "ms",
      "start",
      ["bareNodeStartMs", "floorInitializeMs", "initializeMs"],
      "bare node (first byte)",
    ),
  "serve-memory.svg": () => serveBars("A fresh server after 2 s idle: RSS (median)", "MB", "idle RSS", ["bareNodeRssMb", "floorRssMb", "idleRssMb"]),
  "scale-memory.svg": () => {
    const r = codexScale();
    return lines(
      "The server with N live Codex sub-agents: its own memory",
      "MB",
      "live sub-agents",
      r.map((x) => x.n),
      [
        { name: "server RSS", values: r.map((x) => x.oursRssMb) },
        { name: "RSS per agent", values: r.map((x) => x.rssPerAgentMb) },
      ],
    );
  },
  "scale-latency.svg": () => {
    const r = codexScale();
    return lines(
      "The server with N live Codex sub-agents: its own latency",
      "ms",
      "live sub-agents",
      r.map((x) => x.n),
      [
        { name: "model done -> wait returns (ours, median)", values: r.map((x) => x.waitSplit.ours.median) },
        { name: "list_agents p99", values: r.map((x) => x.listAgents.p99) },
      ],
    );
  },
};

mkdirSync(out, { recursive: true });
for (const [file, draw] of Object.entries(plots)) writeFileSync(join(out, file), draw());
process.stdout.write(`Wrote ${Object.keys(plots).length} plots to docs/plots.\n`);
