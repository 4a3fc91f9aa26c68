import type { EnhancedWithPgClient } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
export declare function getQueueNames(compiledSharedOptions: CompiledSharedOptions, withPgClient: EnhancedWithPgClient, queueIds: number[]): Promise<ReadonlyArray<string | null>>;
