export declare function ping(url?: string, timeoutMs?: number): Promise<boolean>;
/** Returns the URL of a Redis that answers and whether this call started it. */
export declare function start(): Promise<string>;
export declare function stop(): Promise<void>;
