import { getCronItems } from "./getCronItems.js";
import { getTasks } from "./getTasks.js";
export { parseCronItem, parseCronItems, parseCrontab } from "./crontab.js";
export * from "./interfaces.js";
export { consoleLogFactory, Logger } from "./logger.js";
export { runTaskList, runTaskListOnce } from "./main.js";
export { WorkerPreset } from "./preset.js";
export { run, runMigrations, runOnce } from "./runner.js";
export { addJobAdhoc, makeWorkerUtils, quickAddJob } from "./workerUtils.js";
export { getTasks };
export { getCronItems };
//# sourceMappingURL=index.js.map