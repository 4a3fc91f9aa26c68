import type { DbJob, WithPgClient } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
export declare function batchCompleteJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: WithPgClient, poolId: string, jobs: ReadonlyArray<DbJob>): Promise<void>;
