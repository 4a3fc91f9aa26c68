import * as assert from "assert";
const cacheByOptions = new Map();
export function getTaskDetails(compiledSharedOptions, withPgClient, tasks) {
    let cache = cacheByOptions.get(compiledSharedOptions);
    if (!cache) {
        cache = {
            lastStr: "",
            lastDigest: {
                supportedTaskIdentifierByTaskId: {},
                taskIds: [],
            },
        };
        cacheByOptions.set(compiledSharedOptions, cache);
    }
    const supportedTaskNames = Object.keys(tasks);
    const str = JSON.stringify(supportedTaskNames);
    if (str !== cache.lastStr) {
        const { escapedWorkerSchema } = compiledSharedOptions;
        assert.ok(supportedTaskNames.length, "No runnable tasks!");
        cache.lastStr = str;
        cache.lastDigest = (async () => {
            const { rows } = await withPgClient.withRetries(async (client) => {
                await client.query({
                    text: `insert into ${escapedWorkerSchema}._private_tasks as tasks (identifier) select i from unnest($1::text[]) as u(i) where not exists (select 1 from ${escapedWorkerSchema}._private_tasks as existing where existing.identifier = u.i) on conflict do nothing`,
                    values: [supportedTaskNames],
                });
                return client.query({
                    text: `select id, identifier from ${escapedWorkerSchema}._private_tasks as tasks where identifier = any($1::text[])`,
                    values: [supportedTaskNames],
                });
            });
            const supportedTaskIdentifierByTaskId = Object.create(null);
            for (const row of rows) {
                supportedTaskIdentifierByTaskId[row.id] = row.identifier;
            }
            const taskIds = Object.keys(supportedTaskIdentifierByTaskId).map((s) => parseInt(s, 10));
            // Overwrite promises with concrete values
            cache.lastDigest = {
                supportedTaskIdentifierByTaskId,
                taskIds,
            };
            cache.lastStr = str;
            return cache.lastDigest;
        })();
    }
    return cache.lastDigest;
}
export function getSupportedTaskIdentifierByTaskId(compiledSharedOptions, withPgClient, tasks) {
    const p = getTaskDetails(compiledSharedOptions, withPgClient, tasks);
    if ("supportedTaskIdentifierByTaskId" in p) {
        return p.supportedTaskIdentifierByTaskId;
    }
    else {
        return p.then((o) => o.supportedTaskIdentifierByTaskId);
    }
}
export function getSupportedTaskIds(compiledSharedOptions, withPgClient, tasks) {
    const p = getTaskDetails(compiledSharedOptions, withPgClient, tasks);
    if ("taskIds" in p) {
        return p.taskIds;
    }
    else {
        return p.then((o) => o.taskIds);
    }
}
//# sourceMappingURL=taskIdentifiers.js.map