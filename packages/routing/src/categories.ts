import { z } from "zod";

/** Kinds of task an orchestrator can name instead of a provider and model. */
export const TaskCategorySchema = z.enum([
  "math_proof",
  "security_review",
  "debugging",
  "quality_review",
  "architecture",
  "agentic_execution",
  "data_analysis",
  "coding",
  "knowledge_synthesis",
  "mechanical",
  "prompt_engineering",
  "vulnerability_research",
  "molecular_biology",
  "ml_accelerator_design",
  "fallback_default",
]);
export type TaskCategory = z.infer<typeof TaskCategorySchema>;

/** One line per category, shown to the orchestrator in the launch_agent schema. */
export const CATEGORY_DESCRIPTIONS: Record<TaskCategory, string> = {
  math_proof: "proofs, derivations and other rigorous mathematical reasoning",
  security_review: "reviewing code or designs for security weaknesses",
  debugging: "finding and fixing the cause of a failure",
  quality_review: "code review for correctness, clarity and maintainability",
  architecture: "system design, module boundaries, trade-offs between approaches",
  agentic_execution: "long multi-step work with many tool calls in a repository",
  data_analysis: "exploring, transforming and summarising data",
  coding: "writing or changing code to a clear specification",
  knowledge_synthesis: "reading many sources and writing a faithful summary",
  mechanical: "simple, repetitive edits: renames, formatting, boilerplate",
  prompt_engineering: "writing and refining prompts and instructions for models",
  vulnerability_research: "finding exploitable bugs and proving them",
  molecular_biology: "biology and chemistry questions needing domain expertise",
  ml_accelerator_design: "ML systems and hardware: kernels, compilers, accelerators",
  fallback_default: "anything else; needs an explicit provider choice",
};
