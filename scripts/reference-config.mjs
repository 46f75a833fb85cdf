// The config's keys, from its schema as zod converts it (apps/cli/scripts/reference-facts.js): each
// dotted path with its type and default; its description is the doc comment written on that field
// in the sources (the schema's objects carry none), found by the object's exact set of keys.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

// Every object literal of the packages' sources whose fields have doc comments: its keys and those comments.
function documentedObjects(root) {
  const objects = [];
  const files = [];
  for (const pkg of readdirSync(join(root, "packages")).sort()) {
    const walk = (dir) => {
      let entries = [];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(join(dir, e.name));
      }
    };
    walk(join(root, "packages", pkg, "src"));
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("/**") || !/object\(|Object\(/.test(text)) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isObjectLiteralExpression(node)) {
        const docs = new Map();
        for (const p of node.properties) {
          if (p.name === undefined || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
          // The comment's own text: a word after "@" in it (a package's name) is no JSDoc tag here.
          const doc = ts
            .getJSDocCommentsAndTags(p)
            .filter((d) => ts.isJSDoc(d))
            .map((d) =>
              d
                .getText()
                .replace(/^\/\*\*|\*\/$/g, "")
                .replace(/^\s*\* ?/gm, ""),
            )
            .join(" ");
          docs.set(p.name.text, doc.replace(/\s+/g, " ").trim());
        }
        if ([...docs.values()].some((d) => d !== "")) objects.push(docs);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return objects;
}

// The doc comment of `key` in the source object with exactly `keys`.
function describer(objects) {
  return (keys, key) => {
    const wanted = [...keys].sort().join(",");
    for (const o of objects) if ([...o.keys()].sort().join(",") === wanted && o.get(key)) return o.get(key).replace(/\{@link ([^}]+)\}/g, "$1");
    return "";
  };
}

// A JSON Schema's type in a few words: `integer (1 to 100)`, `"auto" | "off"`, `string[]`, `record<string, integer>`.
function typeOf(s) {
  if (s === undefined || s === true || Object.keys(s).length === 0) return "any";
  const any = s.anyOf ?? s.oneOf;
  if (any !== undefined) return [...new Set(any.map(typeOf))].join(" | ");
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === "array") return `${typeOf(s.items).includes(" ") ? `(${typeOf(s.items)})` : typeOf(s.items)}[]`;
  if (s.type === "object")
    return s.properties === undefined && s.additionalProperties !== undefined ? `record<string, ${typeOf(s.additionalProperties)}>` : "object";
  // The safe-integer bound zod gives every integer says nothing.
  const max = s.maximum === Number.MAX_SAFE_INTEGER ? undefined : s.maximum;
  const bounds =
    s.minimum !== undefined && max !== undefined
      ? `${s.minimum} to ${max}`
      : [
          s.minimum === undefined ? "" : `>= ${s.minimum}`,
          s.exclusiveMinimum === undefined ? "" : `> ${s.exclusiveMinimum}`,
          max === undefined ? "" : `<= ${max}`,
        ]
          .filter((b) => b !== "")
          .join(", ");
  return `${Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any")}${bounds === "" ? "" : ` (${bounds})`}`;
}

// The object branch of a schema (itself, or the first object of its anyOf), or undefined.
function objectOf(s) {
  if (s === undefined || s === true) return undefined;
  if (s.type === "object") return s;
  return (s.anyOf ?? s.oneOf ?? []).map(objectOf).find((o) => o !== undefined);
}

// The top-level keys loadConfig reads from each file (`user.key`, `project.key` in its body; its
// `setting("key")` reads a whole-number key from both, under the key's variable).
function filesOf(root) {
  const text = readFileSync(join(root, "packages", "config", "src", "config.ts"), "utf8");
  const start = text.indexOf("export function loadConfig(");
  const body = text.slice(start, text.indexOf("\n}\n", start));
  const read = new Map();
  for (const m of body.matchAll(/\b(user|project)\??\.([a-z_]+)\b/g)) read.set(m[2], new Set([...(read.get(m[2]) ?? []), m[1]]));
  for (const m of body.matchAll(/\bsetting\("([a-z_]+)"\)/g)) read.set(m[1], new Set([...(read.get(m[1]) ?? []), "user", "project"]));
  return (key) => [...(read.get(key) ?? [])].sort().reverse();
}

/** Each config key (parents too), sorted as the schema declares them, with type, default, description, files and trust. */
export function configKeys(root, facts) {
  const describe = describer(documentedObjects(root));
  const files = filesOf(root);
  const keys = [];
  const walk = (schema, path) => {
    const object = objectOf(schema);
    const props = object?.properties ?? {};
    for (const [name, sub] of Object.entries(props)) {
      const key = [...path, name].join(".");
      const top = path.length === 0 ? name : path[0];
      const deflt = sub.default ?? (path.length === 0 ? facts.defaults[name] : undefined);
      keys.push({ key, type: typeOf(sub), default: deflt, description: describe(Object.keys(props), name), files: files(top) });
      walk(sub, [...path, name]);
      // A list of objects: its items' keys under `name[]` (`routing.table.*.performance[].machine`).
      if (sub.type === "array" && objectOf(sub.items)?.properties !== undefined) walk(sub.items, [...path, `${name}[]`]);
    }
    // A record of objects: its entries' keys under `*` (`providers.*.command`).
    const entries = object?.additionalProperties;
    if (object?.properties === undefined && objectOf(entries)?.properties !== undefined) {
      const key = [...path, "*"].join(".");
      keys.push({ key, type: typeOf(entries), default: undefined, description: "", files: files(path[0]) });
      walk(entries, [...path, "*"]);
    }
  };
  walk(facts.schema, []);
  const raising = new Set(
    withTrust(keys, facts.raising ?? [])
      .filter((k) => k.trust)
      .map((k) => k.key),
  );
  const always = new Set(
    withTrust(
      keys,
      facts.trusted.filter((name) => !(facts.raising ?? []).includes(name)),
    )
      .filter((k) => k.trust)
      .map((k) => k.key),
  );
  // A key gated only when the project's value is above the user's own (caps, max_depth) says so.
  return withTrust(keys, facts.trusted).map((k) => ({ ...k, ...(k.trust && raising.has(k.key) && !always.has(k.key) ? { trust: "above_yours" } : {}) }));
}

// What privilegedSettings named ("caps.claude", "routing.machine") as the config's own keys, each
// with the keys under it; the parents of such a key need trust only for part of what they hold.
function withTrust(keys, named) {
  const known = new Set(keys.map((k) => k.key));
  const gated = new Set();
  for (const name of named) {
    const parts = name.split(".");
    const starred = parts.map((p, i) => (i > 0 && !known.has(parts.slice(0, i + 1).join(".")) ? "*" : p)).join(".");
    if (known.has(name)) gated.add(name);
    else if (known.has(starred)) gated.add(starred);
    else {
      // A key under a record or deeper ("routing.machine": each category's `machine`), else its nearest known parent.
      const deeper = keys.filter((k) => k.key.startsWith(`${parts[0]}.`) && k.key.endsWith(`.${parts.at(-1)}`)).map((k) => k.key);
      if (deeper.length > 0) deeper.forEach((k) => gated.add(k));
      else for (let i = parts.length - 1; i > 0; i--) if (known.has(parts.slice(0, i).join("."))) gated.add(parts.slice(0, i).join("."));
    }
  }
  const under = (key, other) => key === other || key.startsWith(`${other}.`) || key.startsWith(`${other}[].`);
  return keys.map((k) => ({
    ...k,
    trust: [...gated].some((g) => under(k.key, g)),
    partlyTrusted: ![...gated].some((g) => under(k.key, g)) && [...gated].some((g) => under(g, k.key)),
  }));
}
