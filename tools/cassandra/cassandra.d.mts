export declare function externalCluster(): boolean;
export declare function cqlAnswers(timeoutMs?: number, at?: { host: string; port: number }): Promise<string | false>;
export declare function start(): Promise<{ started: boolean; external?: boolean; version?: string; seconds?: number }>;
export declare function stop(): Promise<void>;
export declare function pid(): number | null;
export interface NodeFolders {
  home: string;
  confDir: string;
  dataDir: string;
  logDir: string;
  pidFile: string;
  port: number;
  storagePort: number;
}
export declare function pinnedVersion(): string;
export declare function findJava17(): string;
export declare function ensureJars(): void;
export declare function renderConfig(node?: Omit<NodeFolders, 'home' | 'pidFile'>, set?: Record<string, string>): void;
export declare function jvmArgs(
  node?: Omit<NodeFolders, 'port' | 'storagePort'>,
  opts?: { heap?: string; props?: Record<string, string> },
): string[];
