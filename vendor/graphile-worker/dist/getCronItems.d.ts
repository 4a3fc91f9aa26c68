import type { SharedOptions, WatchedCronItems } from "./interfaces.ts";
import type { CompiledSharedOptions } from "./lib.ts";
export declare function getCronItems(options: SharedOptions, crontabPath: string): Promise<WatchedCronItems>;
export declare function getCronItemsInternal(compiledSharedOptions: CompiledSharedOptions, crontabPath: string): Promise<WatchedCronItems>;
