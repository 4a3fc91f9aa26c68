import type { LogFunctionFactory as GraphileLogFunctionFactory, LogLevel } from "@graphile/logger";
import { Logger as GraphileLogger } from "@graphile/logger";
export interface LogScope {
    label?: string;
    workerId?: string;
    taskIdentifier?: string;
    jobId?: string;
}
export type { LogLevel };
export declare class Logger extends GraphileLogger<LogScope> {
}
export type LogFunctionFactory = GraphileLogFunctionFactory<LogScope>;
export declare const consoleLogFactory: GraphileLogFunctionFactory<LogScope>;
export declare const defaultLogger: Logger;
