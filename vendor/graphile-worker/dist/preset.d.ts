export declare const WorkerPreset: GraphileConfig.Preset;
export declare const EMPTY_PRESET: GraphileConfig.Preset;
