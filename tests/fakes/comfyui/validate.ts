/**
 * The fake's `POST /prompt` validation, after ComfyUI's execution.py `validate_prompt` (FACTS.md
 * §1.1): unknown class → `missing_node_type`; no output node → `prompt_no_outputs`; then each output
 * node's inputs, recursively: missing required inputs, links to absent nodes, combo values not in
 * the list (`value_not_in_list`; over 20 options the details say "list of length N" and
 * `input_config` is null), INT/FLOAT min/max (`step` is not enforced), and LoadImage's file
 * (`custom_validation_failed`, "Invalid image file"). Outputs that fail are dropped; if none is left
 * the answer is 400 `prompt_outputs_failed_validation`, else 200 with the `node_errors`.
 */
import type { ClassDef, InputDef } from "./catalog.ts";

type Graph = Record<string, { class_type?: unknown; inputs?: Record<string, unknown>; _meta?: { title?: string } }>;

interface ErrorItem {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

/** The outcome of validating a prompt. */
export type Validation =
  | { ok: true; outputs: string[]; nodeErrors: Record<string, unknown> }
  | { ok: false; error: ErrorItem; nodeErrors: Record<string, unknown> };

/** Validates `graph`; `optionsFor(folder)` lists the model files (or uploaded images for "input"). */
export function validatePrompt(
  graph: Graph,
  catalog: Record<string, ClassDef>,
  optionsFor: (folder: string) => string[],
): Validation {
  for (const [id, node] of Object.entries(graph)) {
    const classType = node?.class_type;
    if (typeof classType !== "string" || !catalog[classType]) {
      const title = node?._meta?.title ?? classType;
      return {
        ok: false,
        error: {
          type: "missing_node_type",
          message: `Node '${title}' not found. The custom node may not be installed.`,
          details: `Node ID '#${id}'`,
          extra_info: { node_id: id, class_type: classType, node_title: title },
        },
        nodeErrors: {},
      };
    }
  }
  const outputs = Object.keys(graph).filter((id) => catalog[graph[id].class_type as string].outputNode);
  if (outputs.length === 0) {
    return {
      ok: false,
      error: { type: "prompt_no_outputs", message: "Prompt has no outputs", details: "", extra_info: {} },
      nodeErrors: {},
    };
  }
  const nodeErrors: Record<string, { errors: ErrorItem[]; dependent_outputs: string[]; class_type: string }> = {};
  const checked = new Map<string, ErrorItem[]>();
  const good: string[] = [];
  for (const output of outputs) {
    const failing = new Set<string>();
    const visit = (id: string, seen: Set<string>) => {
      if (seen.has(id)) return;
      seen.add(id);
      let errors = checked.get(id);
      if (!errors) checked.set(id, errors = checkNode(graph, id, catalog, optionsFor));
      if (errors.length) failing.add(id);
      for (const value of Object.values(graph[id]?.inputs ?? {})) {
        if (isLink(value) && graph[value[0]]) visit(value[0], seen);
      }
    };
    visit(output, new Set());
    if (failing.size === 0) good.push(output);
    for (const id of failing) {
      nodeErrors[id] ??= {
        errors: checked.get(id)!,
        dependent_outputs: [],
        class_type: graph[id].class_type as string,
      };
      nodeErrors[id].dependent_outputs.push(output);
    }
  }
  if (good.length === 0) {
    const details = Object.values(nodeErrors).flatMap((e) => e.errors.map((x) => `${x.message}: ${x.details}`)).join(
      "\n",
    );
    return {
      ok: false,
      error: {
        type: "prompt_outputs_failed_validation",
        message: "Prompt outputs failed validation",
        details,
        extra_info: {},
      },
      nodeErrors,
    };
  }
  return { ok: true, outputs: good, nodeErrors };
}

function checkNode(
  graph: Graph,
  id: string,
  catalog: Record<string, ClassDef>,
  optionsFor: (folder: string) => string[],
): ErrorItem[] {
  const node = graph[id];
  const def = catalog[node.class_type as string];
  const inputs = node.inputs ?? {};
  const errors: ErrorItem[] = [];
  const all: [string, InputDef, boolean][] = [
    ...Object.entries(def.required).map(([k, v]) => [k, v, true] as [string, InputDef, boolean]),
    ...Object.entries(def.optional ?? {}).map(([k, v]) => [k, v, false] as [string, InputDef, boolean]),
  ];
  for (const [name, input, required] of all) {
    const value = inputs[name];
    if (value === undefined) {
      if (required) {
        errors.push(item("required_input_missing", "Required input is missing", name, { input_name: name }));
      }
      continue;
    }
    if (isLink(value)) {
      if (!graph[value[0]]) {
        errors.push(item("bad_linked_input", "Bad linked input, must be a length-2 list of [string, int]", name, {
          input_name: name,
          received_value: value,
        }));
      }
      continue;
    }
    if (input.type === "INT" || input.type === "FLOAT") {
      const n = Number(value);
      if (!Number.isFinite(n) || (input.type === "INT" && !Number.isInteger(n))) {
        errors.push(
          item("invalid_input_type", `Failed to convert an input value to a ${input.type} value`, `${name}, ${value}`, {
            input_name: name,
            received_value: value,
          }),
        );
      } else if (input.min !== undefined && n < input.min) {
        errors.push(
          item("value_smaller_than_min", `Value ${n} smaller than min of ${input.min}`, name, {
            input_name: name,
            received_value: n,
          }),
        );
      } else if (input.max !== undefined && n > input.max) {
        errors.push(
          item("value_bigger_than_max", `Value ${n} bigger than max of ${input.max}`, name, {
            input_name: name,
            received_value: n,
          }),
        );
      }
      continue;
    }
    if (input.type === "COMBO") {
      const options = input.options ?? optionsFor(input.folder!);
      if (def.role === "load-image") {
        if (!options.includes(String(value))) {
          errors.push({
            type: "custom_validation_failed",
            message: "Custom validation failed for node",
            details: `image - Invalid image file: ${value}`,
            extra_info: { input_name: name, input_config: null, received_value: value },
          });
        }
        continue;
      }
      if (!options.includes(String(value))) {
        const list = options.length > 20
          ? `(list of length ${options.length})`
          : `[${options.map((o) => `'${o}'`).join(", ")}]`;
        errors.push({
          type: "value_not_in_list",
          message: "Value not in list",
          details: `${name}: '${value}' not in ${list}`,
          extra_info: {
            input_name: name,
            input_config: options.length > 20 ? null : [options, {}],
            received_value: value,
          },
        });
      }
    }
  }
  return errors;
}

function item(type: string, message: string, details: string, extra: Record<string, unknown>): ErrorItem {
  return { type, message, details, extra_info: extra };
}

/** Whether an input value links another node's output. */
export function isLink(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "number";
}
