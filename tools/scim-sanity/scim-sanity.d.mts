export declare const VERSION: string;
/** Makes sure the pinned scim-sanity is installed; returns the path of its command. */
export declare function install(): Promise<string>;
