import type { GraphileConfig } from "graphile-config";
export declare const LoadTaskFromExecutableFilePlugin: GraphileConfig.Plugin;
