export declare const VERSION: string;
/** Makes sure the pinned schemathesis is installed; returns the path of its command. */
export declare function install(): Promise<string>;
