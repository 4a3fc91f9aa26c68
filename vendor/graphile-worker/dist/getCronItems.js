import { promises as fsp } from "fs";
import { parseCrontab } from "./crontab.js";
import { processSharedOptions } from "./lib.js";
async function loadCrontabIntoCronItems(logger, items, filename) {
    let didntExist = false;
    const contents = await fsp
        .readFile(filename, "utf8")
        .then((t) => {
        if (didntExist) {
            didntExist = false;
            logger.info(`Found crontab file '${filename}'; cron is now enabled`);
        }
        return t;
    })
        .catch((e) => {
        if (e.code !== "ENOENT") {
            // Only log error if it's not a "file doesn't exist" error
            logger.error(`Failed to read crontab file '${filename}': ${e}`);
        }
        else {
            didntExist = true;
            logger.info(`Failed to read crontab file '${filename}'; cron is disabled`);
        }
        return "";
    });
    if (contents != null) {
        const parsed = parseCrontab(contents);
        // Overwrite items' contents with the new cron items
        items.splice(0, items.length, ...parsed);
    }
}
export async function getCronItems(options, crontabPath) {
    const compiledSharedOptions = processSharedOptions(options);
    return getCronItemsInternal(compiledSharedOptions, crontabPath);
}
export async function getCronItemsInternal(compiledSharedOptions, crontabPath) {
    const { logger } = compiledSharedOptions;
    const items = [];
    // Try and require it
    await loadCrontabIntoCronItems(logger, items, crontabPath);
    let released = false;
    return {
        items,
        release: () => {
            if (released) {
                return;
            }
            released = true;
        },
    };
}
//# sourceMappingURL=getCronItems.js.map