export declare function parseManifests(text: string): unknown[];
export declare function validateManifests(objects: unknown[]): string[];
