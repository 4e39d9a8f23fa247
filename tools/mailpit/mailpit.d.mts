export declare const MAILPIT_VERSION: string;
/** The path of a mailpit binary of MAILPIT_VERSION, building it into .cache/mailpit/bin if needed. */
export declare function ensureMailpit(): string;
export declare function ping(apiUrl: string, timeoutMs?: number): Promise<boolean>;
/** Makes sure a Mailpit answers: where its SMTP and API are, and whether this call started it. */
export declare function start(opts?: {
  freePorts?: boolean;
}): Promise<{ smtpHost: string; smtpPort: number; apiUrl: string; started: boolean; pid?: number }>;
export declare function stop(httpPort?: number): Promise<void>;
