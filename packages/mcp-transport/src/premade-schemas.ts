/**
 * Every tool's JSON Schemas, made from its zod schemas when the CLI is built (apps/cli/scripts
 * bundle.js replaces this module with the text `listedSchemas` gave for the host's server). Built
 * from sources (tests, a development run), there are none: tools/list converts as the SDK does.
 */
export const PREMADE_SCHEMAS: string | undefined = undefined;
