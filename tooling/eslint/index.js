// Shared flat config: type-aware typescript-eslint rules plus the workspace's own conventions.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * @param {{ dir: string }} options the package directory (import.meta.dirname of its eslint.config.js)
 */
export function config({ dir }) {
  return tseslint.config(
    { ignores: ["dist/**", "node_modules/**", "results/**", ".test-results/**"] },
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir: dir },
      },
      rules: {
        // stdout is the MCP protocol's: log to stderr instead.
        "no-console": ["error", { allow: ["error", "warn"] }],
        "@typescript-eslint/consistent-type-imports": "error",
        "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      },
    },
    {
      files: ["**/*.js"],
      ...tseslint.configs.disableTypeChecked,
    },
  );
}
