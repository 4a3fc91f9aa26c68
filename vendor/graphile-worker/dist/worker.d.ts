import type { CompleteJobFunction, FailJobFunction, GetJobFunction, TaskList, Worker, WorkerPool, WorkerShared } from "./interfaces.ts";
export declare function makeNewWorker(workerShared: WorkerShared, params: {
    tasks: TaskList;
    continuous: boolean;
    abortSignal: AbortSignal;
    abortPromise: Promise<void>;
    workerPool: WorkerPool;
    autostart?: boolean;
    workerId?: string;
    getJob: GetJobFunction;
    completeJob: CompleteJobFunction;
    failJob: FailJobFunction;
}): Worker;
