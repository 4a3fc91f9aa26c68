import type { PoolClient } from "pg";
import { migrations } from "./generated/sql.ts";
import type { WorkerSharedOptions } from "./interfaces.ts";
import type { CompiledSharedOptions } from "./lib.ts";
/** @internal */
export declare function installSchema(compiledSharedOptions: CompiledSharedOptions<WorkerSharedOptions>, event: GraphileWorker.MigrateEvent): Promise<void>;
/** @internal */
export declare function runMigration(compiledSharedOptions: CompiledSharedOptions<WorkerSharedOptions>, event: GraphileWorker.MigrateEvent, migrationFile: keyof typeof migrations, migrationNumber: number): Promise<void>;
/** @internal */
export declare function migrate(compiledSharedOptions: CompiledSharedOptions<WorkerSharedOptions>, client: PoolClient): Promise<void>;
