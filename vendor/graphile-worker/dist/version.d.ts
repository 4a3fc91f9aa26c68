export declare const version = "0.18.0";
