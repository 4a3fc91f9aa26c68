import type { EnhancedWithPgClient, Job, TaskList } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
export declare function isPromise<T>(t: T | Promise<T>): t is Promise<T>;
export declare function batchGetJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: EnhancedWithPgClient, tasks: TaskList, poolId: string, flagsToSkip: string[] | null, batchSize: number): Promise<Job[]>;
