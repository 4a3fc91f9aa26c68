import type { DbJob, EnhancedWithPgClient, WithPgClient } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
interface Spec {
    job: DbJob;
    message: string;
    replacementPayload: undefined | unknown[];
}
export declare function batchFailJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: WithPgClient, poolId: string, specs: ReadonlyArray<Spec>): Promise<void>;
export declare function failJobs(compiledSharedOptions: CompiledSharedOptions, withPgClient: EnhancedWithPgClient, poolId: string, jobs: DbJob[], message: string): Promise<DbJob[]>;
export {};
