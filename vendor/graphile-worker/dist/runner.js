import { getParsedCronItemsFromOptions, runCron } from "./cron.js";
import { getTasksInternal } from "./getTasks.js";
import { coerceError, getUtilsAndReleasersFromOptions, safeEmit, sleep, } from "./lib.js";
import { _runTaskList, runTaskListInternal } from "./main.js";
export const runMigrations = async (options) => {
    const [, release] = await getUtilsAndReleasersFromOptions(options);
    await release();
};
/** @internal */
async function assertTaskList(compiledOptions, releasers) {
    const { resolvedPreset: { worker: { taskDirectory }, }, _rawOptions: { taskList }, } = compiledOptions;
    if (taskList) {
        return taskList;
    }
    else if (taskDirectory) {
        const watchedTasks = await getTasksInternal(compiledOptions, taskDirectory);
        releasers.push(() => watchedTasks.release());
        return watchedTasks.tasks;
    }
    else {
        throw new Error("You must specify either `taskList` or `taskDirectory`");
    }
}
export const runOnce = async (options, overrideTaskList) => {
    const [compiledOptions, release] = await getUtilsAndReleasersFromOptions(options);
    return runOnceInternal(compiledOptions, overrideTaskList, release);
};
export const runOnceInternal = async (compiledOptions, overrideTaskList, release) => {
    const { withPgClient, releasers, resolvedPreset: { worker: { concurrentJobs: concurrency }, }, _rawOptions: { noHandleSignals }, } = compiledOptions;
    try {
        const taskList = overrideTaskList || (await assertTaskList(compiledOptions, releasers));
        const workerPool = _runTaskList(compiledOptions, taskList, withPgClient, {
            concurrency,
            noHandleSignals,
            continuous: false,
        });
        return await workerPool.promise;
    }
    finally {
        await release();
    }
};
export const run = async (rawOptions, overrideTaskList, overrideParsedCronItems) => {
    const [compiledOptions, release] = await getUtilsAndReleasersFromOptions(rawOptions);
    return runInternal(compiledOptions, overrideTaskList, overrideParsedCronItems, release);
};
export const runInternal = async (compiledOptions, overrideTaskList, overrideParsedCronItems, release) => {
    const { releasers } = compiledOptions;
    try {
        const taskList = overrideTaskList || (await assertTaskList(compiledOptions, releasers));
        const parsedCronItems = overrideParsedCronItems ||
            (await getParsedCronItemsFromOptions(compiledOptions, releasers));
        // The result of 'buildRunner' must be returned immediately, so that the
        // user can await its promise property immediately. If this is broken then
        // unhandled promise rejections could occur in some circumstances, causing
        // a process crash in Node v16+.
        return buildRunner({
            compiledOptions,
            taskList,
            parsedCronItems,
            release,
        });
    }
    catch (e) {
        try {
            await release();
        }
        catch (e2) {
            compiledOptions.logger.error(`Error occurred whilst attempting to release options after error occurred`, { error: e, secondError: e2 });
        }
        throw e;
    }
};
/**
 * This _synchronous_ function exists to ensure that the promises are built and
 * returned synchronously, such that an unhandled promise rejection error does
 * not have time to occur.
 *
 * @internal
 */
function buildRunner(input) {
    const { compiledOptions, taskList, parsedCronItems, release } = input;
    const ctx = compiledOptions;
    const { events, pgPool, releasers, addJob, logger } = compiledOptions;
    const cron = runCron(compiledOptions, parsedCronItems, { pgPool, events });
    releasers.push(() => cron.release());
    const workerPool = runTaskListInternal(compiledOptions, taskList, pgPool);
    releasers.push(() => {
        if (!workerPool._shuttingDown) {
            return workerPool.gracefulShutdown("Runner is shutting down");
        }
    });
    let running = true;
    const stop = (reason, itsFine = reason === null) => {
        compiledOptions.logger[itsFine ? "debug" : "warn"](`Runner stopping${reason ? ` (reason: ${reason})` : ""}`);
        if (running) {
            running = false;
            const promises = [];
            // Wrap in async IIFE to capture synchronous errors
            promises.push((async () => void safeEmit(ctx, "stop", { ctx }))());
            if (cron._active) {
                promises.push((async () => cron.release())());
            }
            if (workerPool._active) {
                promises.push((async () => workerPool.gracefulShutdown())());
            }
            return Promise.all(promises).then(() => release(), (error) => {
                logger.error(`Error occurred whilst attempting to release runner options: ${coerceError(error).message}`, { error });
            });
        }
        else {
            return Promise.reject(new Error("Runner is already stopped"));
        }
    };
    const wp = workerPool.promise
        .then(() => (running ? stop("worker pool exited cleanly", true) : void 0), (e) => (running ? stop(`worker pool exited with error: ${e}`) : void 0))
        .catch(noop);
    const cp = cron.promise
        .then(() => (running ? stop("cron exited cleanly", true) : void 0), (e) => (running ? stop(`cron exited with error: ${e}`) : void 0))
        .catch(noop);
    const promise = Promise.all([cp, wp]).then(() => {
        /* noop */
    }, async (error) => {
        if (running) {
            logger.error(`Stopping worker due to an error: ${error}`, { error });
            await stop(String(error));
        }
        else {
            logger.error(`Error occurred, but worker is already stopping: ${error}`, { error });
        }
        return Promise.reject(error);
    });
    return {
        // It's fine - the user told us to exit
        stop: (reason) => stop(reason ?? null, true),
        async kill(reason) {
            if (running) {
                stop(`runner.kill() called${reason ? `: ${reason}` : ""}`).catch(noop);
            }
            if (workerPool._active) {
                // `stop()` will already have triggered gracefulShutdown, we'll
                // go forceful after a short delay
                await sleep(500);
                if (workerPool._active) {
                    await workerPool.forcefulShutdown(`Terminated through .kill() command`);
                }
            }
        },
        addJob,
        promise,
        events,
        [Symbol.asyncDispose]() {
            return stop("asyncDispose", true);
        },
    };
}
function noop() {
    /* NOOP */
}
//# sourceMappingURL=runner.js.map