export type Signal = "SIGUSR2" | "SIGINT" | "SIGTERM" | "SIGPIPE" | "SIGHUP" | "SIGABRT";
declare const _default: Array<Signal>;
export default _default;
