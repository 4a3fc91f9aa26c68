import type { ParsedCronItem, PromiseOrDirect, Runner, RunnerOptions, TaskList } from "./interfaces.ts";
import type { CompiledOptions } from "./lib.ts";
export declare const runMigrations: (options: RunnerOptions) => Promise<void>;
export declare const runOnce: (options: RunnerOptions, overrideTaskList?: TaskList) => Promise<void>;
export declare const runOnceInternal: (compiledOptions: CompiledOptions, overrideTaskList: TaskList | undefined, release: () => PromiseOrDirect<void>) => Promise<void>;
export declare const run: (rawOptions: RunnerOptions, overrideTaskList?: TaskList, overrideParsedCronItems?: Array<ParsedCronItem>) => Promise<Runner>;
export declare const runInternal: (compiledOptions: CompiledOptions, overrideTaskList: TaskList | undefined, overrideParsedCronItems: Array<ParsedCronItem> | undefined, release: () => PromiseOrDirect<void>) => Promise<Runner>;
