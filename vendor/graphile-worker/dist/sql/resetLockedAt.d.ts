import type { EnhancedWithPgClient } from "../interfaces.ts";
import type { CompiledSharedOptions } from "../lib.ts";
export declare function resetLockedAt(compiledSharedOptions: CompiledSharedOptions, withPgClient: EnhancedWithPgClient): Promise<void>;
