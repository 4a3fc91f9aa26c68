import type { Pool } from "pg";
import type { makeWorkerPresetWorkerOptions } from "./config.ts";
import type { AddJobFunction, AddJobsFunction, EnhancedWithPgClient, PromiseOrDirect, RunnerOptions, RunOnceOptions, SharedOptions, WithPgClient, WorkerEventMap, WorkerOptions, WorkerPluginContext, WorkerSharedOptions, WorkerUtilsOptions } from "./interfaces.ts";
import type { LogScope } from "./logger.ts";
export declare const BREAKING_MIGRATIONS: number[];
export type ResolvedWorkerPreset = GraphileConfig.ResolvedPreset & {
    worker: GraphileConfig.WorkerOptions & ReturnType<typeof makeWorkerPresetWorkerOptions>;
};
export interface CompiledSharedOptions<T extends SharedOptions = SharedOptions> extends WorkerPluginContext {
    /**
     * DO NOT USE THIS! As we move over to presets this will be removed.
     *
     * @internal
     */
    _rawOptions: T;
}
interface ProcessSharedOptionsSettings {
    scope?: LogScope;
}
export declare function processSharedOptions<T extends SharedOptions | WorkerSharedOptions | WorkerOptions | RunOnceOptions | WorkerUtilsOptions>(options: T, { scope }?: ProcessSharedOptionsSettings): CompiledSharedOptions<T>;
export type Releasers = Array<() => void | Promise<void>>;
export declare function assertPool(compiledSharedOptions: CompiledSharedOptions, releasers: Releasers): Promise<Pool>;
export type Release = () => PromiseOrDirect<void>;
export declare function withReleasers<T>(callback: (releasers: Releasers, release: Release) => Promise<T>): Promise<T>;
interface ProcessOptionsExtensions {
    pgPool: Pool;
    withPgClient: EnhancedWithPgClient;
    addJob: AddJobFunction;
    addJobs: AddJobsFunction;
    releasers: Releasers;
}
export interface CompiledOptions extends CompiledSharedOptions<RunnerOptions>, ProcessOptionsExtensions {
}
type CompiledOptionsAndRelease = [
    compiledOptions: CompiledOptions,
    release: (error?: Error) => PromiseOrDirect<void>
];
export declare const getUtilsAndReleasersFromOptions: (options: RunnerOptions, settings?: ProcessSharedOptionsSettings) => Promise<CompiledOptionsAndRelease>;
export declare function tryParseJson<T = object>(json: string | null | undefined): T | null;
/** @see {@link https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html} */
export declare const RETRYABLE_ERROR_CODES: Record<string, Omit<RetryOptions, "maxAttempts" | "multiplier"> | undefined>;
export declare function makeEnhancedWithPgClient(withPgClient: WithPgClient | EnhancedWithPgClient): EnhancedWithPgClient;
export declare const sleep: (ms: number) => Promise<void>;
export declare function coerceError(err: unknown): Error & {
    code?: unknown;
};
export declare function isPromiseLike<T>(v: PromiseLike<T> | T): v is PromiseLike<T>;
export interface RetryOptions {
    maxAttempts: number;
    /** Minimum delay between attempts (milliseconds); can actually be half this due to jitter */
    minDelay: number;
    /** Maximum delay between attempts (milliseconds) - can actually be 1.5x this due to jitter */
    maxDelay: number;
    /** `multiplier ^ attempts` */
    multiplier: number;
}
export declare function calculateDelay(previousAttempts: number, retryOptions: RetryOptions): number;
export declare function safeEmit<TEvent extends keyof WorkerEventMap>(ctx: WorkerPluginContext, eventName: TEvent, payload: WorkerEventMap[TEvent]): void;
export {};
