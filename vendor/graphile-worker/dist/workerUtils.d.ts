import type { TaskSpec, WorkerUtils, WorkerUtilsOptions } from "./interfaces.ts";
/**
 * Construct (asynchronously) a new WorkerUtils instance.
 */
export declare function makeWorkerUtils(options: WorkerUtilsOptions): Promise<WorkerUtils>;
/**
 * This function can be used to add a job with minimal code required, but it is
 * inefficient because it creates and destroys a database pool for each call.
 * If you need to call this more than once in your process you should instead
 * create a WorkerUtils instance for efficiency and performance sake.
 */
export declare function addJobAdhoc<TIdentifier extends keyof GraphileWorker.Tasks | (string & {}) = string>(options: WorkerUtilsOptions, identifier: TIdentifier, payload: TIdentifier extends keyof GraphileWorker.Tasks ? GraphileWorker.Tasks[TIdentifier] : unknown, spec?: TaskSpec): Promise<import("./interfaces.ts").Job>;
/**
 * @deprecated The name was misleading, use `addJobAdhoc` instead.
 */
export declare const quickAddJob: typeof addJobAdhoc;
