import { cleanup } from "./cleanup.js";
import { getUtilsAndReleasersFromOptions } from "./lib.js";
import { migrate } from "./migrate.js";
/**
 * Construct (asynchronously) a new WorkerUtils instance.
 */
export async function makeWorkerUtils(options) {
    const [compiledOptions, release] = await getUtilsAndReleasersFromOptions(options, {
        scope: {
            label: "WorkerUtils",
        },
    });
    const { logger, escapedWorkerSchema, withPgClient, addJob, addJobs } = compiledOptions;
    return {
        withPgClient,
        logger,
        release,
        addJob,
        addJobs,
        migrate: () => withPgClient((pgClient) => migrate(compiledOptions, pgClient)),
        async completeJobs(ids) {
            const { rows } = await withPgClient((client) => client.query(`select * from ${escapedWorkerSchema}.complete_jobs($1::bigint[])`, [ids]));
            return rows;
        },
        async permanentlyFailJobs(ids, reason) {
            const { rows } = await withPgClient((client) => client.query(`select * from ${escapedWorkerSchema}.permanently_fail_jobs($1::bigint[], $2::text)`, [ids, reason || null]));
            return rows;
        },
        async rescheduleJobs(ids, options) {
            const { rows } = await withPgClient((client) => client.query(`select * from ${escapedWorkerSchema}.reschedule_jobs(
            $1::bigint[],
            run_at := $2::timestamptz,
            priority := $3::int,
            attempts := $4::int,
            max_attempts := $5::int
          )`, [
                ids,
                options.runAt || null,
                options.priority || null,
                options.attempts || null,
                options.maxAttempts || null,
            ]));
            return rows;
        },
        async forceUnlockWorkers(workerIds) {
            await withPgClient((client) => client.query(`select ${escapedWorkerSchema}.force_unlock_workers($1::text[]);`, [workerIds]));
        },
        async cleanup(options = {
            tasks: ["GC_JOB_QUEUES"],
        }) {
            // TODO: would be great to guess the current task identifiers (e.g. by
            // reading the `tasks` folder) and add them to `taskIdentifiersToKeep`
            return cleanup(compiledOptions, options);
        },
    };
}
/**
 * This function can be used to add a job with minimal code required, but it is
 * inefficient because it creates and destroys a database pool for each call.
 * If you need to call this more than once in your process you should instead
 * create a WorkerUtils instance for efficiency and performance sake.
 */
export async function addJobAdhoc(options, identifier, payload, spec = {}) {
    const utils = await makeWorkerUtils(options);
    try {
        return await utils.addJob(identifier, payload, spec);
    }
    finally {
        await utils.release();
    }
}
/**
 * @deprecated The name was misleading, use `addJobAdhoc` instead.
 */
export const quickAddJob = addJobAdhoc;
//# sourceMappingURL=workerUtils.js.map