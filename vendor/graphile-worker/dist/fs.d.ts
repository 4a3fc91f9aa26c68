export declare function tryStat(pathToStat: string): Promise<import("fs").Stats | null>;
