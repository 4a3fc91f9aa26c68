import type { Pool, PoolClient } from "pg";
import type { AddJobFunction, AddJobsFunction, EnhancedWithPgClient, Job, JobHelpers, WithPgClient, WorkerShared } from "./interfaces.ts";
import type { CompiledSharedOptions } from "./lib.ts";
import type { Logger } from "./logger.ts";
export declare function makeAddJob(compiledSharedOptions: CompiledSharedOptions, withPgClient: WithPgClient): AddJobFunction;
export declare function makeAddJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: WithPgClient): AddJobsFunction;
export declare function makeJobHelpers(workerShared: WorkerShared, job: Job, { abortSignal, abortPromise, logger: overrideLogger, }: {
    abortSignal: AbortSignal;
    abortPromise: Promise<void>;
    logger?: Logger;
}): JobHelpers;
export declare function makeWithPgClientFromPool(pgPool: Pool): <T>(callback: (pgClient: PoolClient) => Promise<T>) => Promise<T>;
export declare function makeWithPgClientFromClient(pgClient: PoolClient): <T>(callback: (pgClient: PoolClient) => Promise<T>) => Promise<T>;
export declare function makeWorkerShared({ compiledSharedOptions, withPgClient, }: {
    compiledSharedOptions: CompiledSharedOptions;
    withPgClient: EnhancedWithPgClient;
}): WorkerShared;
