export function isValidTask(fn) {
    if (typeof fn === "function") {
        return true;
    }
    return false;
}
/**
 * Symbol to determine that the item was indeed fed through a parser function.
 *
 * @internal
 */
export const $$isParsed = Symbol("isParsed");
export const LocalQueueModes = {
    STARTING: "STARTING",
    POLLING: "POLLING",
    WAITING: "WAITING",
    TTL_EXPIRED: "TTL_EXPIRED",
    RELEASED: "RELEASED",
};
//# sourceMappingURL=interfaces.js.map