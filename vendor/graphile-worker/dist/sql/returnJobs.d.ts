import type { DbJob, WithPgClient } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
export declare function returnJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: WithPgClient, poolId: string, jobs: ReadonlyArray<DbJob>): Promise<void>;
