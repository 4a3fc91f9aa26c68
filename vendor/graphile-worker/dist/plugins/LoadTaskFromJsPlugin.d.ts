import type { GraphileConfig } from "graphile-config";
export declare const LoadTaskFromJsPlugin: GraphileConfig.Plugin;
