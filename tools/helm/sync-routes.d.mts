export declare const sourceFile: string;
export declare const chartFile: string;
export declare function expectedCopy(): string;
export declare function inSync(): boolean;
