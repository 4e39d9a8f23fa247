export declare function externalCluster(): boolean;
export declare function cqlAnswers(timeoutMs?: number): Promise<string | false>;
export declare function start(): Promise<{ started: boolean; external?: boolean; version?: string; seconds?: number }>;
export declare function stop(): Promise<void>;
export declare function pid(): number | null;
