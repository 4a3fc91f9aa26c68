import type { CleanupOptions, CleanupTask } from "./interfaces.ts";
import type { CompiledOptions } from "./lib.ts";
export declare function assertCleanupTasks(tasks: string[]): asserts tasks is CleanupTask[];
export declare function cleanup(compiledOptions: CompiledOptions, options: CleanupOptions): Promise<void>;
