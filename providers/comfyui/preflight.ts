/**
 * Checks a workflow and its bindings before the first prompt (the first time a server is reached):
 * the bindings it needs are there and point at real inputs, its output is a PNG / an MP4, and the
 * server has every node class, every bound input and every model file it names (`/object_info/{class}`
 * per class, V1 and V3 combo formats). The answer is one sentence saying what is missing and how to
 * fix it, thrown as a permanent {@link ProviderError}; nothing is thrown when all is well.
 */
import { ProviderError } from "../types.ts";
import { BINDING_SLOTS, type BindingSlot, danglingBindings, missingBindings } from "./bindings.ts";
import type { NodeInfo } from "./client.ts";
import { describeNode, isLink } from "./graph.ts";
import { howToInstall, modelFolderFor } from "./node_knowledge.ts";
import { comboOptions, inputSpec } from "./object_info.ts";
import type { Workflow } from "./workflow.ts";

/** Looks up one node class on the server (`undefined` = not installed). */
export type NodeInfoLookup = (classType: string) => Promise<NodeInfo | undefined>;

const SLOT_WORDS: Record<BindingSlot | "output", string> = {
  prompt: "the prompt",
  negative: "the negative prompt",
  seed: "the seed",
  image: "the start image",
  width: "the width",
  height: "the height",
  frames: "the frame count",
  fps: "the frame rate",
  output: "the result (the node that saves it)",
};

const EXAMPLES: Record<BindingSlot | "output", string> = {
  prompt: '"prompt": "6.text"',
  negative: '"negative": "7.text"',
  seed: '"seed": "3.seed"',
  image: '"image": "12.image"',
  width: '"width": "5.width"',
  height: '"height": "5.height"',
  frames: '"frames": "5.length"',
  fps: '"fps": "20.fps"',
  output: '"output": "9"',
};

/**
 * Checks `workflow` against the server `server` (named in messages) through `lookup`; throws a
 * permanent ProviderError with one sentence, or whatever `lookup` throws (unreachable server).
 */
export async function preflightWorkflow(workflow: Workflow, server: string, lookup: NodeInfoLookup): Promise<void> {
  const problem = localProblem(workflow) ?? await serverProblem(workflow, server, lookup);
  if (problem) throw new ProviderError(problem, { transient: false });
}

/** What is wrong with the workflow and bindings themselves, without asking the server. */
export function localProblem(workflow: Workflow): string | undefined {
  const { graph, bindings, kind } = workflow;
  const bindingSetting = workflow.setting.replace("WORKFLOW", "BINDINGS");
  const missing = missingBindings(bindings, kind);
  if (missing.length) {
    const words = missing.map((slot) => SLOT_WORDS[slot]).join(" and ");
    const example = missing.map((slot) => EXAMPLES[slot]).join(", ");
    return `Scene Studio cannot tell which node of ${workflow.label} takes ${words}: name it in a binding file set in ${bindingSetting}, e.g. {${example}}.`;
  }
  const dangling = danglingBindings(graph, bindings);
  if (dangling.length) {
    return `The bindings for ${workflow.label} do not fit it: ${
      dangling.join("; ")
    }; fix the file set in ${bindingSetting}.`;
  }
  const output = graph[bindings.output!];
  const format = String(output.inputs.format ?? "");
  if (kind === "image" && !["SaveImage", "PreviewImage"].includes(output.class_type)) {
    return `The result of ${workflow.label} comes from ${
      describeNode(graph, bindings.output!)
    }, a ${output.class_type}; Scene Studio needs a PNG, so end the workflow with a Save Image node.`;
  }
  const mp4 = (output.class_type === "SaveVideo" && ["", "auto", "mp4"].includes(format)) ||
    (output.class_type === "VHS_VideoCombine" && format === "video/h264-mp4");
  if (kind === "video" && !mp4) {
    return `The result of ${workflow.label} comes from ${
      describeNode(graph, bindings.output!)
    }, a ${output.class_type}${
      format ? ` with format "${format}"` : ""
    }; Scene Studio needs an MP4, so end the workflow with a Save Video node (format auto or mp4).`;
  }
  return undefined;
}

async function serverProblem(workflow: Workflow, server: string, lookup: NodeInfoLookup): Promise<string | undefined> {
  const { graph, bindings } = workflow;
  const classes = [...new Set(Object.values(graph).map((node) => node.class_type))];
  const infos = new Map(await Promise.all(classes.map(async (c) => [c, await lookup(c)] as const)));
  const absent = classes.filter((c) => !infos.get(c));
  if (absent.length) {
    const first = absent[0];
    const nodeId = Object.keys(graph).find((id) => graph[id].class_type === first)!;
    const more = absent.length > 1 ? ` (and ${absent.slice(1).map((c) => `"${c}"`).join(", ")})` : "";
    return `The ComfyUI server at ${server} has no node type "${first}"${more}, which ${
      describeNode(graph, nodeId)
    } of ${workflow.label} needs: ${howToInstall(first)}.`;
  }
  const bound = new Set<string>();
  for (const slot of BINDING_SLOTS) {
    for (const ref of bindings[slot]) {
      bound.add(`${ref.node}.${ref.input}`);
      const info = infos.get(graph[ref.node].class_type)!;
      if (!inputSpec(info, ref.input)) {
        return `On the ComfyUI server at ${server}, ${describeNode(graph, ref.node)} has no input "${ref.input}" for ${
          SLOT_WORDS[slot]
        }: fix the binding in ${workflow.setting.replace("WORKFLOW", "BINDINGS")} or update ComfyUI.`;
      }
    }
  }
  const missingModels: { file: string; folder: string; where: string }[] = [];
  for (const [id, node] of Object.entries(graph)) {
    const info = infos.get(node.class_type)!;
    for (const [input, value] of Object.entries(node.inputs)) {
      if (typeof value !== "string" || isLink(value) || bound.has(`${id}.${input}`)) continue;
      const options = comboOptions(inputSpec(info, input));
      if (!options || options.includes(value)) continue;
      const folder = workflow.models.find((m) => m.file === value)?.folder ?? modelFolderFor(input);
      if (folder) {
        missingModels.push({ file: value, folder, where: describeNode(graph, id) });
        continue;
      }
      return `On the ComfyUI server at ${server}, ${
        describeNode(graph, id)
      } of ${workflow.label} asks for ${input} "${value}", which the server does not offer (it has ${
        options.slice(0, 5).join(", ") || "none"
      }): update ComfyUI or change the workflow.`;
    }
  }
  if (missingModels.length) {
    const puts = missingModels.map((m) => `${m.file} in ComfyUI/models/${m.folder}/`).join(", ");
    const files = missingModels.length === 1 ? "a model file" : `${missingModels.length} model files`;
    return `The ComfyUI server at ${server} lacks ${files} that ${workflow.label} needs: put ${puts} (first used by ${
      missingModels[0].where
    }), then restart ComfyUI or refresh its model list.`;
  }
  return undefined;
}
