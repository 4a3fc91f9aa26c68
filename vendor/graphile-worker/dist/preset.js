import { makeWorkerPresetWorkerOptions } from "./config.js";
import { LoadTaskFromExecutableFilePlugin } from "./plugins/LoadTaskFromExecutableFilePlugin.js";
import { LoadTaskFromJsPlugin } from "./plugins/LoadTaskFromJsPlugin.js";
export const WorkerPreset = {
    plugins: [LoadTaskFromJsPlugin, LoadTaskFromExecutableFilePlugin],
    worker: makeWorkerPresetWorkerOptions(),
};
export const EMPTY_PRESET = Object.freeze({});
//# sourceMappingURL=preset.js.map