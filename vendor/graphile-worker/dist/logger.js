// For backwards compatibility
if (process.env.GRAPHILE_WORKER_DEBUG) {
    process.env.GRAPHILE_LOGGER_DEBUG = process.env.GRAPHILE_WORKER_DEBUG;
}
import { Logger as GraphileLogger, makeConsoleLogFactory, } from "@graphile/logger";
// For backwards compatibility
export class Logger extends GraphileLogger {
}
export const consoleLogFactory = makeConsoleLogFactory();
export const defaultLogger = new Logger(makeConsoleLogFactory({
    format: `[%s%s] %s: %s`,
    formatParameters(level, message, scope) {
        const taskText = scope.taskIdentifier ? `: ${scope.taskIdentifier}` : "";
        const jobIdText = scope.jobId ? `{${scope.jobId}}` : "";
        return [
            scope.label || "core",
            scope.workerId ? `(${scope.workerId}${taskText}${jobIdText})` : "",
            level.toUpperCase(),
            message,
        ];
    },
}));
//# sourceMappingURL=logger.js.map