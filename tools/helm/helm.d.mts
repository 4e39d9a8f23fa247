export declare const HELM_VERSION: string;
export declare const repoRoot: string;
export declare const chartDir: string;
export interface ValuesSet {
  name: string;
  files: string[];
}
export declare function valuesSets(): ValuesSet[];
export declare function ensureHelm(): string;
export declare function lint(helm: string, files?: string[], extra?: string[]): { ok: boolean; output: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests, read loosely by tests
export declare function render(helm: string, files?: string[], extra?: string[]): any[];
export declare function checkChart(helm: string, log?: (message: string) => void): string[];
export declare const requiredValuesFile: string;
