export declare const repoRoot: string;
export declare function problemsIn(line: string, exists?: (rel: string) => boolean): string[];
export declare function candidateFiles(): string[];
export declare function offenders(files?: string[]): Array<{ file: string; line: number; text: string; problems: string[] }>;
export declare function fixText(text: string): string;
