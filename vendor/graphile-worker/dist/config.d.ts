/**
 * Defaults to use for various options throughout the codebase, sourced from
 * environmental variables, cosmiconfig, and finally sensible defaults.
 */
export declare const makeWorkerPresetWorkerOptions: () => {
    connectionString: string | undefined;
    schema: string;
    pollInterval: number;
    concurrentJobs: number;
    maxPoolSize: number;
    preparedStatements: boolean;
    crontabFile: string;
    taskDirectory: string;
    fileExtensions: string[];
    logger: import("./logger.ts").Logger;
    minResetLockedInterval: number;
    maxResetLockedInterval: number;
    gracefulShutdownAbortTimeout: number;
    useNodeTime: false;
};
