export declare function ping(url?: string, timeoutMs?: number): Promise<boolean>;
/** Makes sure a Redis answers: its URL and whether this call started it. */
export declare function start(): Promise<{ url: string; started: boolean }>;
export declare function stop(): Promise<void>;
