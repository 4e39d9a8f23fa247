export interface ClusterOptions {
  name?: string;
  count?: number;
  firstAddress?: number;
}
export interface ClusterNode {
  name: string;
  index: number;
  host: string;
  port: number;
  storagePort: number;
  token: string;
  seed: string;
  home: string;
  confDir: string;
  dataDir: string;
  logDir: string;
  pidFile: string;
}
export declare const NATIVE_PORT: number;
export declare const STORAGE_PORT: number;
export declare function tokens(n: number): string[];
export declare function nodes(opts?: ClusterOptions): ClusterNode[];
export declare function contactPoints(ns: ClusterNode[]): string[];
export declare function nodePid(node: ClusterNode): number | null;
export declare function startNode(node: ClusterNode, opts?: { heap?: string; yaml?: Record<string, string> }): Promise<number>;
export declare function waitForPeers(node: ClusterNode, expected: number, timeoutMs?: number): Promise<void>;
export declare function start(
  opts?: ClusterOptions & { heap?: string; yaml?: Record<string, string> },
): Promise<{ contactPoints: string[]; seconds: number }>;
export declare function killNode(node: ClusterNode): number;
export declare function stop(opts?: ClusterOptions): Promise<void>;
export declare function destroy(opts?: ClusterOptions): Promise<void>;
