import type { SharedOptions, WatchedTaskList } from "./interfaces.ts";
import type { CompiledSharedOptions } from "./lib.ts";
export declare function getTasks(options: SharedOptions, taskPath: string): Promise<WatchedTaskList>;
export declare function getTasksInternal(compiledSharedOptions: CompiledSharedOptions, taskPath: string): Promise<WatchedTaskList>;
