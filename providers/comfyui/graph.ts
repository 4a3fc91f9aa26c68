/**
 * ComfyUI's API-format workflow ("Export (API)" in its UI): `{ "<node id>": { class_type, inputs,
 * _meta?: { title } } }`, where an input is a literal value or a link `["<source node id>", <output
 * index>]`. Node ids are strings and not always numbers ("129:95" inside flattened subgraphs).
 */

/** One node of an API-format workflow. */
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** An API-format workflow. */
export type ApiGraph = Record<string, ApiNode>;

/** A link from another node's output. */
export type Link = [string, number];

/** Whether an input value is a link to another node's output. */
export function isLink(value: unknown): value is Link {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "number";
}

/** The node's title as the UI shows it (its `_meta.title`, else its class). */
export function nodeTitle(node: ApiNode): string {
  return typeof node._meta?.title === "string" && node._meta.title ? node._meta.title : node.class_type;
}

/** "node 37 (Load Diffusion Model)": how messages name a node. */
export function describeNode(graph: ApiGraph, id: string): string {
  const node = graph[id];
  return node ? `node ${id} (${nodeTitle(node)})` : `node ${id}`;
}

/**
 * Checks that `value` looks like an API-format workflow and returns it typed; throws an Error with a
 * sentence otherwise (the UI's non-API "workflow" format has `nodes` and `links` arrays instead).
 */
export function parseApiGraph(value: unknown, what: string): ApiGraph {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${what} is not a JSON object of nodes.`);
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.nodes) && Array.isArray(record.links)) {
    throw new Error(
      `${what} is a UI workflow, not an API-format one: in ComfyUI use Workflow → Export (API) and point the setting at that file.`,
    );
  }
  const ids = Object.keys(record);
  if (ids.length === 0) throw new Error(`${what} has no nodes.`);
  for (const id of ids) {
    const node = record[id] as Partial<ApiNode> | null;
    if (!node || typeof node !== "object" || typeof node.class_type !== "string" || typeof node.inputs !== "object") {
      throw new Error(`${what} is not an API-format workflow: node ${id} has no class_type and inputs.`);
    }
  }
  return record as ApiGraph;
}
